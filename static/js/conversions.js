// The conversions page: a header checkbox ticks or clears every conversion on the page
// (data-check-all="<input name>"), then announces one change so htmx fetches the selection's
// totals once. Without this file, rows are ticked one by one and the form still works.
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var form = box.form || box.closest("form");
      if (!form) return;
      var picks = form.querySelectorAll('input[name="' + box.dataset.checkAll + '"]:not(:disabled)');
      picks.forEach(function (pick) { pick.checked = box.checked; });
      if (picks.length) picks[picks.length - 1].dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
