// API keys: create one (POST /api/keys/, its key shown once), list them
// (GET /api/keys/) and revoke one (DELETE /api/keys/{id}/). Always with the
// access token: a key cannot manage keys. A new key is kept nowhere but in its
// box on the page (and as $API_KEY in the inspector's masks): dismissing the
// box or reloading the page forgets it.
import { BASE, state } from './state.js';
import { $, $$, el, fmtInt, toast, busy } from './dom.js';
import { authed } from './api.js';
import { remember } from './inspector.js';
import { showResult, showFieldErrors } from './results.js';

const FIELDS = ['name', 'expires_at', 'providers', 'models', 'requests_per_minute', 'tokens_per_day'];

// "a, b,,c" -> ['a', 'b', 'c'] (an only-commas field gives [], which the API refuses).
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
// Integers are sent as numbers; anything else as typed, for the API to judge.
const int = (s) => (/^-?\d+$/.test(s) ? Number(s) : s);

// "Dec 1" (with the year when not this one) and the time under it; the ISO in the title.
function when(iso) {
  if (!iso) return el('span', { class: 'muted', text: 'never' });
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric' });
  return el('time', { datetime: iso, title: iso }, el('span', { class: 'day', text: day }), ' ',
    el('span', { class: 'time', text: d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) }));
}

function keyState(k) {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && Date.parse(k.expires_at) <= Date.now()) return 'expired';
  return 'active';
}

function restrictions(k) {
  const parts = [];
  if (k.providers) parts.push(`providers: ${k.providers.join(', ')}`);
  if (k.models) parts.push(`models: ${k.models.join(', ')}`);
  if (k.requests_per_minute != null) parts.push(`${fmtInt(k.requests_per_minute)} requests/min`);
  if (k.tokens_per_day != null) parts.push(`${fmtInt(k.tokens_per_day)} tokens/day`);
  if (!parts.length) return el('span', { class: 'muted', text: 'none' });
  return el('ul', { class: 'restrictions' }, parts.map((p) => el('li', { text: p })));
}

function keyRow(k) {
  const st = keyState(k);
  const revokeBtn = st === 'active' ? el('button', {
    type: 'button', class: 'btn btn-secondary btn-sm btn-danger revoke', text: 'Revoke',
    'aria-label': `Revoke the API key ${k.name}`,
    onclick: (ev) => revoke(ev.currentTarget, k),
    onblur: (ev) => disarm(ev.currentTarget, k),
  }) : null;
  return el('tr', { 'data-key-id': String(k.id), 'data-state': st },
    el('td', { 'data-col': 'key', class: 'wrap' }, el('div', { class: 'key-name', text: k.name }),
      el('code', { class: 'key-prefix', text: `${k.prefix}…`, title: 'The first 12 characters of the key' })),
    el('td', { 'data-col': 'created' }, when(k.created_at)),
    el('td', { 'data-col': 'last_used' }, when(k.last_used_at)),
    el('td', { 'data-col': 'expires' }, when(k.expires_at)),
    el('td', { 'data-col': 'restrictions', class: 'wrap' }, restrictions(k)),
    el('td', { 'data-col': 'state' }, el('div', { class: 'key-state' }, el('span', { class: `badge key-${st}`, text: st }), revokeBtn)));
}

export async function loadKeys() {
  const tbody = $('#keys-table tbody');
  // Only the latest of overlapping loads (tab opened, created, revoked) is shown.
  const seq = String(Number(tbody.dataset.seq || 0) + 1);
  tbody.dataset.seq = seq;
  const btn = $('#keys-refresh');
  busy(btn, true);
  const r = await authed('GET', '/api/keys/');
  if (tbody.dataset.seq !== seq) return;
  busy(btn, false);
  const out = $('#keys-list-result');
  if (r.status === 200 && r.json && Array.isArray(r.json.keys)) {
    out.textContent = ''; out.className = 'result';
    tbody.textContent = '';
    r.json.keys.forEach((k) => tbody.append(keyRow(k)));
    if (!r.json.keys.length) tbody.append(el('tr', {}, el('td', { colspan: '6', class: 'empty-row', text: 'No API keys yet.' })));
    const live = r.json.keys.filter((k) => keyState(k) === 'active').length;
    $('#keys-summary').textContent = r.json.keys.length ? `${live} active, ${r.json.keys.length - live} revoked or expired` : '';
  } else {
    showResult(out, r, '');
  }
}

// Revoking takes two clicks: the first arms the button, leaving it disarms it.
function disarm(btn, k) {
  if (btn.dataset.armed !== 'true' || btn.disabled) return;
  delete btn.dataset.armed;
  btn.textContent = 'Revoke';
  btn.className = 'btn btn-secondary btn-sm btn-danger revoke';
  btn.setAttribute('aria-label', `Revoke the API key ${k.name}`);
}

async function revoke(btn, k) {
  if (btn.dataset.armed !== 'true') {
    btn.dataset.armed = 'true';
    btn.textContent = 'Confirm revoke';
    btn.className = 'btn btn-sm btn-danger-solid revoke';
    btn.setAttribute('aria-label', `Confirm: revoke the API key ${k.name} for good`);
    btn.focus();
    return;
  }
  busy(btn, true);
  const r = await authed('DELETE', `/api/keys/${k.id}/`);
  if (r.status === 204) {
    toast(`Revoked ${k.name}`);
    await loadKeys();
    $('#keys-refresh').focus();   // the button is gone with its row
  } else {
    busy(btn, false);
    showResult($('#keys-list-result'), r, '');
  }
}

function showKey(key) {
  $('#key-new-value').textContent = key;
  $('#key-copy-note').textContent = '';
  $('#key-new').hidden = false;
  $('#key-copy').focus();
}

function forgetKey() {
  $('#key-new-value').textContent = '';
  $('#key-copy-note').textContent = '';
  $('#key-new').hidden = true;
}

async function copyKey() {
  const value = $('#key-new-value'), note = $('#key-copy-note');
  try {
    await navigator.clipboard.writeText(value.textContent);
    note.textContent = 'Copied';
  } catch {
    // No clipboard (an insecure origin, or refused): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(value);
    const sel = window.getSelection();
    sel.removeAllRanges(); sel.addRange(range);
    value.focus();
    note.textContent = 'Selected: press Ctrl+C (⌘C on a Mac) to copy it';
  }
}

async function createKey(ev) {
  ev.preventDefault();
  const v = (f) => $(`#keys-${f}`).value.trim();
  const body = { name: $('#keys-name').value };
  if (v('expires_at')) body.expires_at = v('expires_at');
  if (v('providers')) body.providers = list(v('providers'));
  if (v('models')) body.models = list(v('models'));
  if (v('requests_per_minute')) body.requests_per_minute = int(v('requests_per_minute'));
  if (v('tokens_per_day')) body.tokens_per_day = int(v('tokens_per_day'));
  const btn = $('#keys-submit');
  busy(btn, true);
  const r = await authed('POST', '/api/keys/', { body });
  busy(btn, false);
  const created = r.status === 201 && r.json && typeof r.json.key === 'string';
  // Masked in the inspector from now on, like the tokens.
  if (created) remember(r.json.key, 'API_KEY');
  const errs = r.status === 400 ? r.json : null;
  showFieldErrors('keys', FIELDS, errs);
  $('#keys-form-err').textContent = errs && Array.isArray(errs.non_field_errors) ? errs.non_field_errors.join(' ') : '';
  showResult($('#keys-result'), r, created ? `Created the API key ${r.json.name} (${r.json.prefix}…)` : '');
  if (created) {
    $('#keys-form').reset();
    showKey(r.json.key);
    await loadKeys();
  }
}

export function wireKeys() {
  $('#keys-v1-base').textContent = `${BASE}/v1`;
  $('#keys-form').addEventListener('submit', createKey);
  $('#keys-refresh').addEventListener('click', loadKeys);
  $('#key-copy').addEventListener('click', copyKey);
  $('#key-dismiss').addEventListener('click', () => { forgetKey(); $('#keys-name').focus(); });
  $$('[data-expires-days]').forEach((b) => b.addEventListener('click', () => {
    const days = Number(b.dataset.expiresDays);
    $('#keys-expires_at').value = days ? new Date(Date.now() + days * 86400000).toISOString().replace(/\.\d+Z$/, 'Z') : '';
  }));
  // Opening the tab lists the keys; signed out, nothing of them stays shown.
  $('#panel-keys').addEventListener('shown', () => {
    if (state.access) { loadKeys(); return; }
    forgetKey();
    $('#keys-table tbody').textContent = '';
    $('#keys-summary').textContent = '';
    $('#keys-result').textContent = '';
  });
}
