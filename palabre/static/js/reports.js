// The reports' period and month: choosing one empties the other, so that the form never
// says one thing while the report (where a month wins) shows another.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.report-scope");
    if (!form) return;
    var period = form.querySelector("[name=period]");
    var month = form.querySelector("[name=month]");
    if (!period || !month) return;
    period.addEventListener("change", function () {
      if (period.value) month.value = "";
    });
    month.addEventListener("change", function () {
      if (month.value) period.value = "";
    });
  });
})();
