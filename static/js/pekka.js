/* pekka front-end behaviour: region pickers and enhanced selects. Plain JS, no build step. */
(function () {
  "use strict";

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // Tom Select on a <select> whose options come from a JSON search on the server ({results: [{id, text, …}]}),
  // asked once two characters are typed; the server ranks the matches.
  function initServerSearch(select, url, extraParams, options) {
    if (select.tomselect) return;
    new TomSelect(select, Object.assign({
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      placeholder: select.dataset.placeholder || "",
      shouldLoad: (query) => query.trim().length >= 2,
      score: () => () => 1,
      load: function (query, callback) {
        const params = new URLSearchParams(Object.assign({ q: query }, extraParams));
        this.clearOptions();
        fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" } })
          .then((response) => response.json())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
    }, options));
  }

  function optionWithParents(text, parents) {
    return '<div class="region-option"><div class="fw-semibold">' + escapeHtml(text) +
      '</div><div class="region-parents">' + escapeHtml(parents || "") + "</div></div>";
  }

  // <select data-region-picker="/wilayah/cari/" data-level="4" [data-within="13.75"]>: search the region list on
  // the server (a level, inside a region).
  function initRegionPicker(select) {
    const params = {};
    if (select.dataset.level) params.level = select.dataset.level;
    if (select.dataset.within) params.within = select.dataset.within;
    initServerSearch(select, select.dataset.regionPicker, params, {
      plugins: select.multiple ? ["remove_button"] : [],
      render: {
        option: (item) => optionWithParents(item.label || item.text, item.parents),
        item: (item) => "<div>" + escapeHtml(item.text) + "</div>",
        no_results: () => '<div class="no-results">' + escapeHtml(select.dataset.noResults || "—") + "</div>",
      },
    });
  }

  // <select data-enhance="select">: a searchable select for short lists (staff, facilitators).
  function initEnhancedSelect(select) {
    if (select.tomselect) return;
    new TomSelect(select, { plugins: select.multiple ? ["remove_button"] : [], maxOptions: null });
  }

  // <select data-remote-search="/kelompok/cari/">: a long list (groups, women) searched on the server as she types.
  function initRemoteSelect(select) {
    initServerSearch(select, select.dataset.remoteSearch, {}, {
      plugins: ["clear_button"], // the empty choice ("any group") is a clear, not an item in the way of typing
      render: {
        option: (item) => optionWithParents(item.text, item.parents),
        item: (item) => "<div>" + escapeHtml(item.text) + "</div>",
      },
    });
  }

  function init(root) {
    root.querySelectorAll("select[data-region-picker]").forEach(initRegionPicker);
    root.querySelectorAll("select[data-remote-search]").forEach(initRemoteSelect);
    root.querySelectorAll("select[data-enhance='select']").forEach(initEnhancedSelect);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:load", (event) => init(event.target));
})();

/* Formsets: <div data-formset="prefix"> with [data-formset-rows], <template data-formset-empty> and a
   [data-formset-add] button adds a row; checkboxes [data-select-all="name"] tick every checkbox of that name. */
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-formset-add]");
    if (!add) return;
    const box = add.closest("[data-formset]");
    const prefix = box.dataset.formset;
    const total = box.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const html = box.querySelector("template[data-formset-empty]").innerHTML.replace(/__prefix__/g, total.value);
    box.querySelector("[data-formset-rows]").insertAdjacentHTML("beforeend", html);
    total.value = Number(total.value) + 1;
  });
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (!all) return;
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  });
})();

/* Behaviour that would otherwise be inline (the Content-Security-Policy runs no inline script or handler):
   <select data-submit-on-change> sends its form, <button data-print> prints, <form data-confirm-submit="…"> asks
   first, and [data-progress="40"] sets a bar's width (through the CSSOM, which the policy allows). */
(function () {
  "use strict";

  function setProgress(root) {
    root.querySelectorAll("[data-progress]").forEach((bar) => {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", () => setProgress(document));
  document.addEventListener("htmx:load", (event) => setProgress(event.target));
  document.addEventListener("change", (event) => {
    const select = event.target.closest("[data-submit-on-change]");
    if (select && select.form) select.form.requestSubmit();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm-submit]");
    if (form && !window.confirm(form.dataset.confirmSubmit)) event.preventDefault();
  });
})();

/* A POST form is sent once: after the first submit its buttons are disabled and a second submit (a double tap, an
   impatient second click) is dropped; the server's form keys catch what still gets through (a phone's retry).
   Listening on window runs after every other submit handler, so a submit they cancelled (a "no" to a
   confirmation, the visit form's offline outbox) leaves the form as it was. The buttons are disabled a moment
   later so the clicked button's own name and value still go with the form. Back navigation re-enables them. */
(function () {
  "use strict";

  window.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post" || form.target === "_blank") return;
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return;
    form.dataset.sending = "1";
    setTimeout(() => {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((button) => {
        if (!button.disabled) {
          button.disabled = true;
          button.dataset.disabledWhileSending = "1";
        }
      });
    }, 0);
  });

  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-sending]").forEach((form) => delete form.dataset.sending);
    document.querySelectorAll("[data-disabled-while-sending]").forEach((button) => {
      button.disabled = false;
      delete button.dataset.disabledWhileSending;
    });
  });
})();
