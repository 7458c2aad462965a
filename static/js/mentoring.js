/* Mentoring: the visit form never loses typing, and the monitoring chart.

   A form with data-draft="key" keeps everything typed in localStorage ("pekka.draft.<key>"), from the first
   keystroke, so a reload, a closed tab or a dead battery loses nothing before she taps save. A page carrying
   data-confirmed-uuid="<uuid>" removes the drafts of that form id (the visit edit form's).

   Sending is the outbox's (static/js/outbox.js, the form's data-outbox): on save the visit, photos included, goes
   into the phone's outbox under its client_uuid and is sent from there, now or when the signal returns; the
   draft is then dropped, since the outbox holds it. The field read/restore helpers are the outbox's too.
   Plain JS, no build step. */
(function () {
  "use strict";

  const PREFIX = "pekka.draft.";

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

  function initDraftForm(form, store, fields) {
    const key = PREFIX + form.dataset.draft;
    const banner = document.querySelector("[data-draft-banner]");
    // The form id: a new visit's client_uuid, an edit's one-off draft_token.
    const uuidInput = form.querySelector('input[name="client_uuid"], input[name="draft_token"]');
    let kept = false;

    function read() {
      try {
        return JSON.parse(store.getItem(key) || "null");
      } catch (error) {
        return null;
      }
    }

    function write() {
      if (kept) return;
      const draft = {
        uuid: uuidInput ? uuidInput.value : "",
        savedAt: new Date().toISOString(),
        fields: fields.readFields(form),
      };
      try {
        store.setItem(key, JSON.stringify(draft));
      } catch (error) {
        /* storage full: nothing more we can do */
      }
    }

    function say(kind, text, extra) {
      if (!banner) return;
      banner.className = `alert alert-${kind} draft-banner`;
      banner.textContent = text + " ";
      if (extra) banner.appendChild(extra);
    }

    function discardButton() {
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-link p-0 align-baseline";
      discard.textContent = form.dataset.msgDiscard || "Discard";
      discard.addEventListener("click", () => {
        store.removeItem(key);
        window.location.replace(window.location.pathname + window.location.search);
      });
      return discard;
    }

    const reopening = new URLSearchParams(window.location.search).has("outbox");
    const draft = read();
    if (form.dataset.draftBound === "1") {
      write(); // the server sent the form back (errors to correct): what it shows is the truth
    } else if (draft && draft.fields && !reopening) {
      fields.restoreFields(form, draft.fields);
      say("info", form.dataset.msgRestored, discardButton());
      const note = form.querySelector("[data-photo-note]");
      if (note) note.hidden = false;
    }

    form.addEventListener("input", write);
    form.addEventListener("change", write);
    // In the outbox now (photos too): the draft has done its work.
    form.addEventListener("pekka:outbox-saved", () => {
      kept = true;
      store.removeItem(key);
    });
    // The server refused it: the form is hers again (the outbox shows the reasons), and typing is kept again.
    form.addEventListener("pekka:outbox-returned", () => {
      kept = false;
      if (banner) banner.className = "alert d-none draft-banner";
      write();
    });
    form.addEventListener("pekka:outbox-kept", (event) => {
      event.preventDefault();
      form.hidden = true;
      let link = null;
      if (form.dataset.outboxUrl) {
        link = document.createElement("a");
        link.href = form.dataset.outboxUrl;
        link.className = "alert-link";
        link.textContent = form.dataset.msgOutbox || "Outbox";
      }
      say("warning", event.detail.message || form.dataset.msgOffline, link);
    });
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
    const fields = window.pekkaOutbox; // the shared field read/restore helpers (static/js/outbox.js)
    if (store && fields) {
      clearConfirmed(store);
      document.querySelectorAll("form[data-draft]").forEach((form) => initDraftForm(form, store, fields));
    }
    document.querySelectorAll("canvas[data-monitoring-chart]").forEach(initChart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
