// LLM API console: plain JavaScript, no build step, no external assets.
// Talks to the API on this page's own origin; every request is logged in the
// inspector as the equivalent curl command with its raw response.
'use strict';

(() => {
  const BASE = window.location.origin;
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const store = window.sessionStorage;
  const KEYS = { access: 'llmapi.access', refresh: 'llmapi.refresh', user: 'llmapi.user' };

  // ---------------------------------------------------------------- state
  const state = {
    access: store.getItem(KEYS.access) || '',
    refresh: store.getItem(KEYS.refresh) || '',
    user: JSON.parse(store.getItem(KEYS.user) || 'null'),
    providers: [],
    history: [],          // chat messages sent so far (successful turns only)
    controller: null,     // AbortController of the running chat request
    refreshing: null,     // the in-flight refresh promise, shared
  };
  const entries = [];                           // the inspector's, newest first
  const opts = { reveal: false, pretty: false };
  // Secret values -> the shell variable shown instead (curl and bodies).
  const secrets = new Map();
  const remember = (value, name) => {
    if (!value || secrets.get(value) === name) return;
    secrets.set(value, name);
    entries.forEach(renderEntry);   // mask it where it is already shown
  };
  remember(state.access, 'ACCESS_TOKEN');
  remember(state.refresh, 'REFRESH_TOKEN');

  // ---------------------------------------------------------------- utils
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c != null) node.append(c);
    return node;
  }
  const fmtInt = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? '–'));

  function decodeJwt(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
    } catch { return null; }
  }
  const expiresAt = (token) => { const p = token && decodeJwt(token); return p && p.exp ? p.exp * 1000 : 0; };

  let toastTimer = 0;
  function toast(text) {
    const t = $('#toast');
    t.textContent = text; t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 1800);
  }

  async function copyText(text) {
    try { await navigator.clipboard.writeText(text); }
    catch {
      const ta = el('textarea', { style: 'position:fixed;opacity:0' }); ta.value = text;
      document.body.append(ta); ta.select(); document.execCommand('copy'); ta.remove();
    }
    toast('Copied to the clipboard');
  }

  // ---------------------------------------------------------------- shell quoting
  // Bare when safe, else "double quotes" when nothing in it expands, else 'single'.
  const shq = (s) => (/^[A-Za-z0-9_.\/:@%+=,-]+$/.test(s) ? s
    : !/["$`\\!]/.test(s) ? `"${s}"` : `'${s.replace(/'/g, `'\\''`)}'`);
  // Quotes s for a shell, with every secret value in it replaced by "$NAME"
  // (unless revealed): -H "Authorization: Bearer $ACCESS_TOKEN",
  // -d '{"refresh":"'"$REFRESH_TOKEN"'"}'.
  function shqMasked(s, reveal) {
    if (reveal) return shq(s);
    const parts = [];       // alternating literal / {name}
    let rest = s;
    outer: while (rest) {
      let best = null;
      for (const [value, name] of secrets) {
        const i = rest.indexOf(value);
        if (i >= 0 && (!best || i < best.i)) best = { i, value, name };
      }
      if (!best) { parts.push(rest); break outer; }
      if (best.i > 0) parts.push(rest.slice(0, best.i));
      parts.push({ name: best.name });
      rest = rest.slice(best.i + best.value.length);
    }
    if (!parts.some((p) => typeof p === 'object')) return shq(s);
    if (parts.every((p) => typeof p === 'object' || !/["$`\\!]/.test(p))) {
      return '"' + parts.map((p) => (typeof p === 'object' ? `$${p.name}` : p)).join('') + '"';
    }
    return parts.map((p) => (typeof p === 'object' ? `"$${p.name}"` : `'${p.replace(/'/g, `'\\''`)}'`)).join('');
  }
  function maskText(s, reveal) {
    if (reveal || !s) return s;
    for (const [value, name] of secrets) s = s.split(value).join(`$${name}`);
    return s;
  }

  function curlFor(req, reveal) {
    const lines = [`curl${req.stream ? ' -N' : ''}${req.method !== 'GET' ? ` -X ${req.method}` : ''} ${shq(req.url)}`];
    for (const [k, v] of Object.entries(req.headers)) lines.push(`-H ${shqMasked(`${k}: ${v}`, reveal)}`);
    if (req.body != null) lines.push(`-d ${shqMasked(req.body, reveal)}`);
    return lines.join(' \\\n  ');
  }

  // ---------------------------------------------------------------- inspector
  const log = $('#log');

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
    const re = /\$(ACCESS_TOKEN|REFRESH_TOKEN|PASSWORD)/g;
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

  function renderEntry(e) {
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

  let renderQueued = new Set();
  function scheduleRender(e) {
    if (renderQueued.has(e)) return;
    renderQueued.add(e);
    requestAnimationFrame(() => { renderQueued.delete(e); renderEntry(e); });
  }

  function addEntry(req) {
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
    log.prepend(e.li);
    $('.inspector').scrollTop = 0;
    while (entries.length > 40) entries.pop().li.remove();
    $('#log-empty').hidden = true;
    renderEntry(e);
    return e;
  }

  $('#reveal').addEventListener('change', (ev) => { opts.reveal = ev.target.checked; entries.forEach(renderEntry); });
  $('#pretty').addEventListener('change', (ev) => { opts.pretty = ev.target.checked; entries.forEach(renderEntry); });
  $('#log-clear').addEventListener('click', () => {
    entries.splice(0).forEach((e) => e.li.remove());
    $('#log-empty').hidden = false;
  });

  // ---------------------------------------------------------------- HTTP
  // One request, logged. Returns {status, text, json, contentType, entry, res}.
  async function send(method, path, { body, auth = false, stream = false, signal, onChunk } = {}) {
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
  async function authed(method, path, options = {}) {
    if (state.refresh && state.access && expiresAt(state.access) - Date.now() < 20000) await refreshAccess();
    let r = await send(method, path, { ...options, auth: true });
    if (r.status === 401 && r.json && r.json.code === 'token_not_valid' && state.refresh) {
      if (await refreshAccess()) r = await send(method, path, { ...options, auth: true });
    }
    return r;
  }

  function refreshAccess() {
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

  // ---------------------------------------------------------------- rendering API answers
  // The API's answer as-is: its status, a one-line summary, and the raw body.
  function errorSummary(json) {
    if (!json || typeof json !== 'object') return '';
    if (json.error && typeof json.error === 'object') {
      const e = json.error;
      return [e.message, e.type && `type ${e.type}`, e.param && `param ${e.param}`, e.code && `code ${e.code}`].filter(Boolean).join(' · ');
    }
    if (typeof json.detail === 'string') return json.detail;
    return Object.entries(json).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : JSON.stringify(v)}`).join('\n');
  }

  function showResult(box, r, okText) {
    box.textContent = '';
    const ok = r.status >= 200 && r.status < 300;
    box.className = `result ${ok ? 'ok' : 'err'}`;
    const line = el('div', { class: 'status-line' },
      el('span', { class: `status s${String(r.status)[0]}`, text: r.status ? String(r.status) : 'failed' }),
      el('span', { text: ok ? okText : (errorSummary(r.json) || (r.status ? `HTTP ${r.status}` : r.text)) }));
    box.append(line);
    if (!ok || !okText) box.append(el('pre', { class: 'raw api-error', text: maskText(r.text, opts.reveal) }));
  }

  // DRF field errors next to their fields.
  function showFieldErrors(prefix, fields, json) {
    for (const f of fields) {
      const input = $(`#${prefix}-${f}`), out = $(`#${prefix}-${f}-err`);
      const msgs = json && Array.isArray(json[f]) ? json[f] : null;
      out.textContent = msgs ? msgs.join(' ') : '';
      if (msgs) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
  }

  function busy(btn, on) { btn.disabled = on; btn.classList.toggle('busy', on); }

  // ---------------------------------------------------------------- session
  function setTokens(access, refresh) {
    state.access = access; state.refresh = refresh;
    remember(access, 'ACCESS_TOKEN'); remember(refresh, 'REFRESH_TOKEN');
    store.setItem(KEYS.access, access); store.setItem(KEYS.refresh, refresh);
    renderSession();
  }
  function clearSession() {
    state.access = ''; state.refresh = ''; state.user = null;
    Object.values(KEYS).forEach((k) => store.removeItem(k));
    renderSession();
  }
  function showSessionMsg(text, isErr) {
    const m = $('#session-msg');
    m.textContent = text; m.className = `notice ${isErr ? 'err' : 'info'}`; m.hidden = !text;
  }

  function renderSession() {
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

  function tickExpiry() {
    const out = $('#who-expiry');
    if (!state.access) { out.textContent = ''; return; }
    const left = Math.round((expiresAt(state.access) - Date.now()) / 1000);
    out.textContent = left > 0 ? `expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : 'expired (refreshed on next request)';
  }
  setInterval(tickExpiry, 1000);

  async function loadMe() {
    const r = await authed('GET', '/api/me/');
    if (r.status === 200 && r.json) {
      state.user = r.json;
      store.setItem(KEYS.user, JSON.stringify(r.json));
      renderSession();
    }
    return r;
  }

  async function loadProviders() {
    const r = await authed('GET', '/v1/models');
    if (r.status !== 200 || !r.json || !Array.isArray(r.json.data)) return;
    const names = [];
    for (const m of r.json.data) {
      const i = typeof m.id === 'string' ? m.id.indexOf('/') : -1;
      const p = i > 0 ? m.id.slice(0, i) : m.owned_by;
      if (p && !names.includes(p)) names.push(p);
    }
    state.providers = names;
    renderProviders();
  }

  function renderProviders() {
    const dl = $('#provider-list');
    dl.textContent = '';
    state.providers.forEach((p) => dl.append(el('option', { value: p })));
    const chips = $('#provider-chips');
    chips.textContent = '';
    const current = $('#models-provider').value.trim();
    state.providers.forEach((p) => chips.append(el('button', {
      type: 'button', class: 'chip', text: p, 'aria-pressed': String(p === current),
      onclick: () => { $('#models-provider').value = p; listModels(); },
    })));
  }

  // Sign up
  $('#signup-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = $('#signup-submit');
    const username = $('#signup-username').value, password = $('#signup-password').value, email = $('#signup-email').value.trim();
    const body = { username, password };
    if (email) body.email = email;
    remember(password, 'PASSWORD');
    busy(btn, true);
    const r = await send('POST', '/api/signup/', { body });
    busy(btn, false);
    showFieldErrors('signup', ['username', 'email', 'password'], r.status === 400 ? r.json : null);
    showResult($('#signup-result'), r, r.json && r.json.message ? r.json.message : 'Created');
    if (r.status === 201) {
      $('#login-username').value = username;
      $('#login-password').value = password;
      $('#signup-result').append(el('p', { class: 'small', text: 'Your details are filled in under Log in.' }));
      $('#login-submit').focus();
    }
  });

  // Log in
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = $('#login-submit');
    const username = $('#login-username').value, password = $('#login-password').value;
    remember(password, 'PASSWORD');
    busy(btn, true);
    const r = await send('POST', '/api/token/', { body: { username, password } });
    showFieldErrors('login', ['username', 'password'], r.status === 400 ? r.json : null);
    if (r.status === 200 && r.json && r.json.access) {
      state.user = null;
      setTokens(r.json.access, r.json.refresh);
      showSessionMsg('', false);
      await loadMe();
      showResult($('#login-result'), r, `Logged in as ${state.user ? state.user.username : username}`);
      $('#login-password').value = '';
      await loadProviders();
      busy(btn, false);
      $('#go-chat').focus();
    } else {
      busy(btn, false);
      showResult($('#login-result'), r, '');
    }
  });

  $('#refresh-btn').addEventListener('click', async () => {
    const ok = await refreshAccess();
    if (ok) toast('Access token refreshed');
  });

  async function logout() {
    if (!state.refresh) { clearSession(); return; }
    const r = await send('POST', '/api/token/blacklist/', { body: { refresh: state.refresh } });
    if (r.status === 200) {
      clearSession();
      showSessionMsg('Logged out: the refresh token is blacklisted.', false);
    } else {
      clearSession();
      showSessionMsg(`Logged out locally; the API answered ${r.status}: ${errorSummary(r.json) || r.text}`, true);
    }
    $('#login-result').textContent = '';
    selectTab('account');
    $('#login-username').focus();
  }
  $('#logout-btn').addEventListener('click', logout);
  $('#logout-top').addEventListener('click', logout);
  $('#go-chat').addEventListener('click', () => { selectTab('chat'); $('#chat-input').focus(); });
  $('#copy-exports').addEventListener('click', () => copyText(`export ACCESS_TOKEN='${state.access}' REFRESH_TOKEN='${state.refresh}'`));

  // ---------------------------------------------------------------- tabs
  const TABS = ['account', 'models', 'chat', 'usage'];
  function selectTab(name, focus) {
    for (const t of TABS) {
      const tab = $(`#tab-${t}`), on = t === name;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      $(`#panel-${t}`).hidden = !on;
    }
    if (focus) $(`#tab-${name}`).focus();
    if (window.location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
    if (name === 'chat' && state.access) {
      if (!state.providers.length) loadProviders();
      if (!$('#chat-model').value && !chatModelsFor) loadChatModels();
    }
  }
  $('#tablist').addEventListener('click', (ev) => {
    const tab = ev.target.closest('[role="tab"]');
    if (tab) selectTab(tab.id.slice(4));
  });
  $('#tablist').addEventListener('keydown', (ev) => {
    const i = TABS.indexOf(document.activeElement.id.slice(4));
    if (i < 0) return;
    let j = null;
    if (ev.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (ev.key === 'ArrowLeft') j = (i + TABS.length - 1) % TABS.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = TABS.length - 1;
    if (j !== null) { ev.preventDefault(); selectTab(TABS[j], true); }
  });
  $$('[data-goto]').forEach((b) => b.addEventListener('click', () => { selectTab(b.dataset.goto); $('#login-username').focus(); }));

  // ---------------------------------------------------------------- models
  async function listModels() {
    const provider = $('#models-provider').value.trim();
    renderProviders();
    const btn = $('#models-submit');
    busy(btn, true);
    const r = await authed('GET', `/api/supported-models/${provider ? `?provider=${encodeURIComponent(provider)}` : ''}`);
    busy(btn, false);
    const list = $('#model-list');
    list.textContent = '';
    if (r.status === 200 && r.json && Array.isArray(r.json.models)) {
      showResult($('#models-result'), r, `${r.json.models.length} model${r.json.models.length === 1 ? '' : 's'} from ${provider || 'the default provider'}`);
      for (const m of r.json.models) {
        list.append(el('li', {},
          el('span', { class: 'model-id', text: m }),
          el('button', {
            type: 'button', class: 'btn btn-secondary btn-sm', text: 'Chat', 'aria-label': `Chat with ${m}`,
            onclick: () => {
              $('#chat-provider').value = provider || $('#chat-provider').value;
              $('#chat-model').value = m;
              chatModelsFor = null;
              selectTab('chat'); loadChatModels(true); $('#chat-input').focus();
            },
          })));
      }
    } else {
      showResult($('#models-result'), r, '');
    }
  }
  $('#models-form').addEventListener('submit', (ev) => { ev.preventDefault(); listModels(); });

  // ---------------------------------------------------------------- chat
  let chatModelsFor = null;
  async function loadChatModels(keepModel) {
    const provider = $('#chat-provider').value.trim();
    if (!state.access || chatModelsFor === provider) return;
    chatModelsFor = provider;
    const typed = $('#chat-model').value;
    const r = await authed('GET', `/api/supported-models/${provider ? `?provider=${encodeURIComponent(provider)}` : ''}`);
    if (chatModelsFor !== provider) return;
    const dl = $('#chat-model-list');
    dl.textContent = '';
    const models = r.status === 200 && r.json && Array.isArray(r.json.models) ? r.json.models : [];
    models.forEach((m) => dl.append(el('option', { value: m })));
    const model = $('#chat-model');
    // Picks the provider's first model, unless the user typed meanwhile.
    if (models.length && !keepModel && model.value === typed && !models.includes(model.value)) model.value = models[0];
  }
  $('#chat-provider').addEventListener('change', () => loadChatModels(false));

  const messagesBox = $('#messages');
  function nearBottom() { return messagesBox.scrollHeight - messagesBox.scrollTop - messagesBox.clientHeight < 80; }
  function scrollDown(force) { if (force || nearBottom()) messagesBox.scrollTop = messagesBox.scrollHeight; }

  function addMessage(role, text, extraClass) {
    $('#messages-empty').hidden = true;
    const body = el('div', { class: 'msg-body', text });
    const meta = el('div', { class: 'msg-meta' });
    const node = el('div', { class: `msg ${role}${extraClass ? ` ${extraClass}` : ''}` }, el('div', { class: 'msg-role', text: role }), body, meta);
    messagesBox.append(node);
    scrollDown(true);
    return { node, body, meta };
  }

  function addError(r) {
    const where = r.status ? `error · HTTP ${r.status}` : 'error';
    const summary = errorSummary(r.json) || (r.status ? '' : r.text);
    const body = el('div', { class: 'msg-body' },
      summary ? el('div', { class: 'err-summary', text: summary }) : null,
      el('pre', { class: 'api-error', text: maskText(r.text, opts.reveal) }));
    const node = el('div', { class: 'msg error', role: 'alert' }, el('div', { class: 'msg-role', text: where }), body);
    messagesBox.append(node);
    scrollDown(true);
    return node;
  }

  function usageTags(meta, info) {
    meta.textContent = '';
    const tag = (text, cls) => meta.append(el('span', { class: `tag${cls ? ` ${cls}` : ''}`, text }));
    if (info.model) tag(info.model);
    if (info.usage) {
      const u = info.usage;
      tag(`usage: ${fmtInt(u.prompt_tokens)} prompt + ${fmtInt(u.completion_tokens)} completion = ${fmtInt(u.total_tokens)} tokens`);
      const reasoning = u.completion_tokens_details && u.completion_tokens_details.reasoning_tokens;
      if (reasoning) tag(`${fmtInt(reasoning)} reasoning`);
    } else if (info.done) tag('no usage reported', 'warn');
    if (info.finish) tag(`finish: ${info.finish}`, info.finish === 'stop' ? '' : 'warn');
    if (info.ms != null) tag(`${info.ms < 1000 ? `${info.ms} ms` : `${(info.ms / 1000).toFixed(1)} s`}${info.stream ? ' · streamed' : ''}`);
    if (info.stopped) tag('stopped', 'warn');
  }

  function setSending(on) {
    $('#chat-send').hidden = on;
    $('#chat-stop').hidden = !on;
    $('#chat-input').setAttribute('aria-busy', String(on));
  }

  async function sendChat() {
    if (state.controller) return;
    const input = $('#chat-input');
    const text = input.value;
    if (!text.trim()) { input.focus(); return; }
    const provider = $('#chat-provider').value.trim();
    const model = $('#chat-model').value.trim();
    const stream = $('#chat-stream').checked;
    const system = $('#chat-system').value.trim();
    const temperature = $('#chat-temperature').value.trim();

    const messages = [];
    if (system) messages.push({ role: 'system', content: system });
    messages.push(...state.history, { role: 'user', content: text });
    const body = { model, messages, stream };
    if (stream) body.stream_options = { include_usage: true };
    if (temperature) body.temperature = Number.isNaN(Number(temperature)) ? temperature : Number(temperature);

    input.value = '';
    autoGrow();
    const userMsg = addMessage('user', text);
    const controller = new AbortController();
    state.controller = controller;
    setSending(true);
    $('#chat-stop').focus();
    const path = `/api/chat/completions/${provider ? `?provider=${encodeURIComponent(provider)}` : ''}`;
    const t0 = performance.now();

    let answer = null, content = '', buf = '', usage = null, finish = null, streamError = null, respModel = '';
    const ensureAnswer = () => { if (!answer) answer = addMessage('assistant', '', stream ? 'streaming' : ''); return answer; };
    const onChunk = (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        let obj;
        try { obj = JSON.parse(data); } catch { continue; }
        if (obj.error) { streamError = obj; continue; }
        if (obj.model) respModel = obj.model;
        if (obj.usage) usage = obj.usage;
        for (const ch of obj.choices || []) {
          if (ch.index && ch.index !== 0) continue;
          const piece = ch.delta && typeof ch.delta.content === 'string' ? ch.delta.content : '';
          if (piece) { content += piece; ensureAnswer().body.textContent = content; scrollDown(false); }
          if (ch.finish_reason) finish = ch.finish_reason;
        }
      }
    };

    const r = await authed('POST', path, { body, stream, signal: controller.signal, onChunk: stream ? onChunk : undefined });
    const ms = Math.round(performance.now() - t0);
    state.controller = null;
    setSending(false);
    const stopped = r.error && r.error.name === 'AbortError';

    if (r.status === 200 && stream && /event-stream/.test(r.contentType || r.entry.contentType)) {
      const a = ensureAnswer();
      a.node.classList.remove('streaming');
      if (!content) a.body.textContent = stopped ? '' : '(empty reply)';
      usageTags(a.meta, { model: respModel, usage, finish, ms, stream: true, done: !stopped && !streamError, stopped });
      if (streamError) addError({ status: 200, json: streamError, text: JSON.stringify(streamError) });
      if (content) state.history.push({ role: 'user', content: text }, { role: 'assistant', content });
      else userMsg.node.classList.add('failed');
    } else if (r.status === 200 && r.json && Array.isArray(r.json.choices)) {
      const c = r.json.choices[0] || {};
      const reply = c.message && typeof c.message.content === 'string' ? c.message.content : '';
      const a = ensureAnswer();
      a.body.textContent = reply || '(empty reply)';
      usageTags(a.meta, { model: r.json.model, usage: r.json.usage, finish: c.finish_reason, ms, stream: false, done: true });
      state.history.push({ role: 'user', content: text }, { role: 'assistant', content: reply });
    } else if (stopped) {
      userMsg.node.classList.add('failed');
      const a = ensureAnswer();
      a.node.classList.remove('streaming');
      usageTags(a.meta, { ms, stopped: true });
    } else {
      userMsg.node.classList.add('failed');
      if (answer) answer.node.remove();
      addError(r);
    }
    input.focus();
  }

  $('#chat-form').addEventListener('submit', (ev) => { ev.preventDefault(); sendChat(); });
  $('#chat-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendChat(); }
  });
  function autoGrow() {
    const t = $('#chat-input');
    t.style.height = 'auto';
    t.style.height = `${Math.min(t.scrollHeight + 2, 220)}px`;
  }
  $('#chat-input').addEventListener('input', autoGrow);
  $('#chat-stop').addEventListener('click', () => { if (state.controller) state.controller.abort(); });
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && state.controller) state.controller.abort(); });
  $('#chat-clear').addEventListener('click', () => {
    if (state.controller) state.controller.abort();
    state.history = [];
    $$('.msg', messagesBox).forEach((m) => m.remove());
    $('#messages-empty').hidden = false;
    $('#chat-input').focus();
  });

  // ---------------------------------------------------------------- usage
  const isoDay = (d) => d.toISOString().slice(0, 10);
  $$('[data-days]').forEach((b) => b.addEventListener('click', () => {
    const days = Number(b.dataset.days);
    const since = new Date(); since.setUTCDate(since.getUTCDate() - (days - 1));
    $('#usage-since').value = isoDay(since);
    $('#usage-until').value = '';
    loadUsage();
  }));

  async function loadUsage() {
    const q = new URLSearchParams();
    const since = $('#usage-since').value.trim(), until = $('#usage-until').value.trim();
    if (since) q.set('since', since);
    if (until) q.set('until', until);
    const btn = $('#usage-submit');
    busy(btn, true);
    const r = await authed('GET', `/api/usage/${q.toString() ? `?${q}` : ''}`);
    busy(btn, false);
    showFieldErrors('usage', ['since', 'until'], r.status === 400 ? r.json : null);
    const view = $('#usage-view');
    if (r.status === 200 && r.json && r.json.totals) {
      const u = r.json;
      $('#usage-result').textContent = '';
      $('#usage-result').className = 'result';
      view.hidden = false;
      $('#usage-window').textContent = `From ${u.since} (inclusive) until ${u.until} (exclusive).`;
      $('#u-requests').textContent = fmtInt(u.totals.requests);
      $('#u-prompt').textContent = fmtInt(u.totals.prompt_tokens);
      $('#u-completion').textContent = fmtInt(u.totals.completion_tokens);
      $('#u-total').textContent = fmtInt(u.totals.total_tokens);
      const tbody = $('#usage-table tbody');
      tbody.textContent = '';
      for (const row of u.by_model || []) {
        tbody.append(el('tr', {},
          el('td', { text: row.provider }), el('td', {}, el('code', { text: row.model })),
          el('td', { class: 'num', text: fmtInt(row.requests) }), el('td', { class: 'num', text: fmtInt(row.prompt_tokens) }),
          el('td', { class: 'num', text: fmtInt(row.completion_tokens) }), el('td', { class: 'num', text: fmtInt(row.total_tokens) })));
      }
      if (!(u.by_model || []).length) tbody.append(el('tr', {}, el('td', { colspan: '6', class: 'empty-row', text: 'No requests in this window.' })));
    } else {
      view.hidden = true;
      showResult($('#usage-result'), r, '');
    }
  }
  $('#usage-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadUsage(); });

  // ---------------------------------------------------------------- start
  $('#api-base').textContent = BASE;
  renderSession();
  const initial = TABS.includes(window.location.hash.slice(1)) ? window.location.hash.slice(1) : 'account';
  selectTab(initial);
  if (state.access) {
    (async () => { await loadMe(); await loadProviders(); })();
  }
  // For the end-to-end test: the page's script has run.
  document.documentElement.dataset.ready = 'true';
})();
