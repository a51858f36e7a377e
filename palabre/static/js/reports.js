// The reports' period, month and dates (from, to): choosing one empties the others, so that
// the form never says one thing while the report (a month, then dates, win) shows another.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.report-scope");
    if (!form) return;
    var period = form.querySelector("[name=period]");
    var month = form.querySelector("[name=month]");
    var start = form.querySelector("[name=start]");
    var end = form.querySelector("[name=end]");
    if (!period || !month || !start || !end) return;
    var groups = [[period], [month], [start, end]];
    groups.forEach(function (group) {
      group.forEach(function (field) {
        field.addEventListener("change", function () {
          if (!field.value) return;
          groups.forEach(function (other) {
            if (other !== group) other.forEach(function (f) { f.value = ""; });
          });
        });
      });
    });
  });
})();
