// Drag a post onto another day to move it there (same time of day). Needs htmx.
(function () {
  const grid = document.getElementById('calendar-grid');
  if (!grid || !window.htmx) return;
  grid.addEventListener('dragstart', (event) => {
    const entry = event.target.closest('[data-post]');
    if (entry) event.dataTransfer.setData('text/plain', entry.dataset.post);
  });
  grid.addEventListener('dragover', (event) => {
    const cell = event.target.closest('td[data-date]');
    if (cell) { event.preventDefault(); cell.classList.add('drop'); }
  });
  grid.addEventListener('dragleave', (event) => {
    const cell = event.target.closest('td[data-date]');
    if (cell) cell.classList.remove('drop');
  });
  grid.addEventListener('drop', (event) => {
    const cell = event.target.closest('td[data-date]');
    const table = grid.querySelector('table[data-move-url]');
    const post = event.dataTransfer.getData('text/plain');
    if (!cell || !table || !table.dataset.moveUrl || !post) return;
    event.preventDefault();
    cell.classList.remove('drop');
    // An approved post moved goes back for approval (unless one who approves moves it): ask.
    const entry = grid.querySelector(`[data-post="${CSS.escape(post)}"]`);
    if (entry && entry.dataset.moveConfirm && !window.confirm(entry.dataset.moveConfirm)) return;
    htmx.ajax('POST', table.dataset.moveUrl, {
      target: '#calendar-grid', swap: 'innerHTML',
      values: { post: post, date: cell.dataset.date, query: table.dataset.query },
    });
  });
})();

// Phones show the month as an agenda: it opens at today, not at the 1st.
(function () {
  const today = document.querySelector('.agenda .agenda-day.today');
  if (!today || today.offsetParent === null || window.location.hash) return;
  const show = () => today.scrollIntoView({ block: 'start' });
  show();
  if (document.readyState === 'complete') return;
  // Again once the page is laid out whole: on a phone the days above today grew after the
  // first pass and today ended a screen lower. Not if the person has moved meanwhile.
  let moved = false;
  const mine = () => { moved = true; };
  for (const kind of ['touchstart', 'wheel', 'keydown']) {
    window.addEventListener(kind, mine, { once: true, passive: true });
  }
  window.addEventListener('load', () => { if (!moved) show(); }, { once: true });
})();
