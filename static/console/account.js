// Account: sign up, log in, the user (GET /api/me/), refresh and log out.
import { state } from './state.js';
import { $, $$, el, toast, copyText, busy } from './dom.js';
import { remember } from './inspector.js';
import { setTokens, clearSession, setUser, showSessionMsg } from './session.js';
import { send, authed, refreshAccess } from './api.js';
import { errorSummary, showResult, showFieldErrors } from './results.js';
import { selectTab } from './tabs.js';
import { loadProviders } from './models.js';

export async function loadMe() {
  const r = await authed('GET', '/api/me/');
  if (r.status === 200 && r.json) setUser(r.json);
  return r;
}

async function signup(ev) {
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
}

async function login(ev) {
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
}

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

export function wireAccount() {
  $('#signup-form').addEventListener('submit', signup);
  $('#login-form').addEventListener('submit', login);
  $('#refresh-btn').addEventListener('click', async () => {
    const ok = await refreshAccess();
    if (ok) toast('Access token refreshed');
  });
  $('#logout-btn').addEventListener('click', logout);
  $('#logout-top').addEventListener('click', logout);
  $('#go-chat').addEventListener('click', () => { selectTab('chat'); $('#chat-input').focus(); });
  $('#copy-exports').addEventListener('click', () => copyText(`export ACCESS_TOKEN='${state.access}' REFRESH_TOKEN='${state.refresh}'`));
  // The "Log in" links of the panels that need a session.
  $$('[data-goto]').forEach((b) => b.addEventListener('click', () => { selectTab(b.dataset.goto); $('#login-username').focus(); }));
}
