// The token form: typing an expiry date chooses "Until a date".
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var day = document.getElementById("id_expires_on");
    var onADate = document.querySelector("input[name='life'][value='date']");
    if (!day || !onADate) return;
    day.addEventListener("input", function () {
      if (day.value) onADate.checked = true;
    });
  });
})();
