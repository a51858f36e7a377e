// Tabs for the composer's variants. Without JavaScript every variant shows, one below another.
(function () {
  const bar = document.querySelector('.tabs-bar');
  if (!bar) return;
  const tabs = Array.from(bar.querySelectorAll('[role="tab"]'));
  const show = (tab) => {
    tabs.forEach((t) => {
      const selected = t === tab;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !selected;
    });
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => show(tab));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      next.focus();
      show(next);
    });
  });
  bar.hidden = false;
  document.querySelectorAll('.variant-title').forEach((h) => h.classList.add('sr-only'));
  show(tabs.find((t) => t.getAttribute('aria-selected') === 'true') || tabs[0]);
})();
