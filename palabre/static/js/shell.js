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
      shown.textContent = Math.floor(minutes / 60) + ":" + (rest < 10 ? "0" : "") + rest;
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
  document.addEventListener("DOMContentLoaded", function () {
    menu();
    tick();
    setInterval(tick, 30000);
  });
})();
