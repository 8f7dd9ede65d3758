// Models: the configured providers (from GET /v1/models, offered in every
// provider field) and one provider's models, each a way into the chat.
import { state } from './state.js';
import { $, el, busy } from './dom.js';
import { authed } from './api.js';
import { showResult } from './results.js';
import { selectTab } from './tabs.js';
import { loadChatModels } from './chat.js';

export async function loadProviders() {
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
            state.chatModelsFor = null;
            selectTab('chat'); loadChatModels(true); $('#chat-input').focus();
          },
        })));
    }
  } else {
    showResult($('#models-result'), r, '');
  }
}

export function wireModels() {
  $('#models-form').addEventListener('submit', (ev) => { ev.preventDefault(); listModels(); });
}
