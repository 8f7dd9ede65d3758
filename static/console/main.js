// LLM API console: plain JavaScript modules, no build step, no external assets.
// Talks to the API on this page's own origin; every request is logged in the
// inspector as the equivalent curl command with its raw response.
// This module only wires the others together and starts the page.
import { BASE, state } from './state.js';
import { $ } from './dom.js';
import { remember, wireInspector } from './inspector.js';
import { renderSession, tickExpiry } from './session.js';
import { TABS, selectTab, wireTabs } from './tabs.js';
import { loadMe, wireAccount } from './account.js';
import { loadProviders, wireModels } from './models.js';
import { loadChatModels, wireChat } from './chat.js';
import { wireUsage } from './usage.js';
import { wireKeys } from './keys.js';

// Tokens kept from before a reload are masked like new ones.
remember(state.access, 'ACCESS_TOKEN');
remember(state.refresh, 'REFRESH_TOKEN');

wireInspector();
setInterval(tickExpiry, 1000);
wireAccount();
wireTabs();
wireModels();
wireChat();
wireUsage();
wireKeys();
// Opening the chat fills its provider and model lists if they are empty.
$('#panel-chat').addEventListener('shown', () => {
  if (!state.access) return;
  if (!state.providers.length) loadProviders();
  if (!$('#chat-model').value && !state.chatModelsFor) loadChatModels();
});

$('#api-base').textContent = BASE;
renderSession();
const initial = TABS.includes(window.location.hash.slice(1)) ? window.location.hash.slice(1) : 'account';
selectTab(initial);
if (state.access) {
  (async () => { await loadMe(); await loadProviders(); })();
}
// For the end-to-end test: the page's script has run.
document.documentElement.dataset.ready = 'true';
