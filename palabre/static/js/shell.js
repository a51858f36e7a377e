// Every page's shell: the running timer in the header ticks once a minute.
(function () {
  "use strict";
  function tick() {
    document.querySelectorAll("[data-timer-since]").forEach(function (link) {
      var since = Date.parse(link.getAttribute("data-timer-since"));
      var shown = link.querySelector("[data-timer-elapsed]");
      if (isNaN(since) || !shown) return;
      var minutes = Math.max(0, Math.floor((Date.now() - since) / 60000));
      var rest = minutes % 60;
      // As the page wrote it (palabre.elapsed): "0 h 07", never "0:07", read as seconds.
      shown.textContent = Math.floor(minutes / 60) + "\u00a0h\u00a0" + (rest < 10 ? "0" : "") + rest;
    });
  }
  // The menu on phones: one button folds the sections and the tools away.
  function menu() {
    var toggle = document.querySelector(".menu-toggle");
    var header = document.querySelector(".topbar");
    if (!toggle || !header || !document.getElementById("site-sections")) return;
    document.documentElement.classList.add("js-menu");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Narrow screens show each table row as a small card (palabre.css): every cell carries
  // its column's name, read from the table's header. Calendars have their own agenda.
  function labelCells() {
    document.querySelectorAll("table").forEach(function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || table.classList.contains("calendar")) return;
      var names = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        // The column's name without its "?" (it read "Taux de réponse ?" on a phone).
        var name = cell.cloneNode(true);
        name.querySelectorAll(".tip").forEach(function (tip) { tip.remove(); });
        for (var i = 0; i < (cell.colSpan || 1); i++) names.push(name.textContent.trim());
      });
      table.classList.add("cards-on-phone");
      var bodies = Array.prototype.slice.call(table.tBodies);
      if (table.tFoot) bodies.push(table.tFoot);
      bodies.forEach(function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && names[column]) cell.setAttribute("data-label", names[column]);
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }
  // A figure's "?": its definition in a bubble on a tap, on the keyboard's focus or under
  // the pointer. A title showed on hover only: nothing on a phone, nothing with Tab.
  function tips() {
    var bubble = null;
    function hide() {
      if (bubble) { bubble.remove(); bubble = null; }
    }
    function show(tip) {
      hide();
      bubble = document.createElement("div");
      bubble.className = "tip-bubble";
      bubble.setAttribute("role", "tooltip");
      bubble.textContent = tip.getAttribute("aria-label");
      document.body.appendChild(bubble);
      // Under the "?", inside the screen however near its edge the "?" is.
      var box = tip.getBoundingClientRect();
      var room = document.documentElement.clientWidth - bubble.offsetWidth - 8;
      var left = Math.max(8, Math.min(box.left + box.width / 2 - bubble.offsetWidth / 2, room));
      bubble.style.left = left + window.scrollX + "px";
      bubble.style.top = box.bottom + window.scrollY + 6 + "px";
    }
    function tipOf(event) {
      return event.target.closest ? event.target.closest(".tip") : null;
    }
    document.addEventListener("focusin", function (event) {
      if (tipOf(event)) show(tipOf(event));
    });
    document.addEventListener("focusout", function (event) {
      if (tipOf(event)) hide();
    });
    document.addEventListener("mouseover", function (event) {
      if (tipOf(event)) show(tipOf(event));
    });
    document.addEventListener("mouseout", function (event) {
      var tip = tipOf(event);
      if (tip && document.activeElement !== tip) hide();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelCells();
    tips();
    menu();
    tick();
    setInterval(tick, 30000);
  });
  // Signed out while the page was open: an htmx request is answered 401 and nothing on the
  // page is replaced (what is typed stays). Said once, with the sign-in page in a new tab.
  function signedOut(event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 401 || document.getElementById("signed-out")) return;
    var note = document.createElement("a");
    note.id = "signed-out";
    note.className = "signed-out";
    note.setAttribute("role", "alert");
    note.href = xhr.getResponseHeader("X-Sign-In") || "/login/";
    note.target = "_blank";
    note.rel = "noopener";
    note.textContent = xhr.responseText;
    document.body.insertBefore(note, document.body.firstChild);
  }
  document.addEventListener("htmx:responseError", signedOut);
  // Text typed in a form marked data-keep-typed and not sent is asked about before the
  // page is left (another answer sent from home reloaded it, and an answer typed beside
  // it was gone). The form being sent is not asked about: what it holds goes with it.
  var sending = null;
  document.addEventListener("submit", function (event) { sending = event.target; }, true);
  function typedAndUnsent(form) {
    if (form === sending) return false;
    return Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text]"), function (field) {
      return !field.hidden && field.value.trim() !== "" && field.value !== field.defaultValue;
    });
  }
  window.addEventListener("beforeunload", function (event) {
    var forms = document.querySelectorAll("form[data-keep-typed]");
    if (Array.prototype.some.call(forms, typedAndUnsent)) {
      event.preventDefault();
      event.returnValue = "";
    }
    sending = null;
  });
})();
