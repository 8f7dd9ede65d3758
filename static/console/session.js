// The session: the tokens (kept in sessionStorage) and how they are shown.
// Nothing here sends a request, so the API client can end a session too.
import { state, store, KEYS } from './state.js';
import { $, $$, el } from './dom.js';
import { remember } from './inspector.js';

function decodeJwt(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
  } catch { return null; }
}
export const expiresAt = (token) => { const p = token && decodeJwt(token); return p && p.exp ? p.exp * 1000 : 0; };

export function setTokens(access, refresh) {
  state.access = access; state.refresh = refresh;
  remember(access, 'ACCESS_TOKEN'); remember(refresh, 'REFRESH_TOKEN');
  store.setItem(KEYS.access, access); store.setItem(KEYS.refresh, refresh);
  renderSession();
}
export function clearSession() {
  state.access = ''; state.refresh = ''; state.user = null;
  Object.values(KEYS).forEach((k) => store.removeItem(k));
  renderSession();
}
export function setUser(user) {
  state.user = user;
  store.setItem(KEYS.user, JSON.stringify(user));
  renderSession();
}
export function showSessionMsg(text, isErr) {
  const m = $('#session-msg');
  m.textContent = text; m.className = `notice ${isErr ? 'err' : 'info'}`; m.hidden = !text;
}

export function renderSession() {
  const on = Boolean(state.access);
  const name = state.user ? state.user.username : '';
  $('#session-chip').classList.toggle('on', on);
  const chipText = $('#session-text');
  chipText.textContent = '';
  if (on && name) chipText.append(el('span', { class: 'chip-label', text: 'Logged in as ' }), el('strong', { text: name }));
  else chipText.textContent = on ? 'Logged in' : 'Not logged in';
  chipText.title = chipText.textContent;
  $('#logout-top').hidden = !on;
  $('#session-badge').textContent = on ? 'signed in' : 'signed out';
  $('#session-badge').classList.toggle('on', on);
  $('#session-in').hidden = !on;
  $('#session-out').hidden = on;
  $$('.needs-login').forEach((n) => { n.hidden = on; });
  if (on) {
    $('#who-name').textContent = name || '…';
    $('#who-id').textContent = state.user ? String(state.user.id) : '…';
    $('#who-email').textContent = state.user ? (state.user.email || '—') : '…';
    const joined = state.user && state.user.date_joined ? new Date(state.user.date_joined) : null;
    $('#who-joined').textContent = joined && !Number.isNaN(joined.getTime()) ? joined.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '…';
    $('#who-joined').title = state.user ? state.user.date_joined || '' : '';
  }
  tickExpiry();
}

export function tickExpiry() {
  const out = $('#who-expiry');
  if (!state.access) { out.textContent = ''; return; }
  const left = Math.round((expiresAt(state.access) - Date.now()) / 1000);
  out.textContent = left > 0 ? `expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : 'expired (refreshed on next request)';
}
