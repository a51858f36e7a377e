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

// "Use it": the next free slot goes into the time field, without leaving the page.
(function () {
  // A plain button (Enter in a field must still save, never take the slot): shown with JS.
  document.querySelectorAll('[data-fill-slot]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', (event) => {
      const field = document.querySelector('input[name="post-publish_at"]');
      if (!field) return;
      event.preventDefault();
      field.value = button.getAttribute('data-fill-slot');
      field.dispatchEvent(new Event('change', { bubbles: true }));
    });
  });
})();

// A new post: only the ticked networks' variants show (each one is written only if ticked).
(function () {
  const boxes = Array.from(document.querySelectorAll('input[name="post-networks"]'));
  const panels = document.querySelectorAll('section.variant[data-network]');
  if (!boxes.length || !panels.length) return;
  const sync = () => {
    const ticked = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
    document.querySelectorAll('[role="tab"][data-network]').forEach((tab) => {
      const shown = ticked.has(tab.getAttribute('data-network'));
      tab.hidden = !shown;
      if (!shown && tab.getAttribute('aria-selected') === 'true') {
        const first = document.querySelector('[role="tab"][data-network]:not([hidden])');
        if (first) first.click();
      }
    });
    panels.forEach((panel) => {
      if (!ticked.has(panel.getAttribute('data-network'))) panel.hidden = true;
    });
  };
  boxes.forEach((box) => box.addEventListener('change', () => {
    sync();
    const tab = document.getElementById('tab-' + box.value);
    if (box.checked && tab) tab.click();
  }));
  sync();
})();

// The live check replaces each network's panel as the person types (or leaves a field): a
// detail they opened, such as Bluesky's facets, stays open instead of folding under the cursor.
document.body.addEventListener('htmx:oobBeforeSwap', (event) => {
  const opened = new Set(
    Array.from(event.detail.target.querySelectorAll('details[open]')).map((d) => d.className),
  );
  if (!opened.size) return;
  event.detail.fragment.querySelectorAll('details').forEach((d) => {
    if (opened.has(d.className)) d.open = true;
  });
});
