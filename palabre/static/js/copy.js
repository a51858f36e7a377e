// Copy buttons: <button data-copy="element-id" data-copied="Copied" hidden> copies the text of
// that element. Hidden until this script runs, so a page without it offers no dead button.
(function () {
  "use strict";
  // Plain http on another machine has no navigator.clipboard: select the text, then copy
  // it the old way. Refused, the text stays selected for Ctrl-C.
  function selectAndCopy(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    if (!done) throw new Error("copy refused");
  }
  function copy(button) {
    var element = document.getElementById(button.getAttribute("data-copy"));
    if (!element) return;
    var label = button.textContent;
    var copying = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(element.textContent)
      : Promise.reject(new Error("no clipboard"));
    copying
      .catch(function () { selectAndCopy(element); })
      .then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {});
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
