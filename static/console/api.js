// The API client: every request goes through send(), which logs it in the
// inspector; authed() adds the access token and keeps it fresh.
import { BASE, state } from './state.js';
import { addEntry, renderEntry, scheduleRender } from './inspector.js';
import { expiresAt, setTokens, clearSession, showSessionMsg } from './session.js';

// One request, logged. Returns {status, text, json, contentType, entry, res}.
export async function send(method, path, { body, auth = false, stream = false, signal, onChunk } = {}) {
  const headers = {};
  let bodyText;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    bodyText = JSON.stringify(body);
  }
  if (auth && state.access) headers.Authorization = `Bearer ${state.access}`;
  const req = { method, url: BASE + path, headers, body: bodyText, stream };
  const entry = addEntry(req);
  const t0 = performance.now();
  let res;
  try {
    res = await fetch(req.url, { method, headers, body: bodyText, signal, cache: 'no-store' });
  } catch (err) {
    entry.status = 0; entry.ms = Math.round(performance.now() - t0);
    entry.text = err.name === 'AbortError' ? 'aborted by the client (Stop)' : `network error: ${err.message}`;
    renderEntry(entry);
    return { status: 0, text: entry.text, json: null, entry, error: err };
  }
  entry.status = res.status; entry.statusText = res.statusText;
  entry.contentType = res.headers.get('content-type') || '';
  renderEntry(entry);
  let text = '';
  if (stream && res.ok && /event-stream/.test(entry.contentType) && res.body) {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const chunk = dec.decode(value, { stream: true });
        text += chunk; entry.text = text; scheduleRender(entry);
        if (onChunk) onChunk(chunk);
      }
      text += dec.decode(); entry.text = text;
    } catch (err) {
      entry.note = err.name === 'AbortError' ? 'stopped by the client' : `stream broke: ${err.message}`;
      entry.ms = Math.round(performance.now() - t0); renderEntry(entry);
      return { status: res.status, text, json: null, entry, res, error: err };
    }
  } else {
    try { text = await res.text(); } catch (err) { entry.note = `body unreadable: ${err.message}`; }
    entry.text = text;
  }
  entry.ms = Math.round(performance.now() - t0);
  renderEntry(entry);
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, text, json, entry, res, contentType: entry.contentType };
}

// An authenticated request: refreshes the access token when it is about to
// expire, and once more (then retries) on a 401 token_not_valid.
export async function authed(method, path, options = {}) {
  if (state.refresh && state.access && expiresAt(state.access) - Date.now() < 20000) await refreshAccess();
  let r = await send(method, path, { ...options, auth: true });
  if (r.status === 401 && r.json && r.json.code === 'token_not_valid' && state.refresh) {
    if (await refreshAccess()) r = await send(method, path, { ...options, auth: true });
  }
  return r;
}

export function refreshAccess() {
  if (state.refreshing) return state.refreshing;
  state.refreshing = (async () => {
    const r = await send('POST', '/api/token/refresh/', { body: { refresh: state.refresh } });
    if (r.status === 200 && r.json && r.json.access) {
      setTokens(r.json.access, r.json.refresh || state.refresh);
      return true;
    }
    if (r.status === 401) {
      clearSession();
      showSessionMsg(`Your session ended (${(r.json && r.json.detail) || r.status}). Log in again.`, true);
    }
    return false;
  })().finally(() => { state.refreshing = null; });
  return state.refreshing;
}

