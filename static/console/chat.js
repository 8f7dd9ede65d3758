// Chat: the conversation, sent whole each turn to POST /api/chat/completions/;
// a streamed answer (SSE) is shown as it arrives and can be stopped.
import { state, opts } from './state.js';
import { $, $$, el, fmtInt } from './dom.js';
import { maskText } from './shell.js';
import { authed } from './api.js';
import { errorSummary } from './results.js';

// Fills the model list with the chat provider's models, once per provider.
export async function loadChatModels(keepModel) {
  const provider = $('#chat-provider').value.trim();
  if (!state.access || state.chatModelsFor === provider) return;
  state.chatModelsFor = provider;
  const typed = $('#chat-model').value;
  const r = await authed('GET', `/api/supported-models/${provider ? `?provider=${encodeURIComponent(provider)}` : ''}`);
  if (state.chatModelsFor !== provider) return;
  const dl = $('#chat-model-list');
  dl.textContent = '';
  const models = r.status === 200 && r.json && Array.isArray(r.json.models) ? r.json.models : [];
  models.forEach((m) => dl.append(el('option', { value: m })));
  const model = $('#chat-model');
  // Picks the provider's first model, unless the user typed meanwhile.
  if (models.length && !keepModel && model.value === typed && !models.includes(model.value)) model.value = models[0];
}

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

function autoGrow() {
  const t = $('#chat-input');
  t.style.height = 'auto';
  t.style.height = `${Math.min(t.scrollHeight + 2, 220)}px`;
}

export function wireChat() {
  $('#chat-provider').addEventListener('change', () => loadChatModels(false));
  $('#chat-form').addEventListener('submit', (ev) => { ev.preventDefault(); sendChat(); });
  $('#chat-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendChat(); }
  });
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
}
