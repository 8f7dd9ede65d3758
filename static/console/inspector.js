// The inspector: every request as the equivalent curl command with its raw
// response, newest first.
import { BASE, entries, opts, secrets, renderQueued } from './state.js';
import { $, el, copyText } from './dom.js';
import { curlFor, maskText } from './shell.js';

// From now on, shows value as $name wherever it appears.
export function remember(value, name) {
  if (!value || secrets.get(value) === name) return;
  secrets.set(value, name);
  entries.forEach(renderEntry);   // mask it where it is already shown
}

function prettyBody(text, contentType) {
  if (!opts.pretty || !text) return text;
  if (/json/.test(contentType || '')) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
  }
  return text;
}

function renderCode(pre, text) {
  // Highlight the $VARIABLES standing for secrets.
  pre.textContent = '';
  const re = /\$(ACCESS_TOKEN|REFRESH_TOKEN|PASSWORD|API_KEY)/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    pre.append(text.slice(last, m.index), el('span', { class: 'var', text: m[0] }));
    last = m.index + m[0].length;
  }
  pre.append(text.slice(last));
}

function statusText(e) {
  if (e.status === null) return '…';
  if (e.status === 0) return 'failed';
  return String(e.status);
}

export function renderEntry(e) {
  const cls = e.status === null ? 'pending' : `s${String(e.status)[0]}`;
  e.statusEl.className = `status ${cls}`;
  e.statusEl.textContent = statusText(e);
  e.elapsedEl.textContent = e.ms != null ? `${e.ms} ms` : '';
  renderCode(e.curlPre, curlFor(e.req, opts.reveal));
  const head = e.status === null ? 'waiting…'
    : e.status === 0 ? 'no response'
    : `HTTP ${e.status} ${e.statusText || ''}`.trim() + (e.contentType ? ` · ${e.contentType.split(';')[0]}` : '');
  e.respHead.textContent = `Response · ${head}${e.note ? ` · ${e.note}` : ''}`;
  renderCode(e.respPre, maskText(prettyBody(e.text, e.contentType), opts.reveal) || (e.status === null ? '' : '(empty body)'));
}

// A stream's entry is repainted once a frame, not once a chunk.
export function scheduleRender(e) {
  if (renderQueued.has(e)) return;
  renderQueued.add(e);
  requestAnimationFrame(() => { renderQueued.delete(e); renderEntry(e); });
}

export function addEntry(req) {
  const path = req.url.slice(BASE.length);
  const e = { req, status: null, statusText: '', text: '', contentType: '', ms: null, note: '' };
  e.statusEl = el('span', { class: 'status pending', text: '…' });
  e.elapsedEl = el('span', { class: 'elapsed' });
  e.curlPre = el('pre', { class: 'code curl', tabindex: '0', 'aria-label': 'curl command' });
  e.respPre = el('pre', { class: 'code response', tabindex: '0', 'aria-label': 'raw response' });
  e.respHead = el('span', { class: 'resp-head' });
  const details = el('details', { open: true },
    el('summary', {}, el('span', { class: 'method', text: req.method }), el('span', { class: 'path', text: path, title: path }), e.statusEl, e.elapsedEl),
    el('div', { class: 'entry-body' },
      el('div', {},
        el('div', { class: 'block-head' }, el('span', { text: 'curl' }),
          el('button', { type: 'button', class: 'link copy', text: 'Copy', 'aria-label': `Copy the curl command for ${req.method} ${path}`, onclick: () => copyText(curlFor(req, opts.reveal)) })),
        e.curlPre),
      el('div', {}, el('div', { class: 'block-head' }, e.respHead), e.respPre)));
  e.li = el('li', { class: 'entry' }, details);
  e.details = details;
  // Only the newest stays open, at the top of the (scrolled back) list.
  entries.forEach((old) => { old.details.open = false; });
  entries.unshift(e);
  $('#log').prepend(e.li);
  $('.inspector').scrollTop = 0;
  while (entries.length > 40) entries.pop().li.remove();
  $('#log-empty').hidden = true;
  renderEntry(e);
  return e;
}

export function wireInspector() {
  $('#reveal').addEventListener('change', (ev) => { opts.reveal = ev.target.checked; entries.forEach(renderEntry); });
  $('#pretty').addEventListener('change', (ev) => { opts.pretty = ev.target.checked; entries.forEach(renderEntry); });
  $('#log-clear').addEventListener('click', () => {
    entries.splice(0).forEach((e) => e.li.remove());
    $('#log-empty').hidden = false;
  });
}
