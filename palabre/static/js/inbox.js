// Inbox keyboard shortcuts and saved replies. Everything also works with the mouse.
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  // The queue: j / k move the selection, Enter opens it.
  var list = document.querySelector("[data-inbox-list]");
  if (list) {
    var rows = Array.prototype.slice.call(list.querySelectorAll("[data-href]"));
    var current = -1;
    function select(index) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) { row.classList.toggle("selected", i === current); });
      rows[current].querySelector("a").focus();
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") { select(current + 1); event.preventDefault(); }
      if (event.key === "k") { select(current - 1); event.preventDefault(); }
    });
  }

  // A filter chosen with a pointer or a finger applies at once (the search still waits for
  // Enter or "Filter"). Not one chosen with the keyboard: arrow keys in a closed select
  // change it at each press, and the page would reload under the person's fingers.
  var filters = document.querySelector("form.inbox-filters");
  if (filters) {
    var pointed = null;
    filters.addEventListener("pointerdown", function (event) { pointed = event.target; });
    filters.addEventListener("keydown", function () { pointed = null; });
    filters.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT" && pointed === event.target) filters.submit();
    });
  }

  // One conversation: r answer, a assign to me, d done, t thank, h hide, u show again.
  var item = document.querySelector("[data-inbox-item]");
  if (item) {
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "r") {
        var box = item.querySelector(".reply-form textarea");
        if (box) { box.focus(); event.preventDefault(); }
        return;
      }
      if (event.key === "Escape") {
        var back = document.querySelector("main > p > a");
        if (back) window.location.href = back.href;
        return;
      }
      var form = item.querySelector('form[data-shortcut="' + event.key + '"]');
      if (form) { event.preventDefault(); form.requestSubmit(); }
    });
    var saved = item.querySelector("[data-saved-replies]");
    if (saved) {
      // A saved reply fills an empty box (or replaces the one chosen into it before); where
      // the person had typed words of their own, it goes in where their cursor was (at the
      // end if they never placed it), never over their words.
      var box = item.querySelector(".reply-form textarea");
      var inserted = null, placed = false;
      if (box) {
        // Where the person typed, clicked or selected (Tab into the box places nothing).
        ["input", "mouseup", "select"].forEach(function (name) {
          box.addEventListener(name, function () { placed = true; });
        });
      }
      saved.addEventListener("change", function () {
        if (!box || !saved.value) return;
        if (box.value.trim() === "" || box.value === inserted) {
          box.value = inserted = saved.value;
        } else {
          var at = placed ? box.selectionStart : box.value.length;
          var end = placed ? box.selectionEnd : at;
          var before = box.value.slice(0, at), after = box.value.slice(end);
          var gap = before && !/\s$/.test(before) ? " " : "";
          box.value = before + gap + saved.value + after;
          box.selectionStart = box.selectionEnd = (before + gap + saved.value).length;
          inserted = null;
        }
        box.focus();
      });
    }
  }
})();
