// The API's answer as-is, in a form's result box: its status, a one-line
// summary, and the raw body; DRF field errors next to their fields.
import { opts } from './state.js';
import { $, el } from './dom.js';
import { maskText } from './shell.js';

export function errorSummary(json) {
  if (!json || typeof json !== 'object') return '';
  if (json.error && typeof json.error === 'object') {
    const e = json.error;
    return [e.message, e.type && `type ${e.type}`, e.param && `param ${e.param}`, e.code && `code ${e.code}`].filter(Boolean).join(' · ');
  }
  if (typeof json.detail === 'string') return json.detail;
  return Object.entries(json).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : JSON.stringify(v)}`).join('\n');
}

export function showResult(box, r, okText) {
  box.textContent = '';
  const ok = r.status >= 200 && r.status < 300;
  box.className = `result ${ok ? 'ok' : 'err'}`;
  const line = el('div', { class: 'status-line' },
    el('span', { class: `status s${String(r.status)[0]}`, text: r.status ? String(r.status) : 'failed' }),
    el('span', { text: ok ? okText : (errorSummary(r.json) || (r.status ? `HTTP ${r.status}` : r.text)) }));
  box.append(line);
  if (!ok || !okText) box.append(el('pre', { class: 'raw api-error', text: maskText(r.text, opts.reveal) }));
}

export function showFieldErrors(prefix, fields, json) {
  for (const f of fields) {
    const input = $(`#${prefix}-${f}`), out = $(`#${prefix}-${f}-err`);
    const msgs = json && Array.isArray(json[f]) ? json[f] : null;
    out.textContent = msgs ? msgs.join(' ') : '';
    if (msgs) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }
}
