/* The outbox: what she records in the field is kept on the phone until the server has it.

   Every <form data-outbox="visit|followup|collection|attendance"> is caught on submit, online too: its fields (photos
   resized in the browser) become an entry of IndexedDB "pekka-outbox" (store "entries", through the idb library),
   keyed by the form's client_uuid (made by the server with the form, or here for forms without one), and the entry
   is sent from there. It survives closing the browser and restarting the phone.

   Sending (one tab at a time, under a Web Lock): on every page load, on the "online" event, every 30 s while entries
   wait, from the "Kirim sekarang" buttons, and when the service worker relays a Background Sync ("pekka-outbox-sync"
   message; the worker itself sends nothing). The server makes it exactly once: the same key again returns the first
   result. A redirect away from the form is success; the form sent back is "needs fixing" with the server's messages
   (editable at the form's page with ?outbox=<key>, sent again under the same key); a redirect to the login page keeps
   the entry waiting until the same user is logged in again; no network or a 5xx keeps it waiting; another 4xx needs
   fixing. Entries are never dropped, except sent ones after seven days (or at logout).

   Also here: the navbar badge, the outbox page, the logout warning, and the field read/restore helpers that
   mentoring.js uses for its drafts (window.pekkaOutbox). Plain JS, no build step. */
(function () {
  "use strict";

  const DB_NAME = "pekka-outbox";
  const STORE = "entries";
  const META = "meta";
  const CHANNEL = "pekka-outbox";
  const SYNC_TAG = "pekka-outbox";
  const LOCK = "pekka-outbox";
  const CHECK_MS = 30000;
  const SENT_KEEP_MS = 7 * 24 * 3600 * 1000;
  const SEND_TIMEOUT_MS = 90000;
  const MAX_SIDE = 1280;
  const JPEG_QUALITY = 0.8;
  const FLASH_KEY = "pekka.outbox.flash";
  const UNSENT = ["waiting", "sending", "fix"];

  const script = document.currentScript;
  const config = {
    loginPaths: ((script && script.dataset.loginUrls) || "").split(/\s+/).filter(Boolean),
    outboxUrl: (script && script.dataset.outboxUrl) || "",
  };

  // --- small helpers ---------------------------------------------------------------------------------------------

  function currentUser() {
    const meta = document.querySelector('meta[name="pekka-user"]');
    return meta ? meta.content : "";
  }

  function t(name, fallback) {
    const box = document.getElementById("outbox-strings");
    return (box && box.dataset[name]) || fallback || "";
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  // dd/mm/yyyy HH:MM, as every date of the app is shown.
  function when(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function csrfToken() {
    const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) return decodeURIComponent(cookie[1]);
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (error) {
      /* no header on this page */
    }
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function isLoginPath(pathname) {
    return config.loginPaths.some((path) => pathname === path || pathname.startsWith(path));
  }

  // The page a form was opened at, without the ?outbox= that reopened it for fixing.
  function withoutOutboxParam(href) {
    const url = new URL(href, window.location.href);
    url.searchParams.delete("outbox");
    return url.pathname + url.search;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text != null) el.textContent = text;
    return el;
  }

  // --- fields: read a form, put values back (shared with mentoring.js's drafts) ----------------------------------

  function isButton(el) {
    return ["submit", "button", "reset", "image"].includes(el.type);
  }

  /** name → value, or a list for checkboxes, radios, multiple selects, repeated names and (with files) files. */
  function readFields(form, options) {
    const opts = options || {};
    const values = {};
    const repeated = new Set();
    Array.from(form.elements).forEach((el) => {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" || isButton(el)) return;
      if (el.type === "file") {
        if (opts.files) values[el.name] = (values[el.name] || []).concat(Array.from(el.files || []));
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
      } else if (el.name in values) {
        if (!repeated.has(el.name)) values[el.name] = [values[el.name]];
        repeated.add(el.name);
        values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    const submitter = opts.submitter;
    if (submitter && submitter.name && !submitter.disabled) values[submitter.name] = submitter.value;
    return values;
  }

  // Formsets: add rows until there are as many as the values had (pekka.js adds a row per click).
  function growFormsets(form, values) {
    form.querySelectorAll("[data-formset]").forEach((box) => {
      const prefix = box.dataset.formset;
      const total = box.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
      const add = box.querySelector("[data-formset-add]");
      const wanted = Number(values[`${prefix}-TOTAL_FORMS`] || 0);
      let guard = 20;
      while (total && add && Number(total.value) < wanted && guard > 0) {
        add.click();
        guard -= 1;
      }
    });
  }

  /** Puts values read by readFields back into a form (photos too, where the browser lets a page set files). */
  function restoreFields(form, values) {
    growFormsets(form, values);
    const seen = {};
    Array.from(form.elements).forEach((el) => {
      if (!el.name || !(el.name in values) || el.name === "csrfmiddlewaretoken" || isButton(el)) return;
      const value = values[el.name];
      if (el.type === "file") {
        const files = (Array.isArray(value) ? value : []).filter((f) => f instanceof Blob);
        if (!files.length || !window.DataTransfer) return;
        try {
          const transfer = new DataTransfer();
          files.forEach((f) => transfer.items.add(f instanceof File ? f : new File([f], "foto.jpg", { type: f.type })));
          el.files = transfer.files;
        } catch (error) {
          /* this browser cannot set files: she picks the photos again */
        }
      } else if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.includes(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        const chosen = Array.isArray(value) ? value : [value];
        Array.from(el.options).forEach((o) => { o.selected = chosen.includes(o.value); });
        if (el.tomselect) el.tomselect.setValue(chosen, true);
      } else {
        const index = seen[el.name] || 0;
        seen[el.name] = index + 1;
        const text = Array.isArray(value) ? value[index] : value;
        if (typeof text !== "string") return;
        el.value = text;
        if (el.tomselect) el.tomselect.setValue(text, true);
      }
    });
  }

  // --- the database ----------------------------------------------------------------------------------------------

  let dbPromise = null;
  function db() {
    if (!window.idb || !window.indexedDB) return Promise.reject(new Error("IndexedDB is not available"));
    if (!dbPromise) {
      dbPromise = window.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          const entries = database.createObjectStore(STORE, { keyPath: "key" });
          entries.createIndex("user", "user");
          database.createObjectStore(META);
        },
      });
      dbPromise.catch(() => { dbPromise = null; });
    }
    return dbPromise;
  }

  const getEntry = (key) => db().then((d) => d.get(STORE, key));
  const putEntry = (entry) => db().then((d) => d.put(STORE, entry));
  const deleteEntry = (key) => db().then((d) => d.delete(STORE, key));
  const getMeta = (name) => db().then((d) => d.get(META, name));
  const setMeta = (name, value) => db().then((d) => d.put(META, value, name));

  function allEntries() {
    return db().then((d) => d.getAll(STORE)).then((list) => list.sort((a, b) => (a.created < b.created ? -1 : 1)));
  }

  function entriesOf(user) {
    return allEntries().then((list) => list.filter((e) => e.user === user));
  }

  // Other tabs hear about every change (their badge and outbox page follow).
  const channel = window.BroadcastChannel ? new BroadcastChannel(CHANNEL) : null;
  const listeners = new Set();
  function changed(detail) {
    if (channel) channel.postMessage({ type: "changed" });
    listeners.forEach((fn) => fn(detail || {}));
  }

  function pruneSent() {
    const cutoff = Date.now() - SENT_KEEP_MS;
    return allEntries().then((list) => Promise.all(
      list.filter((e) => e.status === "sent" && Date.parse(e.sentAt || e.created) < cutoff).map((e) => deleteEntry(e.key))
    ));
  }

  // --- capture ---------------------------------------------------------------------------------------------------

  function loadImage(file) {
    return new Promise((resolve, reject) => {
      const url = URL.createObjectURL(file);
      const img = new Image();
      img.onload = () => { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      img.src = url;
    });
  }

  /** A photo with its longest side at most 1280 px, as JPEG ~0.8; the original when it is already small. */
  async function resizePhoto(file) {
    if (!(file instanceof Blob) || !/^image\/(jpeg|png|webp|bmp|heic|heif)/i.test(file.type)) return file;
    let picture;
    try {
      picture = window.createImageBitmap
        ? await window.createImageBitmap(file, { imageOrientation: "from-image" })
        : await loadImage(file);
    } catch (error) {
      return file; // the server says whether it is a photo
    }
    const width = picture.width;
    const height = picture.height;
    const side = Math.max(width, height);
    if (side <= MAX_SIDE) {
      if (picture.close) picture.close();
      return file;
    }
    const scale = MAX_SIDE / side;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white, not on black
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(picture, 0, 0, canvas.width, canvas.height);
    if (picture.close) picture.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
    if (!blob) return file;
    const name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
    return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified || Date.now() });
  }

  function keyInput(form) {
    let input = form.querySelector('input[name="client_uuid"]');
    if (!input) {
      // Forms the server makes without a key (follow-up done, meeting attendance) get one when shown.
      input = element("input");
      input.type = "hidden";
      input.name = "client_uuid";
      input.value = newKey();
      form.appendChild(input);
    }
    if (!input.value) input.value = newKey();
    return input;
  }

  // Asked once, on the first capture; the answer is shown on the outbox page.
  async function askPersistence() {
    if (await getMeta("persist")) return;
    let answer = "unsupported";
    if (navigator.storage && navigator.storage.persist) {
      try {
        answer = (await navigator.storage.persist()) ? "granted" : "denied";
      } catch (error) {
        answer = "denied";
      }
    }
    await setMeta("persist", answer);
  }

  // The day she did it, as her phone counts days: a follow-up ticked off in a village is done that day, not the
  // day the signal came back (<input type="hidden" data-outbox-today>).
  function today() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  async function capture(form, submitter) {
    const key = keyInput(form).value;
    form.querySelectorAll("input[data-outbox-today]").forEach((input) => {
      if (!input.value) input.value = today();
    });
    const fields = readFields(form, { files: true, submitter });
    for (const name of Object.keys(fields)) {
      const value = fields[name];
      if (Array.isArray(value) && value.some((v) => v instanceof Blob)) {
        fields[name] = await Promise.all(value.map(resizePhoto));
      }
    }
    const previous = await getEntry(key);
    const now = new Date().toISOString();
    const entry = {
      key,
      kind: form.dataset.outbox,
      url: withoutOutboxParam(form.action || window.location.href),
      formUrl: withoutOutboxParam(window.location.href),
      method: "POST",
      fields,
      user: currentUser(),
      label: (submitter && submitter.dataset.outboxLabel) || form.dataset.outboxLabel || document.title,
      created: previous && previous.user === currentUser() ? previous.created : now,
      updated: now,
      status: "waiting",
      message: "",
      errors: [],
      attempts: 0,
      sentAt: null,
      resultUrl: "",
    };
    await putEntry(entry);
    changed();
    askPersistence().catch(() => {});
    return entry;
  }

  // --- sending ---------------------------------------------------------------------------------------------------

  function bodyOf(entry) {
    const body = new FormData();
    Object.entries(entry.fields || {}).forEach(([name, value]) => {
      (Array.isArray(value) ? value : [value]).forEach((item) => {
        if (item instanceof Blob) body.append(name, item, item.name || "foto.jpg");
        else if (item != null) body.append(name, item);
      });
    });
    return body;
  }

  function textOf(node) {
    return (node.textContent || "").replace(/\s+/g, " ").trim();
  }

  // The server's reasons in a form it sent back: [{field, text}], field null for the whole form.
  function errorsIn(doc) {
    const errors = [];
    const seen = new Set();
    function add(field, text, label) {
      if (!text || seen.has(`${field}|${text}`)) return;
      seen.add(`${field}|${text}`);
      errors.push({ field, text, label: label || "" });
    }
    doc.querySelectorAll("main .alert-danger, main .alert-error").forEach((el) => add(null, textOf(el)));
    doc.querySelectorAll("main .invalid-feedback, main .errorlist li").forEach((el) => {
      if (el.closest(".alert-danger")) return;
      const box = el.closest('[id^="div_id_"]');
      let field = box ? box.id.slice("div_id_".length) : null;
      if (!field) {
        const near = el.parentElement && el.parentElement.querySelector("[name].is-invalid, input[name], select[name], textarea[name]");
        field = near ? near.name : null;
      }
      const label = (box && box.querySelector("label")) || (el.closest("fieldset") && el.closest("fieldset").querySelector("legend"));
      add(field, textOf(el), label ? textOf(label).replace(/\*$/, "").trim() : "");
    });
    return errors;
  }

  function flashIn(doc) {
    return Array.from(doc.querySelectorAll(".messages .alert")).map((el) => ({
      kind: (Array.from(el.classList).find((c) => /^alert-(success|info|warning|danger|error)$/.test(c)) || "alert-info").slice(6),
      text: textOf(el),
    }));
  }

  /** One try: {outcome: sent|fix|login|offline|retry, ...}. */
  async function sendEntry(entry) {
    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), SEND_TIMEOUT_MS) : null;
    let response;
    let html = "";
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body: bodyOf(entry),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "X-Pekka-Outbox": "1" },
        redirect: "follow",
        cache: "no-store",
        signal: controller ? controller.signal : undefined,
      });
      html = await response.text();
    } catch (error) {
      return { outcome: "offline" };
    } finally {
      if (timer) clearTimeout(timer);
    }
    const final = new URL(response.url || entry.url, window.location.href);
    const doc = new DOMParser().parseFromString(html, "text/html");
    if (response.redirected && isLoginPath(final.pathname)) return { outcome: "login" };
    if (response.status >= 500) {
      return { outcome: "retry", message: `${t("serverError", "Server error")} (${response.status})` };
    }
    if (response.status >= 400) {
      const errors = errorsIn(doc);
      const status = `${response.status}${response.statusText ? " " + response.statusText : ""}`;
      return { outcome: "fix", errors, message: `${t("refused", "The server refused it")} (${status})` };
    }
    const errors = errorsIn(doc);
    const flash = flashIn(doc);
    const flashFailed = flash.some((f) => f.kind === "danger" || f.kind === "error");
    if (response.redirected && !flashFailed) {
      return { outcome: "sent", resultUrl: final.pathname + final.search + final.hash, flash };
    }
    return {
      outcome: "fix",
      errors: errors.length ? errors : flash.map((f) => ({ field: null, text: f.text })),
      message: t("notAccepted", "The server did not accept it: correct it and send it again."),
    };
  }

  function registerSync() {
    if (!navigator.serviceWorker || !navigator.serviceWorker.getRegistration) return;
    navigator.serviceWorker.getRegistration()
      .then((registration) => registration && registration.sync && registration.sync.register(SYNC_TAG))
      .catch(() => {});
  }

  function backoff(attempts) {
    return Math.min(30000 * 2 ** Math.max(0, attempts - 1), 30 * 60000);
  }

  const state = { sessionEnded: false, sending: false };
  let queue = Promise.resolve(); // this tab's sends, one after the other

  // Only one tab sends at a time: under the lock, an entry marked "sending" is one a closed page left behind.
  function withLock(task) {
    if (navigator.locks && navigator.locks.request) return navigator.locks.request(LOCK, task);
    return task();
  }

  function eligible(entry, manual, now) {
    if (entry.status === "sending") {
      return (navigator.locks && navigator.locks.request) || now - Date.parse(entry.lastAttempt || 0) > SEND_TIMEOUT_MS * 1.5;
    }
    return entry.status === "waiting" && (manual || !entry.nextTry || entry.nextTry <= now);
  }

  async function sendOne(entry) {
    entry.status = "sending";
    entry.attempts = (entry.attempts || 0) + 1;
    entry.lastAttempt = new Date().toISOString();
    await putEntry(entry);
    changed();
    const result = await sendEntry(entry);
    const fresh = (await getEntry(entry.key)) || entry;
    if (fresh.updated !== entry.updated) return { outcome: "changed" }; // she saved it again meanwhile
    Object.assign(fresh, { status: "waiting", nextTry: null });
    if (result.outcome === "sent") {
      Object.assign(fresh, {
        status: "sent", sentAt: new Date().toISOString(), resultUrl: result.resultUrl, message: "", errors: [],
        fields: null, // on the server now: the phone keeps no copy of what she wrote, photos included
      });
    } else if (result.outcome === "fix") {
      Object.assign(fresh, { status: "fix", message: result.message, errors: result.errors || [] });
    } else if (result.outcome === "login") {
      fresh.message = t("sessionEnded", "Your session has ended: log in again to send it.");
    } else if (result.outcome === "retry") {
      Object.assign(fresh, { message: result.message, nextTry: Date.now() + backoff(fresh.attempts) });
    } else {
      fresh.message = t("noSignal", "Not sent yet: no connection. It is sent when there is a signal.");
    }
    await putEntry(fresh);
    changed({ key: fresh.key, result });
    return result;
  }

  /** Sends what waits for the logged-in user, oldest first (only ``onlyKey`` when given); stops at no network. */
  function flush(options) {
    const opts = options || {};
    const user = currentUser();
    if (!user || !window.idb) return Promise.resolve({ sent: 0, left: 0 });
    state.sending = true;
    changed();
    const run = () => withLock(async () => {
      const summary = { sent: 0, left: 0, results: {} };
      const now = Date.now();
      let stopped = false;
      for (const listed of await entriesOf(user)) {
        if (opts.onlyKey && listed.key !== opts.onlyKey) continue;
        const entry = await getEntry(listed.key);
        if (!entry || !eligible(entry, opts.manual, now)) {
          if (entry && entry.status === "waiting") summary.left += 1;
          continue;
        }
        if (stopped || navigator.onLine === false) {
          stopped = true;
          if (entry.status === "sending") await putEntry(Object.assign(entry, { status: "waiting" }));
          summary.left += 1;
          continue;
        }
        const result = await sendOne(entry);
        summary.results[entry.key] = result;
        if (result.outcome === "sent") summary.sent += 1;
        else if (result.outcome !== "fix") summary.left += 1;
        if (result.outcome === "login") state.sessionEnded = true;
        else if (result.outcome === "sent") state.sessionEnded = false;
        if (["login", "offline", "retry"].includes(result.outcome)) stopped = true;
      }
      if (!stopped && Object.keys(summary.results).length) await setMeta("lastSync", new Date().toISOString());
      if (summary.left) registerSync();
      await pruneSent();
      return summary;
    });
    const done = queue.then(run, run);
    queue = done.catch(() => {});
    return done.finally(() => {
      state.sending = false;
      changed();
    });
  }

  // --- forms: caught on submit -----------------------------------------------------------------------------------

  const capturedHere = new Map(); // key → the form, while this page shows it as kept on the phone

  function setBusy(form, busy) {
    form.dataset.outboxBusy = busy ? "1" : "";
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((button) => {
      button.disabled = busy;
    });
  }

  function clearNotes(form) {
    document.querySelectorAll(`[data-outbox-note-for="${form.dataset.outboxNote || ""}"]`).forEach((n) => n.remove());
    form.querySelectorAll("[data-outbox-field-error]").forEach((n) => n.remove());
    form.querySelectorAll(".is-invalid[data-outbox-invalid]").forEach((el) => {
      el.classList.remove("is-invalid");
      delete el.dataset.outboxInvalid;
    });
  }

  function noteBefore(form, className) {
    if (!form.dataset.outboxNote) form.dataset.outboxNote = newKey();
    const note = element("div", className);
    note.dataset.outboxNoteFor = form.dataset.outboxNote;
    note.setAttribute("role", "status");
    form.parentNode.insertBefore(note, form);
    return note;
  }

  // The server's reasons above the form, and beside each field it named.
  function showErrors(form, entry) {
    clearNotes(form);
    const note = noteBefore(form, "alert alert-danger outbox-fix");
    note.appendChild(element("div", "fw-semibold", entry.message || t("notAccepted")));
    const general = (entry.errors || []).filter((e) => !e.field || !form.elements[e.field]);
    if (general.length) {
      const list = element("ul", "mb-0 mt-1 small");
      general.forEach((e) => list.appendChild(element("li", null, e.text)));
      note.appendChild(list);
    }
    (entry.errors || []).forEach((e) => {
      if (!e.field || !form.elements[e.field]) return;
      const target = form.elements[e.field];
      const el = target instanceof RadioNodeList ? target[target.length - 1] : target;
      if (!el || !el.parentNode) return;
      if (!el.classList.contains("is-invalid")) {
        el.classList.add("is-invalid");
        el.dataset.outboxInvalid = "1";
      }
      const feedback = element("div", "invalid-feedback d-block", e.text);
      feedback.dataset.outboxFieldError = "1";
      el.parentNode.insertBefore(feedback, el.nextSibling);
    });
    note.scrollIntoView({ block: "center" });
  }

  // Kept on the phone: say so where the form was (the form is hidden: its key is used).
  function showKept(form, entry, outcome) {
    const detail = { entry, outcome, message: keptMessage(outcome) };
    const event = new CustomEvent("pekka:outbox-kept", { detail, cancelable: true });
    if (!form.dispatchEvent(event)) return; // the page's own script said it (the visit form's banner)
    clearNotes(form);
    if (form.hasAttribute("data-outbox-inline")) {
      form.replaceChildren(element("span", "badge text-bg-warning outbox-kept-inline", t("keptShort", "On the phone")));
      return;
    }
    form.hidden = true;
    const note = noteBefore(form, "alert alert-warning outbox-kept");
    note.appendChild(element("div", "fw-semibold", detail.message));
    const actions = element("div", "d-flex gap-2 mt-2");
    if (window.history.length > 1) {
      const back = element("button", "btn btn-sm btn-outline-secondary", t("back", "Back"));
      back.type = "button";
      back.addEventListener("click", () => window.history.back());
      actions.appendChild(back);
    }
    if (config.outboxUrl) {
      const link = element("a", "btn btn-sm btn-outline-primary", t("openOutbox", "Open the outbox"));
      link.href = config.outboxUrl;
      actions.appendChild(link);
    }
    note.appendChild(actions);
  }

  function keptMessage(outcome) {
    if (outcome === "login") return t("keptLogin", "Saved on the phone. Your session has ended: log in again to send it.");
    return t("keptOffline", "Saved on the phone — it will be sent when there is a signal.");
  }

  function stashFlash(flash) {
    try {
      if (flash && flash.length) window.sessionStorage.setItem(FLASH_KEY, JSON.stringify(flash));
    } catch (error) {
      /* no session storage: the page shows without the server's message */
    }
  }

  // The server's message ("Visit recorded.") was read by the outbox's fetch: the next page shows it.
  function showFlash() {
    let flash = null;
    try {
      flash = JSON.parse(window.sessionStorage.getItem(FLASH_KEY) || "null");
      window.sessionStorage.removeItem(FLASH_KEY);
    } catch (error) {
      return;
    }
    const main = document.getElementById("main");
    if (!flash || !flash.length || !main) return;
    const box = element("div", "messages");
    box.setAttribute("role", "status");
    flash.forEach((f) => {
      const alert = element("div", `alert alert-${f.kind === "error" ? "danger" : f.kind} alert-dismissible fade show`, f.text);
      const close = element("button", "btn-close");
      close.type = "button";
      close.dataset.bsDismiss = "alert";
      close.setAttribute("aria-label", t("close", "Close"));
      alert.appendChild(close);
      box.appendChild(alert);
    });
    main.insertBefore(box, main.firstChild);
  }

  async function submitThroughOutbox(form, submitter) {
    setBusy(form, true);
    let entry;
    try {
      entry = await capture(form, submitter);
    } catch (error) {
      // No IndexedDB here (a private window, storage full): the form is sent the ordinary way.
      setBusy(form, false);
      form.dataset.outboxBypass = "1";
      if (form.requestSubmit) form.requestSubmit(submitter || undefined);
      else form.submit();
      return;
    }
    form.dispatchEvent(new CustomEvent("pekka:outbox-saved", { detail: { entry } }));
    capturedHere.set(entry.key, form);
    const summary = navigator.onLine === false ? null : await flush({ onlyKey: entry.key, manual: true });
    const result = summary && summary.results[entry.key];
    if (result && result.outcome === "sent") {
      stashFlash(result.flash);
      window.location.assign(result.resultUrl);
      return;
    }
    if (result && result.outcome === "fix") {
      capturedHere.delete(entry.key);
      setBusy(form, false);
      showErrors(form, await getEntry(entry.key));
      return;
    }
    showKept(form, entry, result ? result.outcome : "offline");
    registerSync();
  }

  function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-outbox") || event.defaultPrevented) return;
    if (form.dataset.outboxBypass === "1" || !window.idb || !currentUser()) return;
    event.preventDefault();
    if (form.dataset.outboxBusy === "1") return; // a double tap
    submitThroughOutbox(form, event.submitter || null);
  }

  // A sent entry this page still shows as kept: show what the server made of it, as a normal submit would.
  listeners.add((detail) => {
    if (!detail.key || !detail.result || !capturedHere.has(detail.key)) return;
    const form = capturedHere.get(detail.key);
    if (detail.result.outcome === "sent") {
      capturedHere.delete(detail.key);
      if (form.hasAttribute("data-outbox-inline")) {
        form.replaceChildren(element("span", "badge text-bg-success", t("sent", "Sent")));
      } else {
        window.location.assign(detail.result.resultUrl);
      }
    } else if (detail.result.outcome === "fix" && !form.hasAttribute("data-outbox-inline")) {
      // Refused: the form comes back as she left it, with the server's reasons, to be corrected and saved again.
      capturedHere.delete(detail.key);
      form.hidden = false;
      setBusy(form, false);
      form.dispatchEvent(new CustomEvent("pekka:outbox-returned", { detail: { key: detail.key } }));
      getEntry(detail.key).then((entry) => entry && showErrors(form, entry));
    }
  });

  // ?outbox=<key>: the entry's fields back in its form, with the server's reasons, to be corrected and sent again.
  async function reopen() {
    const key = new URLSearchParams(window.location.search).get("outbox");
    if (!key) return;
    const entry = await getEntry(key);
    if (!entry || entry.user !== currentUser() || !entry.fields) return;
    const forms = Array.from(document.querySelectorAll("form[data-outbox]"));
    const url = (form) => withoutOutboxParam(form.action || window.location.href);
    const form = forms.find((f) => url(f) === entry.url && f.dataset.outbox === entry.kind)
      || forms.find((f) => f.dataset.outbox === entry.kind);
    if (!form) return;
    keyInput(form);
    restoreFields(form, entry.fields);
    form.dispatchEvent(new Event("input", { bubbles: true }));
    if (entry.status === "fix") showErrors(form, entry);
  }

  // --- the badge, the outbox page, the logout warning -------------------------------------------------------------

  async function refreshBadge() {
    const user = currentUser();
    const counts = document.querySelectorAll("[data-outbox-count]");
    if (!user || !counts.length) return;
    const mine = await entriesOf(user);
    const unsent = mine.filter((e) => UNSENT.includes(e.status));
    const fixing = unsent.filter((e) => e.status === "fix").length;
    counts.forEach((badge) => {
      badge.textContent = String(unsent.length);
      badge.hidden = unsent.length === 0;
      badge.classList.toggle("text-bg-danger", fixing > 0);
      badge.classList.toggle("text-bg-warning", fixing === 0);
    });
    document.querySelectorAll("[data-outbox-summary]").forEach((el) => {
      el.textContent = unsent.length
        ? t("unsentCount", "Unsent: __N__").replace("__N__", unsent.length)
        : t("nothingWaiting", "Nothing waiting to be sent.");
    });
  }

  const STATUS = {
    waiting: ["waiting", "Waiting", "text-bg-warning"],
    sending: ["sending", "Sending…", "text-bg-info"],
    sent: ["sent", "Sent", "text-bg-success"],
    fix: ["needsFixing", "Needs fixing", "text-bg-danger"],
  };

  function fixUrl(entry) {
    const url = new URL(entry.formUrl || entry.url, window.location.href);
    url.searchParams.set("outbox", entry.key);
    return url.pathname + url.search;
  }

  function renderEntry(entry) {
    const [name, fallback, badgeClass] = STATUS[entry.status] || STATUS.waiting;
    const item = element("li", "list-group-item outbox-entry");
    item.dataset.testid = "outbox-entry";
    item.dataset.status = entry.status;
    const top = element("div", "d-flex justify-content-between align-items-start gap-2");
    top.appendChild(element("div", "fw-semibold", entry.label));
    top.appendChild(element("span", `badge ${badgeClass} text-nowrap`, t(name, fallback)));
    item.appendChild(top);
    const times = entry.status === "sent"
      ? `${t("recordedAt", "Recorded")} ${when(entry.created)} · ${t("sentAt", "sent")} ${when(entry.sentAt)}`
      : `${t("recordedAt", "Recorded")} ${when(entry.created)}`;
    item.appendChild(element("div", "small text-muted", times));
    if (entry.message) item.appendChild(element("div", "small mt-1 outbox-message", entry.message));
    if (entry.status === "fix" && entry.errors && entry.errors.length) {
      const list = element("ul", "small mb-1 text-danger outbox-errors");
      entry.errors.forEach((e) => list.appendChild(element("li", null, e.label ? `${e.label}: ${e.text}` : e.text)));
      item.appendChild(list);
    }
    const actions = element("div", "d-flex gap-2 mt-2");
    if (entry.status === "fix") {
      const fix = element("a", "btn btn-sm btn-danger d-inline-flex align-items-center", t("fix", "Fix"));
      fix.href = fixUrl(entry);
      actions.appendChild(fix);
    }
    if (entry.status === "sent") {
      if (entry.resultUrl) {
        const open = element("a", "btn btn-sm btn-outline-secondary d-inline-flex align-items-center", t("view", "View"));
        open.href = entry.resultUrl;
        actions.appendChild(open);
      }
      const remove = element("button", "btn btn-sm btn-outline-danger", t("delete", "Delete"));
      remove.type = "button";
      remove.addEventListener("click", () => deleteEntry(entry.key).then(() => changed()));
      actions.appendChild(remove);
    }
    if (actions.children.length) item.appendChild(actions);
    return item;
  }

  function isIosBrowserTab() {
    const ios = /iPad|iPhone|iPod/.test(navigator.userAgent)
      || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    const installed = navigator.standalone === true
      || (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
    return ios && !installed;
  }

  async function renderPage() {
    const page = document.querySelector("[data-outbox-page]");
    if (!page) return;
    const user = currentUser();
    const all = await allEntries();
    const mine = all.filter((e) => e.user === user);
    const list = page.querySelector("[data-outbox-list]");
    const order = { fix: 0, sending: 1, waiting: 2, sent: 3 };
    mine.sort((a, b) => (order[a.status] - order[b.status]) || (a.created < b.created ? 1 : -1));
    list.replaceChildren(...mine.map(renderEntry));
    page.querySelector("[data-outbox-empty]").hidden = mine.length > 0;
    const others = all.filter((e) => e.user !== user && UNSENT.includes(e.status)).length;
    const othersNote = page.querySelector("[data-outbox-others]");
    othersNote.hidden = others === 0;
    othersNote.textContent = t("othersWaiting", "__N__").replace("__N__", others);
    page.querySelector("[data-outbox-last-sync]").textContent = when(await getMeta("lastSync"));
    let persisted = await getMeta("persist");
    if (navigator.storage && navigator.storage.persisted) {
      try {
        persisted = (await navigator.storage.persisted()) ? "granted" : persisted || "denied";
      } catch (error) {
        /* keep what was answered */
      }
    }
    const persistText = { granted: t("yes", "yes"), denied: t("no", "no"), unsupported: t("unsupported", "not supported") };
    page.querySelector("[data-outbox-persist]").textContent = persistText[persisted] || t("notAsked", "not asked yet");
    page.querySelector("[data-outbox-persist-warning]").hidden = persisted === "granted";
    page.querySelector("[data-outbox-ios]").hidden = !isIosBrowserTab();
    page.querySelector("[data-outbox-session]").hidden = !state.sessionEnded;
  }

  function refresh() {
    refreshBadge().catch(() => {});
    renderPage().catch(() => {});
    document.querySelectorAll("[data-outbox-send-now]").forEach((button) => {
      button.disabled = state.sending;
      button.classList.toggle("outbox-busy", state.sending);
    });
  }

  function clearOfflineCopy() {
    const offline = window.pekkaOffline;
    if (!offline || !offline.clear) return Promise.resolve();
    const timeout = new Promise((resolve) => setTimeout(resolve, 4000));
    return Promise.race([Promise.resolve().then(() => offline.clear()).catch(() => {}), timeout]);
  }

  async function logOut(form) {
    const user = currentUser();
    await clearOfflineCopy();
    // What reached the server is not kept on a shared phone; what did not stays for her next login.
    const mine = await entriesOf(user).catch(() => []);
    await Promise.all(mine.filter((e) => e.status === "sent").map((e) => deleteEntry(e.key))).catch(() => {});
    form.dataset.outboxLogoutReady = "1";
    form.submit();
  }

  function unsentOf(user) {
    return entriesOf(user).then((list) => list.filter((e) => UNSENT.includes(e.status)));
  }

  async function onLogout(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-logout")) return;
    if (form.dataset.outboxLogoutReady === "1" || event.defaultPrevented) return;
    event.preventDefault();
    const unsent = window.idb ? await unsentOf(currentUser()).catch(() => []) : [];
    const dialog = document.getElementById("outbox-logout");
    if (!unsent.length || !dialog || !window.bootstrap) {
      logOut(form);
      return;
    }
    const count = dialog.querySelector("[data-outbox-logout-count]");
    count.textContent = t(unsent.length === 1 ? "logoutOne" : "logoutMany", "__N__").replace("__N__", unsent.length);
    dialog.querySelector("[data-outbox-logout-status]").textContent = "";
    const modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
    // The dialog, not the open menu, in front (the menu may still be opening).
    const menu = form.closest(".navbar-collapse");
    const closeMenu = () => window.bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false }).hide();
    if (menu && menu.classList.contains("collapsing")) menu.addEventListener("shown.bs.collapse", closeMenu, { once: true });
    else if (menu && menu.classList.contains("show")) closeMenu();
    dialog.querySelector("[data-outbox-logout-anyway]").onclick = () => logOut(form);
    const sendFirst = dialog.querySelector("[data-outbox-logout-send]");
    sendFirst.onclick = async () => {
      sendFirst.disabled = true;
      const status = dialog.querySelector("[data-outbox-logout-status]");
      status.textContent = t("sendingNow", "Sending…");
      await flush({ manual: true }).catch(() => {});
      const left = await unsentOf(currentUser()).catch(() => []);
      sendFirst.disabled = false;
      if (!left.length) {
        logOut(form);
        return;
      }
      count.textContent = t(left.length === 1 ? "logoutOne" : "logoutMany", "__N__").replace("__N__", left.length);
      status.textContent = left.some((e) => e.status === "fix")
        ? t("logoutFix", "Some need fixing: open the outbox.")
        : t("logoutOffline", "Not sent: no connection. Try again with a signal, or log out anyway.");
    };
    modal.show();
  }

  // --- start -----------------------------------------------------------------------------------------------------

  function init() {
    const dialog = document.getElementById("outbox-logout");
    if (dialog && dialog.parentNode !== document.body) document.body.appendChild(dialog); // out of the sticky navbar
    document.addEventListener("submit", onLogout);
    showFlash();
    if (!window.idb || !window.indexedDB) {
      document.querySelectorAll("[data-outbox-unsupported]").forEach((el) => { el.hidden = false; });
      return;
    }
    document.querySelectorAll("form[data-outbox]").forEach(keyInput);
    document.addEventListener("submit", onSubmit);
    document.addEventListener("click", (event) => {
      if (!event.target.closest("[data-outbox-send-now]")) return;
      flush({ manual: true }).catch(() => {});
    });
    listeners.add(refresh);
    if (channel) channel.onmessage = () => refresh();
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        const data = event.data;
        if (data === "pekka-outbox-sync" || (data && data.type === "pekka-outbox-sync")) flush().catch(() => {});
      });
    }
    window.addEventListener("online", () => flush().catch(() => {}));
    window.addEventListener("pageshow", (event) => {
      // Back to a form this page already put in the outbox: its key is used, so the form is loaded afresh.
      if (event.persisted && capturedHere.size && navigator.onLine !== false) window.location.reload();
    });
    setInterval(() => {
      if (navigator.onLine === false || state.sending || !currentUser()) return;
      unsentOf(currentUser()).then((list) => {
        if (list.some((e) => e.status !== "fix")) flush().catch(() => {});
      }).catch(() => {});
    }, CHECK_MS);
    reopen().catch(() => {});
    refresh();
    if (currentUser()) flush().catch(() => {});
  }

  window.pekkaOutbox = {
    readFields,
    restoreFields,
    flush: (options) => flush(Object.assign({ manual: true }, options || {})),
    entries: () => entriesOf(currentUser()),
    onChange: (fn) => listeners.add(fn),
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
