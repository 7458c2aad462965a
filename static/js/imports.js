/* Beneficiary imports: a busy upload button, and a confirmation before writing to the registry. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.matches("[data-import-commit]") && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.matches("[data-import-upload], [data-import-commit]")) {
      const button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
        if (button.dataset.busyText) button.textContent = button.dataset.busyText;
      }
    }
  });
})();
