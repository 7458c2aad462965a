/* Her offline copy. After login, and whenever she is online and the copy is older than REFRESH_MINUTES, the phone
   asks /lapangan/siap.json (pekka/dashboards/offline.py) which pages are hers and fetches them, six at a time (a
   browser's connections to one host), into the service worker's page cache ("pekka-pages"), so they open without a
   signal. The status line under the navbar says how ready the copy is ("Ready offline · 42 beneficiaries · updated 10.42").

   window.pekkaOffline = {prepare(), clear(), status(), index()}: clear() deletes the pages, the index and the
   status; the login page (where logging out lands) calls it, and so does a page of a different user than the one
   the copy was made for. The field page's search box filters her women on the phone (names and villages only). */
(function () {
  "use strict";
  const PAGES = "pekka-pages";
  const KEYS = {
    status: "pekka-offline-status",
    index: "pekka-offline-index",
    urls: "pekka-offline-urls",
    user: "pekka-offline-user",
    lock: "pekka-offline-lock",
  };
  const REFRESH_MINUTES = 30;
  const PARALLEL = 6; // Chromium's connections per host: the 100 ms round trips hide behind each other
  const LOCK_STALE_MS = 20000; // a preparation that stopped beating this long ago (its page was left) is over
  let running = null;
  // Set when the page goes away: its preparation stops at once, writing no beat and no status (its aborted fetches
  // are not pages missing from the copy), so the next page starts a whole one.
  let leaving = false;

  function read(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Storage full or refused: the pages are still cached; only the status line will not know.
    }
  }

  function forget(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // Nothing stored.
    }
  }

  function line() {
    return document.getElementById("offline-status");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  /** HH.MM in the programme's time zone, as an Indonesian phone shows a time. */
  function clock(iso, timeZone) {
    const parts = {};
    new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timeZone })
      .formatToParts(new Date(iso))
      .forEach(function (part) {
        parts[part.type] = part.value;
      });
    return parts.hour + "." + parts.minute;
  }

  function status() {
    return read(KEYS.status);
  }

  function show(progress) {
    const element = line();
    if (!element) return;
    const text = element.querySelector("[data-offline-text]");
    const bar = element.querySelector("[data-offline-progress]");
    const data = element.dataset;
    const saved = status();
    const mine = saved && String(saved.user) === data.offlineUser;
    element.classList.toggle("is-offline", !navigator.onLine);
    element.classList.toggle("is-ready", Boolean(mine && !progress));
    bar.hidden = !progress;
    if (progress) {
      bar.max = progress.total || 1;
      bar.value = progress.done;
      text.textContent = fill(data.textPreparing, progress);
    } else if (!mine) {
      text.textContent = data.textNone;
    } else {
      const time = clock(saved.at, data.timeZone);
      if (!navigator.onLine) text.textContent = fill(data.textOffline, { time: time });
      else if (saved.failed) text.textContent = fill(data.textIncomplete, { failed: saved.failed, time: time });
      else text.textContent = fill(data.textReady, { count: saved.count, time: time });
    }
  }

  function lockedElsewhere() {
    const lock = read(KEYS.lock);
    return Boolean(lock && lock.owner !== ownerId && Date.now() - lock.beat < LOCK_STALE_MS);
  }

  const ownerId = Math.random().toString(36).slice(2);

  function beat() {
    if (leaving) return;
    write(KEYS.lock, { owner: ownerId, beat: Date.now() });
  }

  function unlock() {
    const lock = read(KEYS.lock);
    if (lock && lock.owner === ownerId) forget(KEYS.lock);
  }

  /** A page worth keeping: her page itself, not the login form of a session that ended, not an error. */
  function keepable(response) {
    const type = response.headers.get("Content-Type") || "";
    return response.status === 200 && !response.redirected && type.indexOf("text/html") === 0;
  }

  /** Stored gzipped, as the service worker stores pages (templates/pwa/sw.js inflates them when it serves them). */
  function pack(response) {
    if (!window.CompressionStream || !response.body) return response;
    const headers = new Headers(response.headers);
    headers.set("X-Pekka-Stored", "gzip");
    headers.delete("Content-Length");
    const body = response.body.pipeThrough(new CompressionStream("gzip"));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  }

  class SessionEnded extends Error {}
  class Left extends Error {}

  // A page is pieces (templates/base.html): what all her pages share and, between the markers, each page's own. The
  // first page of the copy comes whole; every other is asked for its own pieces only ("X-Pekka-Part") and put back
  // together between the shared ones, the very page the server would have sent.
  const MARK = "<!--~-->";
  let shell = null;

  function whole(pieces) {
    return pieces.length > 1 && pieces.length % 2 === 1;
  }

  async function answer(url, part) {
    const headers = part ? { "X-Pekka-Part": "1" } : {};
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers });
    if (response.redirected || response.status === 401 || response.status === 403) throw new SessionEnded(url);
    return response;
  }

  async function fetchInto(cache, url) {
    const part = shell !== null;
    const response = await answer(url, part);
    if (!keepable(response)) return false;
    const text = await response.text();
    const pieces = text.split(MARK);
    let html = text;
    if (!part) {
      if (whole(pieces)) shell = pieces;
    } else if (pieces.length === shell.length) {
      html = shell.map((piece, i) => (i % 2 ? pieces[i] : piece)).join(MARK);
    } else if (pieces.length > 1) {
      // Not the shape of her other pages (another layout): this one comes whole.
      return fetchWhole(cache, url);
    }
    await cache.put(url, pack(rebuilt(response, html)));
    return true;
  }

  async function fetchWhole(cache, url) {
    const response = await answer(url, false);
    if (!keepable(response)) return false;
    await cache.put(url, pack(rebuilt(response, await response.text())));
    return true;
  }

  function rebuilt(response, html) {
    const headers = new Headers(response.headers);
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    return new Response(html, { status: response.status, statusText: response.statusText, headers: headers });
  }

  async function build(element) {
    const answer = await fetch(element.dataset.offlineUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    if (answer.redirected || !answer.ok) throw new SessionEnded(element.dataset.offlineUrl);
    const copy = await answer.json();
    if (String(copy.user) !== element.dataset.offlineUser) throw new SessionEnded("another user");
    const cache = await caches.open(PAGES);
    const queue = copy.urls.slice();
    const progress = { done: 0, total: queue.length };
    let failed = 0;
    shell = null;
    show(progress);
    async function worker(first) {
      while (queue.length) {
        if (leaving) throw new Left();
        const url = queue.shift();
        try {
          if (!(await fetchInto(cache, url))) failed += 1;
        } catch (error) {
          if (error instanceof SessionEnded) throw error;
          failed += 1; // the signal dropped for this one: the next preparation tries again
        }
        if (leaving) throw new Left();
        progress.done += 1;
        beat();
        show(progress);
        if (first) return; // the first page, whole, gives the shared pieces the others are put back into
      }
    }
    await worker(true);
    const workers = [];
    for (let i = 0; i < PARALLEL; i += 1) workers.push(worker(false));
    await Promise.all(workers);
    if (leaving) throw new Left();
    // Pages of the last copy that are no longer hers (a woman handed to another facilitator) leave the phone.
    const keep = new Set(copy.urls);
    const stale = (read(KEYS.urls) || []).filter(function (url) {
      return !keep.has(url);
    });
    await Promise.all(
      stale.map(function (url) {
        return cache.delete(url);
      }),
    );
    write(KEYS.urls, copy.urls);
    write(KEYS.index, copy.index);
    write(KEYS.user, copy.user);
    write(KEYS.status, { user: copy.user, count: copy.women, groups: copy.groups, at: new Date().toISOString(), failed });
    return status();
  }

  /** Prepares her offline copy now (one preparation at a time, across the phone's open pages too). */
  function prepare() {
    const element = line();
    if (!element || !("caches" in window)) return Promise.resolve(status());
    if (running) return running;
    if (lockedElsewhere()) return Promise.resolve(status());
    beat();
    running = build(element)
      .catch(function () {
        return status();
      })
      .finally(function () {
        running = null;
        unlock();
        show();
      });
    return running;
  }

  /** Deletes her offline copy: the kept pages, the search index and the status (a shared phone, logged out). */
  async function clear() {
    if ("caches" in window) await caches.delete(PAGES);
    Object.keys(KEYS).forEach(function (name) {
      forget(KEYS[name]);
    });
    show();
  }

  function stale() {
    const saved = status();
    return !saved || Date.now() - new Date(saved.at).getTime() > REFRESH_MINUTES * 60000;
  }

  function maybePrepare() {
    if (navigator.onLine && stale()) prepare();
  }

  function index() {
    return read(KEYS.index) || [];
  }

  window.pekkaOffline = { prepare: prepare, clear: clear, status: status, index: index };

  // --- the field page's search: every word typed must appear in a woman's name, village or groups ---
  function fold(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  function bindSearch() {
    const input = document.querySelector("[data-offline-search]");
    if (!input) return;
    const items = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
    const empty = document.querySelector("[data-search-empty]");
    input.addEventListener("input", function () {
      const words = fold(input.value).split(" ").filter(Boolean);
      let shown = 0;
      items.forEach(function (item) {
        const text = item.dataset.search;
        const match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (empty) empty.hidden = shown > 0;
    });
  }

  function start() {
    bindSearch();
    if (document.body.classList.contains("login-page")) {
      clear();
      return;
    }
    const element = line();
    if (!element) return;
    document.querySelectorAll("[data-offline-prepare]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        prepare().finally(function () {
          button.disabled = false;
        });
      });
    });
    window.addEventListener("online", function () {
      show();
      maybePrepare();
    });
    window.addEventListener("offline", function () {
      show();
    });
    window.addEventListener("pagehide", function () {
      leaving = true;
      unlock();
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) leaving = false; // back from the back-forward cache: a live page again
    });
    const previous = read(KEYS.user);
    if (previous !== null && String(previous) !== element.dataset.offlineUser) {
      // The phone changed hands without logging out through the app: the other woman's copy goes first.
      clear().then(maybePrepare);
      return;
    }
    show();
    maybePrepare();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
