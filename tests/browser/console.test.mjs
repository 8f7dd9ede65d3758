// End-to-end test of the browsable console (static/console/) in headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against a
// real stack started by tests/integration/stack.sh: nginx, the worker pool,
// MariaDB and the fake provider. Run by tests/browser/run.sh; needs
// LLMAPI_TEST_URL (and LLMAPI_TEST_FAKE_URL to slow the fake's stream down).
// Prints one line per check and a last line "N passed, M failed".
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { base, root, shots, test, check, unreachable, finish } from './harness.mjs';

const fakeUrl = (process.env.LLMAPI_TEST_FAKE_URL || '').replace(/\/$/, '');
try {
  await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) });
} catch (e) {
  unreachable(`reach ${base}`, e);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const username = `console_${process.pid}_${Date.now().toString(36)}`;
const password = 'console-pass-123';

// ------------------------------------------------------------------ API clients keep the JSON welcome
await test('curl -H "Accept: application/json" / still gets the JSON welcome', async () => {
  for (const args of [['-H', 'Accept: application/json'], [], ['-H', 'Accept: */*']]) {
    const out = execFileSync('curl', ['-sS', '-w', '\n%{http_code} %{content_type}', ...args, `${base}/`], { encoding: 'utf8' });
    const [body, meta] = out.split('\n');
    check(body === '{"message":"Welcome to the LLM API!"}', `welcome body with ${args.join(' ') || 'no Accept'}: ${body}`);
    check(/^200 application\/json/.test(meta), `200 JSON: ${meta}`);
  }
  const r = await fetch(`${base}/api/`, { headers: { Accept: 'text/html' } });
  check((await r.text()) === '{"message":"Welcome to the LLM API!"}', '/api/ stays JSON even for browsers');
  const post = await fetch(`${base}/`, { method: 'POST', headers: { Accept: 'text/html' } });
  check(!/text\/html/.test(post.headers.get('content-type') || '') || post.status !== 200, 'POST / is not the console');
});

// ------------------------------------------------------------------ the browser
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
// A new context is a fresh, empty profile (playwright makes a temporary one).
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
const page = await context.newPage();
page.setDefaultTimeout(10000);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
const external = [];
page.on('request', (req) => { if (!req.url().startsWith(base) && !req.url().startsWith('data:')) external.push(req.url()); });

const shot = async (name, opts = {}) => page.screenshot({ path: path.join(shots, `${name}.png`), ...opts });
const text = (sel) => page.locator(sel).first().innerText();
// The newest inspector entry for exactly this path (with its query).
const latestEntry = (p) => page.locator('#log .entry').filter({ has: page.locator(`.path[title="${p}"]`) }).first();
// textContent: older entries are collapsed <details>, whose innerText is empty.
const entryText = (p, part) => latestEntry(p).locator(part).first().textContent();
// The inspector's entries, oldest first: "GET /api/me/ 200".
const logLines = () => page.locator('#log .entry').evaluateAll((lis) => lis.map((li) =>
  `${li.querySelector('.method').textContent} ${li.querySelector('.path').textContent} ${li.querySelector('.status').textContent}`).reverse());
const fakeJwt = (exp) => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ token_type: 'access', exp, iat: exp - 300, jti: 'x', user_id: 1 })}.c2lnbmF0dXJl`;
};
// Waits until no request in the inspector is pending.
const settled = () => page.waitForFunction(() => !document.querySelector('#log .status.pending'));

await test('a browser opening / gets the console page, not JSON', async () => {
  const resp = await page.goto(`${base}/`);
  check(resp.status() === 200, `status ${resp.status()}`);
  check(/text\/html/.test(resp.headers()['content-type'] || ''), `content-type ${resp.headers()['content-type']}`);
  check((await page.title()) === 'LLM API console', `title ${await page.title()}`);
  await page.waitForSelector('html[data-ready="true"]');
  const body = await page.locator('body').innerText();
  check(!body.trim().startsWith('{'), 'not a JSON body');
  check(await page.getByRole('heading', { name: 'Sign up' }).isVisible(), 'Sign up panel visible');
  check(await page.getByRole('heading', { name: 'Log in' }).isVisible(), 'Log in panel visible');
  check(/Not logged in/.test(await text('#session-text')), 'not logged in yet');
  check(/fake/.test(await text('footer')), 'the footer mentions the fake provider');
  const direct = await fetch(`${base}/console/`);
  check(direct.status === 200 && /<title>LLM API console<\/title>/.test(await direct.text()), '/console/ serves the page too');
  await shot('desktop-start');
});

await test('keyboard: labelled fields, tab order, visible focus', async () => {
  for (const id of ['signup-username', 'signup-email', 'signup-password', 'login-username', 'login-password']) {
    check(await page.locator(`label[for="${id}"]`).count() === 1, `label for #${id}`);
  }
  await page.focus('#signup-username');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id) === 'signup-email', 'Tab goes to email');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id) === 'signup-password', 'then password');
  const ring = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return `${s.boxShadow} ${s.outlineStyle}`; });
  check(!/^none none$/.test(ring), `focused field shows a ring: ${ring}`);
  // Tabs: arrow keys move between them.
  await page.focus('#tab-account');
  await page.keyboard.press('ArrowRight');
  check(await page.evaluate(() => document.activeElement.id) === 'tab-models', 'ArrowRight moves to Models');
  check(await page.isVisible('#panel-models'), 'Models panel shown');
  await page.keyboard.press('ArrowLeft');
  check(await page.isVisible('#panel-account'), 'back to Account');
});

await test('sign up a new user', async () => {
  await page.fill('#signup-username', username);
  await page.fill('#signup-password', password);
  await page.click('#signup-submit');
  await page.waitForSelector('#signup-result.ok');
  const t = await text('#signup-result');
  check(/201/.test(t) && /User created successfully/.test(t), `result: ${t}`);
  check(await page.inputValue('#login-username') === username, 'login form prefilled');
});

await test('signing up again shows the API\'s field error next to the field', async () => {
  await page.fill('#signup-username', username);
  await page.fill('#signup-password', password);
  await page.click('#signup-submit');
  await page.waitForSelector('#signup-result.err');
  check((await text('#signup-username-err')) === 'A user with that username already exists.', 'field error');
  const raw = await text('#signup-result .raw');
  check(raw === '{"username":["A user with that username already exists."]}', `raw body as returned: ${raw}`);
  check(await page.getAttribute('#signup-username', 'aria-invalid') === 'true', 'aria-invalid');
});

await test('a wrong password shows the API\'s 401 detail', async () => {
  await page.fill('#login-username', username);
  await page.fill('#login-password', 'not-the-password');
  await page.click('#login-submit');
  await page.waitForSelector('#login-result.err');
  const t = await text('#login-result');
  check(/401/.test(t) && t.includes('{"detail":"No active account found with the given credentials"}'), `result: ${t}`);
});

await test('log in: "Logged in as" the user, from GET /api/me/', async () => {
  await page.fill('#login-password', password);
  await page.keyboard.press('Enter');   // submits the form
  await page.waitForSelector('#session-chip.on');
  await page.waitForFunction((u) => document.querySelector('#session-text').textContent === `Logged in as ${u}`, username);
  check((await text('#who-name')) === username, 'session card names the user');
  check(await entryText('/api/me/', '.status') === '200', 'GET /api/me/ 200 in the log');
  const stored = await page.evaluate(() => [sessionStorage.getItem('llmapi.access'), sessionStorage.getItem('llmapi.refresh')]);
  check(stored.every((t) => /^eyJ/.test(t || '')), 'tokens kept in sessionStorage');
  check(/expires in \d+:\d\d/.test(await text('#who-expiry')), `expiry shown: ${await text('#who-expiry')}`);
  await settled();
  await shot('desktop-account');
});

await test('every request shows its curl command, token as $ACCESS_TOKEN until revealed', async () => {
  const entry = latestEntry('/api/me/');
  const curl = await entryText('/api/me/', 'pre.curl');
  check(curl === `curl ${base}/api/me/ \\\n  -H "Authorization: Bearer $ACCESS_TOKEN"`, `curl: ${curl}`);
  const login = await entryText('/api/token/', 'pre.curl');
  check(login.includes(`-X POST ${base}/api/token/`) && login.includes('-H "Content-Type: application/json"'), `login curl: ${login}`);
  check(login.includes(`-d '{"username":"${username}","password":"'"$PASSWORD"'"}'`), `password masked: ${login}`);
  const loginResp = await entryText('/api/token/', 'pre.response');
  check(loginResp === '{"refresh":"$REFRESH_TOKEN","access":"$ACCESS_TOKEN"}', `tokens masked in the response: ${loginResp}`);
  await page.click('label[for="reveal"]');
  const revealed = await entryText('/api/me/', 'pre.curl');
  check(/Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+"$/.test(revealed), `revealed: ${revealed}`);
  // The revealed command runs as shown, and so does the masked one with the variable set.
  const out = execFileSync('bash', ['-c', revealed], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  check(JSON.parse(out).username === username, `revealed curl ran: ${out}`);
  const access = await page.evaluate(() => sessionStorage.getItem('llmapi.access'));
  const out2 = execFileSync('bash', ['-c', curl], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ACCESS_TOKEN: access } });
  check(JSON.parse(out2).username === username, `masked curl ran with $ACCESS_TOKEN: ${out2}`);
  await page.click('label[for="reveal"]');
  check(!(await page.locator('#log').innerText()).includes(access), 'no token on screen once hidden again');
  // Older entries are collapsed: open it from the keyboard, then Copy.
  await entry.locator('summary').focus();
  await page.keyboard.press('Enter');
  check(await entry.locator('details').evaluate((d) => d.open), 'Enter opens an entry');
  await entry.locator('button.copy').click();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  check(clip === curl, 'Copy puts the command on the clipboard');
});

await test('models for openai and gemini (providers from GET /v1/models)', async () => {
  await page.click('#tab-models');
  await page.waitForSelector('#provider-chips .chip');
  const chips = await page.locator('#provider-chips .chip').allInnerTexts();
  check(chips.includes('openai') && chips.includes('gemini'), `provider chips: ${chips}`);
  check(await entryText('/v1/models', '.status') === '200', 'GET /v1/models in the log');
  await page.fill('#models-provider', 'openai');
  await page.press('#models-provider', 'Enter');
  await page.waitForFunction(() => document.querySelector('#models-result.ok, #models-result.err'));
  let ids = await page.locator('#model-list .model-id').allInnerTexts();
  check(ids.length > 0 && ids.every((m) => /fake/.test(m)), `openai models: ${ids}`);
  check(ids.includes('fake-gpt-4o'), 'fake-gpt-4o listed');
  await page.locator('#provider-chips .chip', { hasText: 'gemini' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('#model-list .model-id')].some((e) => /gemini/.test(e.textContent)));
  ids = await page.locator('#model-list .model-id').allInnerTexts();
  check(ids.length > 0 && ids.every((m) => /fake-gemini/.test(m)), `gemini models: ${ids}`);
  check((await entryText('/api/supported-models/?provider=gemini', 'pre.curl'))
    .startsWith(`curl "${base}/api/supported-models/?provider=gemini"`), 'curl for the models request');
  await settled();
  await shot('desktop-models');
});

async function queueFake(behaviour) {
  if (!fakeUrl) throw new Error('LLMAPI_TEST_FAKE_URL is not set');
  const r = await fetch(`${fakeUrl}/_control/script`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(behaviour) });
  check(r.status === 200, `fake accepted the script: ${r.status}`);
}
async function fakeRequests() { return (await fetch(`${fakeUrl}/_control/requests`)).json(); }

await test('streamed chat to openai: the answer grows token by token, then usage', async () => {
  await page.click('#tab-chat');
  await page.fill('#chat-provider', 'openai');
  await page.dispatchEvent('#chat-provider', 'change');
  await page.waitForFunction(() => document.querySelector('#chat-model').value !== '');
  check(await page.inputValue('#chat-model') === 'fake-gpt-4o', `model picked: ${await page.inputValue('#chat-model')}`);
  check(await page.isChecked('#chat-stream'), 'stream on by default');
  await settled();
  // Now nothing else will reach the fake: the next request takes this behaviour.
  await fetch(`${fakeUrl}/_control/script`, { method: 'DELETE' });
  await fetch(`${fakeUrl}/_control/requests`, { method: 'DELETE' });
  await queueFake({ chunk_delay_ms: 250 });
  await page.fill('#chat-input', 'How is the weather on Venus?');
  await page.press('#chat-input', 'Enter');
  const answer = page.locator('.msg.assistant').last().locator('.msg-body');
  await page.waitForSelector('#chat-stop:visible');
  const samples = [];
  const t0 = Date.now();
  for (;;) {
    const done = await page.locator('.msg.assistant').last().locator('.msg-meta .tag', { hasText: 'usage:' }).count();
    const len = (await answer.count()) ? (await answer.innerText()).length : 0;
    samples.push(len);
    if (done) break;
    check(Date.now() - t0 < 20000, 'the stream ends within 20 s');
    await sleep(120);
  }
  const growing = [...new Set(samples.filter((n) => n > 0))];
  console.log(`  answer length samples: ${samples.join(' ')}`);
  check(growing.length >= 4, `at least 4 distinct growing lengths: ${growing}`);
  check(growing.every((n, i) => i === 0 || n > growing[i - 1]), 'the text only grows');
  const final = await answer.innerText();
  check(final === 'This is a fake reply from fake-openai to: How is the weather on Venus?', `answer: ${final}`);
  check(growing[0] < final.length, 'the first text seen was partial');
  const meta = await page.locator('.msg.assistant').last().locator('.msg-meta').innerText();
  check(/usage: \d+ prompt \+ \d+ completion = \d+ tokens/.test(meta), `usage shown: ${meta}`);
  check(/finish: stop/.test(meta), `finish reason: ${meta}`);
  check(await page.isHidden('#chat-stop') && await page.isVisible('#chat-send'), 'Send is back');
  const recorded = await fakeRequests();
  check(recorded.length === 1 && recorded[0].behaviour && recorded[0].behaviour.chunk_delay_ms === 250, 'the slow behaviour was used by this request');
  const curl = await entryText('/api/chat/completions/?provider=openai', 'pre.curl');
  check(curl.startsWith(`curl -N -X POST "${base}/api/chat/completions/?provider=openai"`), `curl: ${curl}`);
  check(curl.includes('"stream":true,"stream_options":{"include_usage":true}'), 'include_usage requested');
  check(curl.includes('-H "Authorization: Bearer $ACCESS_TOKEN"'), 'token masked');
  const raw = await entryText('/api/chat/completions/?provider=openai', 'pre.response');
  check(raw.includes('data: [DONE]') && /"usage":\{"prompt_tokens"/.test(raw), 'the raw SSE is shown');
  await shot('desktop-chat');
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  // The README's screenshot is refreshed only on request, so a test run leaves the tree clean.
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
    fs.copyFileSync(path.join(shots, 'desktop-chat.png'), path.join(root, 'docs', 'console.png'));
});

await test('a whole (not streamed) answer, keeping the conversation', async () => {
  await page.click('label[for="chat-stream"]');
  check(!(await page.isChecked('#chat-stream')), 'stream switched off');
  await page.fill('#chat-input', 'And on Mars?');
  await page.press('#chat-input', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('.msg.assistant').length === 2 && /usage:/.test(document.querySelectorAll('.msg.assistant')[1].textContent));
  const reply = await page.locator('.msg.assistant').last().locator('.msg-body').innerText();
  check(reply === 'This is a fake reply from fake-openai to: And on Mars?', `reply: ${reply}`);
  const body = (await fakeRequests()).at(-1).body;
  check(body.messages.length === 3 && body.messages[1].role === 'assistant', `history sent: ${JSON.stringify(body.messages)}`);
  await page.click('label[for="chat-stream"]');
  check(await page.isChecked('#chat-stream'), 'stream back on');
});

await test('Stop aborts a streaming answer (AbortController)', async () => {
  await settled();
  await queueFake({ chunk_delay_ms: 400 });
  await page.fill('#chat-input', 'Tell me a long story');
  await page.press('#chat-input', 'Enter');
  const last = page.locator('.msg.assistant').last();
  await page.waitForFunction(() => { const m = [...document.querySelectorAll('.msg.assistant.streaming .msg-body')].pop(); return m && m.textContent.length > 0; });
  await page.click('#chat-stop');
  await last.locator('.tag', { hasText: 'stopped' }).waitFor();
  const partial = await last.locator('.msg-body').innerText();
  check(partial.length > 0 && partial.length < 'This is a fake reply from fake-openai to: Tell me a long story'.length, `partial: ${partial}`);
  check(/stopped by the client/.test(await entryText('/api/chat/completions/?provider=openai', '.resp-head')), 'the log says it was stopped');
  await sleep(900);
  const rec = (await fakeRequests()).at(-1);
  check(rec.response_end === 'client_closed', `upstream closed early: ${rec.response_end}`);
});

await test('bad requests show the API\'s error as returned', async () => {
  await page.fill('#chat-provider', 'nosuch');
  await page.dispatchEvent('#chat-provider', 'change');
  await settled();
  await page.fill('#chat-input', 'Hello?');
  await page.press('#chat-input', 'Enter');
  const err = page.locator('.msg.error').last();
  await err.waitFor();
  const t = await err.innerText();
  check(/HTTP 400/.test(t), `status shown: ${t}`);
  check(t.includes('{"error":{"message":"Unknown provider \'nosuch\'. Available providers: '), `raw OpenAI error: ${t}`);
  check(t.includes('"type":"invalid_request_error","param":"provider","code":null}}'), 'type and param');
  // An empty model.
  await page.fill('#chat-provider', 'openai');
  await page.dispatchEvent('#chat-provider', 'change');
  await settled();
  await page.fill('#chat-model', '');
  await page.fill('#chat-input', 'Hello again');
  await page.click('#chat-send');
  await page.waitForFunction(() => document.querySelectorAll('.msg.error').length === 2);
  const t2 = await page.locator('.msg.error').last().innerText();
  check(t2.includes('{"error":{"message":"Invalid \'model\': expected a non-empty string.","type":"invalid_request_error","param":"model","code":null}}'), `empty model: ${t2}`);
  check(await entryText('/api/chat/completions/?provider=openai', '.status') === '400', 'the log shows 400');
  await page.fill('#chat-model', 'fake-gpt-4o');
  await shot('desktop-chat-errors');
});

await test('my usage, with since/until', async () => {
  await page.click('#tab-usage');
  await page.locator('[data-days="1"]').click();
  await page.waitForSelector('#usage-view:not([hidden])');
  const requests = Number((await text('#u-requests')).replace(/,/g, ''));
  check(requests >= 3, `requests counted: ${requests}`);
  const rows = await page.locator('#usage-table tbody tr').allInnerTexts();
  check(rows.some((r) => /openai/.test(r) && /fake-gpt-4o/.test(r)), `by model: ${rows}`);
  await settled();
  await shot('desktop-usage');
  await page.fill('#usage-since', 'yesterday');
  await page.press('#usage-since', 'Enter');
  await page.waitForSelector('#usage-result.err');
  check((await text('#usage-since-err')) === 'Enter a valid date/time.', 'field error for since');
  check((await text('#usage-result .raw')) === '{"since":["Enter a valid date/time."]}', 'raw body');
  await page.fill('#usage-since', '');
  await page.press('#usage-since', 'Enter');
  await page.waitForSelector('#usage-view:not([hidden])');
});

// ------------------------------------------------------------------ API keys
const keyRe = /^sk-llm-[A-Za-z0-9_-]{43}$/;
const keys = [];   // the full keys the page showed, to look for after a reload
const keyRow = (prefix) => page.locator('#keys-table tbody tr').filter({ has: page.locator('code.key-prefix', { hasText: prefix }) });
const cellSel = { name: '.key-name', prefix: 'code.key-prefix', state: 'td[data-col="state"] .badge' };
const cell = (prefix, col) => keyRow(prefix).locator(cellSel[col] || `td[data-col="${col}"]`).first().innerText();
const meWithKey = (key) => fetch(`${base}/api/me/`, { headers: { Authorization: `Bearer ${key}` } });
// The newest inspector entry for this method and path.
const entryFor = (method, p) => page.locator('#log .entry')
  .filter({ has: page.locator('.method', { hasText: new RegExp(`^${method}$`) }) })
  .filter({ has: page.locator(`.path[title="${p}"]`) }).first();

await test('API keys tab: create a key, shown once with a Copy button', async () => {
  await page.click('#tab-keys');
  check(await page.getAttribute('#tab-keys', 'role') === 'tab' && await page.getAttribute('#tab-keys', 'aria-selected') === 'true', 'tab selected');
  check(await page.getAttribute('#tab-keys', 'aria-controls') === 'panel-keys' && await page.isVisible('#panel-keys'), 'its panel shown');
  check(await page.getAttribute('#panel-keys', 'aria-labelledby') === 'tab-keys', 'panel labelled by its tab');
  for (const id of ['keys-name', 'keys-expires_at', 'keys-providers', 'keys-models', 'keys-requests_per_minute', 'keys-tokens_per_day']) {
    check(await page.locator(`label[for="${id}"]`).count() === 1, `label for #${id}`);
  }
  await page.waitForFunction(() => /No API keys yet/.test(document.querySelector('#keys-table tbody').textContent));
  check(await entryText('/api/keys/', '.status') === '200', 'GET /api/keys/ when the tab opens');
  await page.fill('#keys-name', 'browser-test');
  await page.click('#keys-submit');
  await page.waitForSelector('#key-new:not([hidden])');
  const key = (await page.locator('#key-new-value').textContent()).trim();
  keys.push(key);
  check(keyRe.test(key), `key shown: ${key}`);
  check(/copy it now; it will not be shown again/i.test(await text('#key-new')), 'marked as shown once');
  check(await page.isVisible('#key-copy'), 'a Copy button');
  check(await page.evaluate(() => document.activeElement.id) === 'key-copy', 'focus on Copy');
  await page.click('#key-copy');
  await page.waitForFunction(() => document.querySelector('#key-copy-note').textContent === 'Copied');
  check(await page.evaluate(() => navigator.clipboard.readText()) === key, 'the clipboard holds the key');
  // The request in the inspector, with the new key masked like the tokens.
  const post = entryFor('POST', '/api/keys/');
  check(await post.locator('.status').textContent() === '201', 'POST /api/keys/ 201 in the log');
  const curl = await post.locator('pre.curl').textContent();
  check(curl === `curl -X POST ${base}/api/keys/ \\\n  -H "Content-Type: application/json" \\\n  -H "Authorization: Bearer $ACCESS_TOKEN" \\\n  -d '{"name":"browser-test"}'`, `curl: ${curl}`);
  const resp = await post.locator('pre.response').textContent();
  check(resp.includes('"key":"$API_KEY"') && !resp.includes(key), `key masked in the response: ${resp}`);
  check(!(await page.locator('#log').textContent()).includes(key), 'the key is nowhere in the inspector');
  // The list (reloaded after the create): the prefix, never used, active.
  const prefix = key.slice(0, 12);
  await keyRow(prefix).waitFor();
  check((await cell(prefix, 'name')) === 'browser-test', 'name listed');
  check((await cell(prefix, 'prefix')).startsWith(prefix) && !(await cell(prefix, 'prefix')).includes(key), 'prefix listed, not the key');
  check(/mono|Mono|monospace/.test(await keyRow(prefix).locator('code.key-prefix').evaluate((c) => getComputedStyle(c).fontFamily)), 'prefix in monospace');
  check((await cell(prefix, 'last_used')) === 'never', `last used: ${await cell(prefix, 'last_used')}`);
  check((await cell(prefix, 'expires')) === 'never', 'expires never');
  check((await cell(prefix, 'restrictions')) === 'none', 'no restrictions');
  check((await cell(prefix, 'state')) === 'active', 'active');
  check(await keyRow(prefix).locator('button.revoke').isVisible(), 'a Revoke button');
  check(!(await page.locator('#keys-table').innerText()).includes(key), 'the list never shows the key');
  await settled();
  await shot('desktop-keys-created');
});

await test('the new key works as a Bearer token; the list shows its last use', async () => {
  const key = keys[0], prefix = key.slice(0, 12);
  const r = await meWithKey(key);
  check(r.status === 200 && (await r.json()).username === username, `GET /api/me/ with the key: ${r.status}`);
  const k = await fetch(`${base}/api/keys/`, { headers: { Authorization: `Bearer ${key}` } });
  check(k.status === 403, `a key cannot list keys: ${k.status}`);
  let last = 'never';
  for (const t0 = Date.now(); Date.now() - t0 < 6000;) {
    await sleep(700);
    await page.click('#keys-refresh');
    await settled();
    last = await cell(prefix, 'last_used');
    if (last !== 'never') break;
  }
  check(last !== 'never' && /\d/.test(last), `last used shown: ${last}`);
  const iso = await keyRow(prefix).locator('td[data-col="last_used"] time').getAttribute('datetime');
  check(Math.abs(Date.parse(iso) - Date.now()) < 120000, `last used is now: ${iso}`);
});

await test('a key with restrictions; field errors and the live-key limit shown', async () => {
  // Every field, and the list's summary of them.
  await page.fill('#keys-name', 'restricted');
  await page.click('[data-expires-days="30"]');
  const expires = await page.inputValue('#keys-expires_at');
  check(Math.abs(Date.parse(expires) - Date.now() - 30 * 86400000) < 60000, `expiry chip: ${expires}`);
  await page.fill('#keys-providers', 'openai, gemini');
  await page.fill('#keys-models', 'fake-gpt-4o*, fake-gemini-2.0-flash');
  await page.fill('#keys-requests_per_minute', '5');
  await page.fill('#keys-tokens_per_day', '1000');
  await page.click('#keys-submit');
  await page.waitForFunction((k) => { const v = document.querySelector('#key-new-value').textContent; return v && v !== k; }, keys[0]);
  const key = await page.locator('#key-new-value').textContent();
  keys.push(key);
  check(keyRe.test(key), `second key: ${key}`);
  const body = await entryFor('POST', '/api/keys/').locator('pre.curl').textContent();
  check(body.includes(`-d '{"name":"restricted","expires_at":"${expires}","providers":["openai","gemini"],"models":["fake-gpt-4o*","fake-gemini-2.0-flash"],"requests_per_minute":5,"tokens_per_day":1000}'`), `body sent: ${body}`);
  check(await page.inputValue('#keys-name') === '' && await page.inputValue('#keys-models') === '', 'the form is cleared');
  const prefix = key.slice(0, 12);
  await keyRow(prefix).waitFor();
  const restr = await cell(prefix, 'restrictions');
  for (const part of ['providers: openai, gemini', 'models: fake-gpt-4o*, fake-gemini-2.0-flash', '5 requests/min', '1,000 tokens/day']) check(restr.includes(part), `restrictions show ${part}: ${restr}`);
  check((await cell(prefix, 'expires')) !== 'never', 'an expiry date');
  check((await cell(prefix, 'name')) === 'restricted', 'name listed');
  check((await page.locator('#keys-table tbody tr .key-name').allInnerTexts()).join() === 'restricted,browser-test', 'newest first');

  // Field errors next to their fields.
  await page.fill('#keys-name', '');
  await page.fill('#keys-models', 'fake-gpt-4o, a*b');
  await page.fill('#keys-tokens_per_day', '0');
  await page.click('#keys-submit');
  await page.waitForSelector('#keys-result.err');
  check((await text('#keys-name-err')) === 'This field may not be blank.', `name error: ${await text('#keys-name-err')}`);
  check((await text('#keys-models-err')) === '"a*b" is not a model id or a prefix ending in "*" (such as "gpt-4o*").', `models error: ${await text('#keys-models-err')}`);
  check((await text('#keys-tokens_per_day-err')) === 'Ensure this value is greater than or equal to 1.', 'tokens/day error');
  check(await page.getAttribute('#keys-models', 'aria-invalid') === 'true' && await page.getAttribute('#keys-providers', 'aria-invalid') === null, 'aria-invalid on the wrong fields only');
  check(/^400/.test(await text('#keys-result')), 'the result says 400');
  check(await page.locator('#key-new-value').textContent() === key, 'a failed create leaves the shown key alone');
  await shot('desktop-keys-errors');

  // Past the live-key limit: the API's non_field_errors, shown with the form.
  const access = await page.evaluate(() => sessionStorage.getItem('llmapi.access'));
  const auth = { Authorization: `Bearer ${access}`, 'Content-Type': 'application/json' };
  const fillers = [];
  for (let i = 0; i < 30; i++) {
    const r = await fetch(`${base}/api/keys/`, { method: 'POST', headers: auth, body: JSON.stringify({ name: `filler-${i}` }) });
    if (r.status !== 201) { check(r.status === 400, `filler refused with 400: ${r.status}`); break; }
    fillers.push((await r.json()).id);
  }
  try {
    await page.fill('#keys-name', 'one-too-many');
    await page.fill('#keys-models', '');
    await page.fill('#keys-tokens_per_day', '');
    await page.click('#keys-submit');
    await page.waitForFunction(() => document.querySelector('#keys-form-err').textContent !== '');
    const msg = await text('#keys-form-err');
    check(/^You already have \d+ active API keys; revoke one first\.$/.test(msg), `non-field error: ${msg}`);
    check((await text('#keys-name-err')) === '' && await page.getAttribute('#keys-name', 'aria-invalid') === null, 'the name error is gone');
  } finally {
    for (const id of fillers) await fetch(`${base}/api/keys/${id}/`, { method: 'DELETE', headers: auth });
  }
  await page.click('#key-dismiss');
  check(await page.isHidden('#key-new') && (await page.locator('#key-new-value').textContent()) === '', 'Done forgets the shown key');
});

await test('after a reload the keys are nowhere: not on the page, not in storage', async () => {
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  check(await page.isVisible('#panel-keys'), 'the API keys tab is still open');
  await keyRow(keys[0].slice(0, 12)).waitFor();
  await settled();
  const html = await page.content();
  const bodyText = await page.locator('body').innerText();
  const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  for (const key of keys) {
    check(!html.includes(key) && !bodyText.includes(key), 'no key in the page');
    check(!stored.includes(key), 'no key in localStorage or sessionStorage');
  }
  check(!stored.includes('sk-llm-'), `nothing like a key stored: ${stored}`);
  check(await page.isHidden('#key-new'), 'no key box');
});

await test('revoke: confirm, the row shows revoked, the key gets 401', async () => {
  const key = keys[0], prefix = key.slice(0, 12);
  const btn = keyRow(prefix).locator('button.revoke');
  await btn.click();
  check((await btn.innerText()) === 'Confirm revoke', 'the first click asks to confirm');
  await page.focus('#keys-name');
  check((await btn.innerText()) === 'Revoke', 'moving away disarms it');
  check((await meWithKey(key)).status === 200, 'still valid');
  await btn.click();
  await btn.click();
  await page.locator(`#keys-table tbody tr[data-state="revoked"]`).filter({ hasText: prefix }).waitFor();
  check((await cell(prefix, 'state')) === 'revoked', 'row says revoked');
  check(await keyRow(prefix).locator('button.revoke').count() === 0, 'no Revoke button any more');
  check(await entryFor('DELETE', `/api/keys/${await keyRow(prefix).getAttribute('data-key-id')}/`).locator('.status').textContent() === '204', 'DELETE 204 in the log');
  check((await cell(keys[1].slice(0, 12), 'state')) === 'active', 'the other key is still active');
  let r;
  for (const t0 = Date.now(); ; await sleep(100)) {
    r = await meWithKey(key);
    if (r.status === 401 || Date.now() - t0 > 1000) break;
  }
  const j = await r.json();
  check(r.status === 401 && j.detail === 'Invalid API key.', `refused: ${r.status} ${JSON.stringify(j)}`);
  check((await meWithKey(keys[1])).status === 200, 'the other key still works');
  await settled();
  await shot('desktop-keys');
  await page.click('#tab-usage');   // the next tests reload the page: not on this tab
});

await test('a 401 token_not_valid triggers POST /api/token/refresh/ and one retry', async () => {
  // Valid for an hour by its exp, but not signed by the server.
  await page.evaluate((t) => sessionStorage.setItem('llmapi.access', t), fakeJwt(Math.floor(Date.now() / 1000) + 3600));
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForFunction((u) => document.querySelector('#session-text').textContent === `Logged in as ${u}`, username);
  await settled();
  const lines = await logLines();
  check(lines[0] === 'GET /api/me/ 401' && lines[1] === 'POST /api/token/refresh/ 200' && lines[2] === 'GET /api/me/ 200', `sequence: ${lines}`);
  check(/token_not_valid/.test(await page.locator('#log .entry').last().locator('pre.response').textContent()), 'the 401 body is logged');
  const access = await page.evaluate(() => sessionStorage.getItem('llmapi.access'));
  check(/^eyJ/.test(access) && !access.endsWith('c2lnbmF0dXJl'), 'a new access token is stored');
});

await test('an access token about to expire (by its exp) is refreshed before the request', async () => {
  await page.evaluate((t) => sessionStorage.setItem('llmapi.access', t), fakeJwt(Math.floor(Date.now() / 1000) + 5));
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForFunction((u) => document.querySelector('#session-text').textContent === `Logged in as ${u}`, username);
  await settled();
  const lines = await logLines();
  check(lines[0] === 'POST /api/token/refresh/ 200' && lines[1] === 'GET /api/me/ 200', `sequence: ${lines}`);
});

await test('narrow window (390 px): no horizontal scroll, everything reachable', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#tab-chat');
  await page.fill('#chat-input', 'Hi from a phone');
  await page.press('#chat-input', 'Enter');
  await page.waitForFunction(() => /usage:/.test([...document.querySelectorAll('.msg.assistant')].pop()?.textContent));
  await settled();
  for (const tab of ['chat', 'account', 'models', 'usage', 'keys']) {
    await page.click(`#tab-${tab}`);
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    check(w <= 390, `${tab}: page width ${w} <= 390`);
  }
  await shot('narrow-keys');
  await page.click('#tab-chat');
  await shot('narrow-chat');
  await shot('narrow-chat-full', { fullPage: true });
  await page.click('#tab-account');
  await shot('narrow-account');
  check(await page.isVisible('#logout-top'), 'log out reachable');
  await page.setViewportSize({ width: 1280, height: 800 });
});

await test('dark colour scheme renders', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.click('#tab-chat');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg !== 'rgb(244, 245, 247)', `dark background: ${bg}`);
  await shot('desktop-chat-dark');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot('narrow-chat-dark');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
});

await test('log out blacklists the refresh token', async () => {
  const refresh = await page.evaluate(() => sessionStorage.getItem('llmapi.refresh'));
  await page.click('#logout-top');
  await page.waitForFunction(() => document.querySelector('#session-text').textContent === 'Not logged in');
  check(await entryText('/api/token/blacklist/', '.status') === '200', 'POST /api/token/blacklist/ 200');
  check(await page.evaluate(() => sessionStorage.getItem('llmapi.refresh')) === null, 'tokens forgotten');
  check(/blacklisted/.test(await text('#session-msg')), 'says so');
  const r = await fetch(`${base}/api/token/refresh/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh }) });
  const j = await r.json();
  check(r.status === 401 && j.detail === 'Token is blacklisted', `refresh refused: ${r.status} ${JSON.stringify(j)}`);
  await shot('desktop-logged-out');
});

await test('no script errors, no external requests', async () => {
  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  check(external.length === 0, `external requests: ${external.join(' ')}`);
});

await browser.close();
finish();
