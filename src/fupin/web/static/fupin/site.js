/* fupin: the little every page needs (loaded in <head>, no framework; CSP allows only our own scripts).
   - On a phone the menu folds behind a 菜单 button (without scripts it simply stays open).
   - A checkbox with data-select-all="NAME" ticks every box named NAME in its form (bulk actions on lists).
   - A select with data-autosubmit submits its form when changed. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("site-nav");
    if (button && nav) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // a select marked data-autosubmit submits its form when changed (the 年度 box of a dashboard); the CSP forbids
    // inline handlers, so this is the only way a choice can take effect without a button
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { if (select.form) select.form.submit(); });
    });
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var boxes = function () {
        return (all.form || document).querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']");
      };
      all.addEventListener("change", function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
      });
    });
  });
})();
