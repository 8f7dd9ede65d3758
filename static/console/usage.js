// My usage: GET /api/usage/ over a window, totals and a row per model.
import { $, $$, el, fmtInt, busy } from './dom.js';
import { authed } from './api.js';
import { showResult, showFieldErrors } from './results.js';

const isoDay = (d) => d.toISOString().slice(0, 10);

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

export function wireUsage() {
  $$('[data-days]').forEach((b) => b.addEventListener('click', () => {
    const days = Number(b.dataset.days);
    const since = new Date(); since.setUTCDate(since.getUTCDate() - (days - 1));
    $('#usage-since').value = isoDay(since);
    $('#usage-until').value = '';
    loadUsage();
  }));
  $('#usage-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadUsage(); });
}
