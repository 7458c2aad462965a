// Loans: the statement's print button and the collection sheet's running total.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // "150.000", "150000" or "Rp 150.000" → 150000 (dots group thousands, as written in Indonesia).
  function rupiah(text) {
    var digits = (text || "").replace(/rp/i, "").split(",")[0].replace(/[^0-9]/g, "");
    return digits ? parseInt(digits, 10) : 0;
  }

  function format(amount) {
    return "Rp " + amount.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  document.querySelectorAll("[data-collection-sheet]").forEach(function (form) {
    var total = form.querySelector("[data-sheet-total]");
    function update() {
      var sum = 0;
      form.querySelectorAll("[data-amount]").forEach(function (input) { sum += rupiah(input.value); });
      if (total) { total.textContent = format(sum); }
    }
    form.addEventListener("input", update);
    update();
  });
})();
