// Everything the console keeps between events, in one place: the modules hold
// no mutable state of their own, so what can change is all listed here.

// The API is this page's own origin.
export const BASE = window.location.origin;

// Tokens live in this tab only: gone when it closes.
export const store = window.sessionStorage;
export const KEYS = { access: 'llmapi.access', refresh: 'llmapi.refresh', user: 'llmapi.user' };

export const state = {
  access: store.getItem(KEYS.access) || '',
  refresh: store.getItem(KEYS.refresh) || '',
  user: JSON.parse(store.getItem(KEYS.user) || 'null'),
  providers: [],
  chatModelsFor: null,  // the provider whose models fill the chat's list (null: load again)
  history: [],          // chat messages sent so far (successful turns only)
  controller: null,     // AbortController of the running chat request
  refreshing: null,     // the in-flight refresh promise, shared
};

// The inspector's.
export const entries = [];                      // newest first
export const opts = { reveal: false, pretty: false };
// Secret values -> the shell variable shown instead (curl and bodies).
export const secrets = new Map();
export const renderQueued = new Set();          // entries waiting for the next frame

export const timers = { toast: 0 };
