/* Mentoring: the visit form never loses typing, and the monitoring chart.

   A form with data-draft="key" keeps everything typed in localStorage ("pekka.draft.<key>") until the server
   confirms it: a page carrying data-confirmed-uuid="<uuid>" removes the drafts of that form id. The form's hidden
   client_uuid is part of the draft, so a retry sends the same id and the server records the visit once.

   Sending: the submit is held back while the phone is offline (navigator.onLine false, or a quick check of
   data-ping-url fails). The draft is then marked pending and a banner says it is kept on the phone; when the
   connection returns (the "online" event, a periodic check, or opening the form again) it is sent by itself.
   Plain JS, no build step. */
(function () {
  "use strict";

  const PREFIX = "pekka.draft.";
  const RETRY_MS = 20000;
  const PING_TIMEOUT_MS = 8000;

  function storage() {
    try {
      const probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage full: the form still works, without drafts
    }
  }

  // Drop the drafts the server has confirmed (the success page names their form ids).
  function clearConfirmed(store) {
    const confirmed = new Set();
    document.querySelectorAll("[data-confirmed-uuid]").forEach((el) => {
      if (el.dataset.confirmedUuid) confirmed.add(el.dataset.confirmedUuid);
    });
    if (!confirmed.size) return;
    for (let i = store.length - 1; i >= 0; i -= 1) {
      const key = store.key(i);
      if (!key || !key.startsWith(PREFIX)) continue;
      try {
        const draft = JSON.parse(store.getItem(key));
        if (draft && confirmed.has(draft.uuid)) store.removeItem(key);
      } catch (error) {
        store.removeItem(key);
      }
    }
  }

  function fieldsOf(form) {
    const values = {};
    Array.from(form.elements).forEach((el) => {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  // Formsets: add rows until there are as many as the draft had (pekka.js adds a row per click).
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

  function restore(form, values) {
    growFormsets(form, values);
    Array.from(form.elements).forEach((el) => {
      if (!el.name || !(el.name in values) || el.name === "csrfmiddlewaretoken" || el.type === "file") return;
      const value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.includes(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.from(el.options).forEach((o) => { o.selected = Array.isArray(value) && value.includes(o.value); });
      } else if (typeof value === "string") {
        el.value = value;
      }
    });
  }

  function initDraftForm(form, store) {
    const key = PREFIX + form.dataset.draft;
    const banner = document.querySelector("[data-draft-banner]");
    const submitButton = form.querySelector("[data-draft-submit]");
    // The form id the success page will name: a new visit's client_uuid, an edit's one-off draft_token.
    const uuidInput = form.querySelector('input[name="client_uuid"], input[name="draft_token"]');
    let sending = false;

    function read() {
      try {
        return JSON.parse(store.getItem(key) || "null");
      } catch (error) {
        return null;
      }
    }

    function write(extra) {
      const previous = read() || {};
      const draft = Object.assign({}, previous, extra || {}, {
        uuid: uuidInput ? uuidInput.value : previous.uuid || "",
        savedAt: new Date().toISOString(),
        fields: fieldsOf(form),
      });
      try {
        store.setItem(key, JSON.stringify(draft));
      } catch (error) {
        /* storage full: nothing more we can do */
      }
      return draft;
    }

    function say(kind, text, withDiscard) {
      if (!banner) return;
      banner.className = `alert alert-${kind} draft-banner`;
      banner.textContent = text + " ";
      if (withDiscard) {
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-link p-0 align-baseline";
        discard.textContent = form.dataset.msgDiscard || "Discard";
        discard.addEventListener("click", () => {
          store.removeItem(key);
          window.location.replace(window.location.pathname + window.location.search);
        });
        banner.appendChild(discard);
      }
    }

    function online() {
      if (!navigator.onLine) return Promise.resolve(false);
      const url = form.dataset.pingUrl;
      if (!url || !window.fetch) return Promise.resolve(true);
      const controller = window.AbortController ? new AbortController() : null;
      const timer = controller ? setTimeout(() => controller.abort(), PING_TIMEOUT_MS) : null;
      return fetch(url, { cache: "no-store", credentials: "same-origin", signal: controller && controller.signal })
        .then(() => true)
        .catch(() => false)
        .finally(() => timer && clearTimeout(timer));
    }

    function send() {
      if (sending) return;
      sending = true;
      if (submitButton) submitButton.disabled = true;
      write({ pending: true });
      online().then((ok) => {
        if (!ok) {
          sending = false;
          if (submitButton) submitButton.disabled = false;
          say("warning", form.dataset.msgOffline);
          return;
        }
        write({ pending: true, lastAttempt: Date.now() });
        // HTMLFormElement.submit() does not fire "submit" again; the draft stays until the server confirms.
        form.submit();
      });
    }

    function resendIfPending() {
      const draft = read();
      if (!draft || !draft.pending || sending) return;
      if (draft.lastAttempt && Date.now() - draft.lastAttempt < RETRY_MS) return;
      if (!navigator.onLine) return;
      say("info", form.dataset.msgSending);
      send();
    }

    const draft = read();
    if (form.dataset.draftBound === "1") {
      // The server sent the form back (errors to correct): what it shows is the truth, and it is not pending.
      write({ pending: false });
    } else if (draft && draft.fields) {
      restore(form, draft.fields);
      if (draft.pending && !navigator.onLine) {
        say("warning", form.dataset.msgOffline);
      } else if (draft.pending) {
        say("info", form.dataset.msgSending);
        setTimeout(resendIfPending, 300);
      } else {
        say("info", form.dataset.msgRestored, true);
      }
      const note = form.querySelector("[data-photo-note]");
      if (note) note.hidden = false;
    }

    form.addEventListener("input", () => write());
    form.addEventListener("change", () => write());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    window.addEventListener("online", resendIfPending);
    setInterval(resendIfPending, RETRY_MS);
  }

  // <canvas data-monitoring-chart> with a <script type="application/json" id="..."> named by data-series.
  function initChart(canvas) {
    if (!window.Chart || canvas.dataset.ready) return;
    const source = document.getElementById(canvas.dataset.series);
    if (!source) return;
    const series = JSON.parse(source.textContent);
    canvas.dataset.ready = "1";
    const rupiah = (value) => "Rp " + Number(value).toLocaleString("id-ID");
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: series.labels,
        datasets: [
          { label: series.names.turnover, data: series.turnover, borderColor: "#0f5f5c", backgroundColor: "#0f5f5c", tension: 0.2 },
          { label: series.names.assets, data: series.assets, borderColor: "#f4b942", backgroundColor: "#f4b942", tension: 0.2 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${rupiah(ctx.parsed.y)}` } },
        },
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => rupiah(value) } } },
      },
    });
  }

  function init() {
    const store = storage();
    if (store) {
      clearConfirmed(store);
      document.querySelectorAll("form[data-draft]").forEach((form) => initDraftForm(form, store));
    }
    document.querySelectorAll("canvas[data-monitoring-chart]").forEach(initChart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
