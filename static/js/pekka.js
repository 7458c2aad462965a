/* pekka front-end behaviour: region pickers and enhanced selects. Plain JS, no build step. */
(function () {
  "use strict";

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // <select data-region-picker="/wilayah/cari/" data-level="4">: search the region list on the server.
  function initRegionPicker(select) {
    if (select.tomselect) return;
    const url = select.dataset.regionPicker;
    const level = select.dataset.level || "";
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      placeholder: select.dataset.placeholder || "",
      plugins: select.multiple ? ["remove_button"] : [],
      shouldLoad: (query) => query.trim().length >= 2,
      score: () => () => 1, // the server ranks the matches
      load: function (query, callback) {
        const params = new URLSearchParams({ q: query });
        if (level) params.set("level", level);
        this.clearOptions();
        fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" } })
          .then((response) => response.json())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
      render: {
        option: (item) =>
          '<div class="region-option"><div class="fw-semibold">' + escapeHtml(item.label || item.text) +
          '</div><div class="region-parents">' + escapeHtml(item.parents || "") + "</div></div>",
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
    if (select.tomselect) return;
    const url = select.dataset.remoteSearch;
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      placeholder: select.dataset.placeholder || "",
      plugins: ["clear_button"], // the empty choice ("any group") is a clear, not an item in the way of typing
      shouldLoad: (query) => query.trim().length >= 2,
      score: () => () => 1, // the server ranks the matches
      load: function (query, callback) {
        this.clearOptions();
        fetch(url + "?" + new URLSearchParams({ q: query }).toString(), { headers: { Accept: "application/json" } })
          .then((response) => response.json())
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
      render: {
        option: (item) =>
          '<div class="region-option"><div class="fw-semibold">' + escapeHtml(item.text) +
          '</div><div class="region-parents">' + escapeHtml(item.parents || "") + "</div></div>",
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
