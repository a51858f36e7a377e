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

// A new post's page key (services.post_compose_once): the page sent again is one post.
// The browser's Back shows the page as it was typed, re-asked of the server (a new key) or
// not: the key of a fresh page is set here, after the page is read, so the browser keeps it
// with what was typed and gives both back together (a key the server set is not kept; a
// fresh page, or a reload that empties the fields, gets a new one). A page the server
// answered a sending with keeps the key it carries (no data-served).
(function () {
  const field = document.querySelector('input[name="post-key"][data-served]');
  if (!field || field.value !== field.dataset.served) return;  // given back with the text
  const bytes = crypto.getRandomValues(new Uint8Array(16));  // as lib/concurrency.py's ONCE
  field.value = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
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

// "Add a photo, a video or a PDF" under a variant's media: the file goes to the library and
// comes back as a choice, ticked in this variant and offered in the others; the page does
// not reload, so nothing typed is lost. Without JavaScript, the media library does it.
(function () {
  const boxes = document.querySelectorAll('[data-media-add]');
  if (!boxes.length) return;
  const token = JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRFToken'];
  const choice = (name, item, ticked) => {
    const label = document.createElement('label');
    label.className = 'media-choice';
    const box = document.createElement('input');
    Object.assign(box, { type: 'checkbox', name: name, value: String(item.id), checked: ticked });
    label.append(box);
    if (item.kind === 'video' || item.kind === 'document') {  // as the page draws them
      const mark = document.createElement('span');
      mark.className = 'video-thumb';
      mark.textContent = item.kind === 'video' ? '▶' : 'PDF';
      if (item.kind === 'video') mark.setAttribute('aria-hidden', 'true');
      label.append(mark);
    } else {  // a photo or a GIF
      const img = document.createElement('img');
      Object.assign(img, { src: item.url, alt: '' });
      label.append(img);
    }
    const title = document.createElement('span');
    title.className = 'small';
    title.textContent = item.name.length > 24 ? item.name.slice(0, 23) + '…' : item.name;
    label.append(' ', title);
    return label;
  };
  boxes.forEach((box) => {
    box.hidden = false;
    const file = box.querySelector('[data-media-file]');
    const alt = box.querySelector('[data-media-alt]');
    const send = box.querySelector('[data-media-send]');
    const said = box.querySelector('[data-media-said]');
    // (A variant that went out is read-only: its picker is not marked, nothing is added.)
    const picker = box.parentElement.querySelector('[data-media-picker]');
    const say = (text, error) => { said.textContent = text; said.classList.toggle('error', error); };
    // Its fields are not the post's: typing in them does not check the post again.
    ['input', 'change'].forEach((type) => box.addEventListener(type, (e) => e.stopPropagation()));
    alt.addEventListener('keydown', (event) => {  // Enter adds the file, it does not save
      if (event.key === 'Enter') { event.preventDefault(); send.click(); }
    });
    send.addEventListener('click', async () => {
      if (!file.files.length) { say(box.dataset.noFile, true); return; }
      const body = new FormData();
      body.append('file', file.files[0]);
      body.append('alt_text', alt.value);
      send.disabled = true;
      say(box.dataset.sending, false);
      try {
        const response = await fetch(box.dataset.mediaAdd, {
          method: 'POST', body: body, headers: { 'X-CSRFToken': token }, credentials: 'same-origin',
        });
        const answer = await response.json();
        if (!response.ok) { say(answer.error, true); return; }
        document.querySelectorAll('[data-media-picker]').forEach((each) => {
          each.append(choice(each.dataset.mediaPicker, answer, each === picker));
        });
        file.value = '';
        alt.value = '';
        say(answer.added, false);
        // The post is checked again with it (Instagram's "a photo is required" goes away).
        picker.lastElementChild.querySelector('input').dispatchEvent(new Event('change', { bubbles: true }));
      } catch (error) {
        say(box.dataset.failed, true);
      } finally {
        send.disabled = false;
      }
    });
  });
})();
