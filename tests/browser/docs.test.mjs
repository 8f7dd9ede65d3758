// End-to-end test of the API reference page (static/docs/, served at /docs/)
// in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against $LLMAPI_TEST_URL, which serves /docs/,
// /openapi.json, /openapi.yaml and /console/. Every check compares the page
// with the document it fetched: whatever docs/openapi.yaml says, the page must
// show all of it. Run by tests/browser/run.sh.
// Prints one line per check and a last line "N passed, M failed".
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { base, shots, test, check, unreachable, finish } from './harness.mjs';

const origin = new URL(base).origin;

let spec;
try {
  const r = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`GET /openapi.json: ${r.status}`);
  spec = await r.json();
} catch (e) {
  unreachable(`read ${base}/openapi.json`, e);
}

// ------------------------------------------------------------------ the document, as the test reads it
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function pointer(ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let cur = spec;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur == null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}
function deref(o) {
  for (let n = 0; isObj(o) && typeof o.$ref === 'string' && n < 32; n++) o = pointer(o.$ref);
  return o;
}
const schemaRef = (s) => (isObj(s) && typeof s.$ref === 'string' && s.$ref.startsWith('#/components/schemas/') ? decodeURIComponent(s.$ref.slice(21)) : null);

const ops = [];
for (const [p, rawItem] of Object.entries(spec.paths || {})) {
  const item = deref(rawItem) || {};
  for (const m of METHODS) {
    if (!isObj(item[m])) continue;
    const op = item[m];
    const params = new Map();
    for (const x of [...(item.parameters || []), ...(op.parameters || [])]) { const d = deref(x); if (isObj(d)) params.set(`${d.in}:${d.name}`, d); }
    ops.push({ method: m.toUpperCase(), path: p, op, params: [...params.values()], key: `${m.toUpperCase()} ${p}` });
  }
}
const security = (op) => (Array.isArray(op.security) ? op.security : Array.isArray(spec.security) ? spec.security : []);
// Tags in the document's order, then undeclared ones, untagged last; operations in path order.
function expectedOrder() {
  const groups = new Map();
  for (const t of spec.tags || []) groups.set(String(t.name), []);
  for (const o of ops) {
    const t = Array.isArray(o.op.tags) && o.op.tags.length ? String(o.op.tags[0]) : '';
    if (!groups.has(t)) groups.set(t, []);
    groups.get(t).push(o.key);
  }
  const list = [...groups].filter(([, l]) => l.length);
  list.sort((a, b) => (a[0] === '' ? 1 : 0) - (b[0] === '' ? 1 : 0));
  return list;
}
// The request example the curl command must carry: the first JSON media type's first example.
function requestExample(o) {
  const rb = deref(o.op.requestBody);
  if (!isObj(rb?.content)) return undefined;
  const [, media] = Object.entries(rb.content)[0];
  if (isObj(media.examples)) for (const ex of Object.values(media.examples)) { const d = deref(ex); if (isObj(d) && 'value' in d) return d.value; }
  return media.example;
}
const streamOps = ops.filter((o) => Object.values(o.op.responses || {}).some((r) => Object.entries(deref(r)?.content || {}).some(([t, m]) => /event-stream/.test(t) && m['x-sse-data'] !== undefined)));

// ------------------------------------------------------------------ the browser
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });

// Every request of every page, every page error, every console error (but
// the browser's own /favicon.ico probe, which is no part of the page and
// which these static files cannot answer).
const external = [];
const pageErrors = [];
const consoleErrors = [];
function watch(p, { expectErrors = false } = {}) {
  p.setDefaultTimeout(10000);
  p.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('about:')) return;
    if (new URL(u).origin !== origin) external.push(u);
  });
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() !== 'error' || expectErrors) return;
    if (/\/favicon\.ico$/.test(m.location()?.url || '')) return;
    consoleErrors.push(`${m.text()} @ ${m.location()?.url || '?'}`);
  });
  return p;
}
const page = watch(await context.newPage());
const shot = async (p, name, opts = {}) => p.screenshot({ path: path.join(shots, `docs-${name}.png`), ...opts });
const ready = (p) => p.waitForSelector('html[data-state="ready"]');
const opSel = (o) => `details.op[data-method="${o.method}"][data-path="${o.path.replace(/"/g, '\\"')}"]`;

await test('/docs/ loads and shows info: title, version, description, license, servers', async () => {
  const resp = await page.goto(`${base}/docs/`);
  check(resp.status() === 200, `status ${resp.status()}`);
  check(/text\/html/.test(resp.headers()['content-type'] || ''), `content-type ${resp.headers()['content-type']}`);
  await ready(page);
  const info = spec.info || {};
  check((await page.locator('#doc h1').innerText()) === info.title, `h1 is info.title: ${await page.locator('#doc h1').innerText()}`);
  check((await page.title()).includes(info.title), `document title: ${await page.title()}`);
  check((await page.locator('.badge.version').innerText()).includes(String(info.version)), 'version badge');
  if (info.license) check((await page.locator('.license').innerText()).trim() === (info.license.name || info.license.identifier), 'license name');
  if (info.description) {
    const firstWords = info.description.replace(/[`*_[\]]/g, '').split(/\s+/).slice(0, 4).join(' ');
    check((await page.locator('.intro-desc').innerText()).replace(/\s+/g, ' ').includes(firstWords), `description starts "${firstWords}"`);
  }
  const urls = await page.locator('.server-url').allInnerTexts();
  for (const s of spec.servers || []) check(urls.includes(s.url), `server ${s.url} listed`);
  check((await page.locator('code.origin').innerText()) === origin, 'the curl base is this origin');
  const schemes = Object.keys(spec.components?.securitySchemes || {});
  for (const n of schemes) check(await page.locator(`#security-${n}`).count() === 1, `security scheme ${n} shown`);
  const authText = await page.locator('.auth-section').innerText();
  for (const [n, sc] of Object.entries(spec.components?.securitySchemes || {})) {
    if (sc.type === 'apiKey') check(authText.includes(sc.name), `apiKey scheme ${n} names its ${sc.in} ${sc.name}`);
    if (sc.type === 'http' && sc.scheme === 'bearer') check(authText.includes('Authorization: Bearer'), `bearer scheme ${n} says how to send it`);
  }
  const redirect = await fetch(`${base}/docs`, { redirect: 'manual' });
  check([301, 302, 308].includes(redirect.status) && /\/docs\/$/.test(redirect.headers.get('location') || ''), `/docs redirects to /docs/: ${redirect.status} ${redirect.headers.get('location')}`);
  await shot(page, 'desktop-top');
});

await test('an entry for every (method, path) of /openapi.json, grouped by tag in the document\'s order', async () => {
  check(ops.length > 0, 'the document has operations');
  const shown = await page.locator('details.op').evaluateAll((ds) => ds.map((d) => `${d.dataset.method} ${d.dataset.path}`));
  check(shown.length === ops.length, `${shown.length} entries for ${ops.length} operations`);
  check(isDeepStrictEqual([...shown].sort(), ops.map((o) => o.key).sort()), `entries: ${shown.join(', ')}`);
  // The sidebar: tags in order, operations in path order, each link to an existing anchor.
  const toc = await page.locator('#toc .toc-tag').evaluateAll((tags) => tags.map((t) => ({
    name: t.querySelector('.toc-tag-link').textContent,
    ops: [...t.querySelectorAll('a.toc-op')].map((a) => {
      const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
      return target ? `${target.dataset.method} ${target.dataset.path}` : `missing ${a.getAttribute('href')}`;
    }),
  })));
  const expected = expectedOrder();
  check(isDeepStrictEqual(toc.map((t) => t.ops), expected.map(([, l]) => l)), `sidebar order\n  got      ${JSON.stringify(toc.map((t) => t.ops))}\n  expected ${JSON.stringify(expected.map(([, l]) => l))}`);
  const declared = new Map((spec.tags || []).map((t) => [String(t.name), t['x-displayName'] || String(t.name)]));
  toc.forEach((t, k) => { const n = expected[k][0]; if (n) check(t.name === (declared.get(n) || n), `tag ${k}: ${t.name} vs ${n}`); });
});

await test('every operation has its anchor #operation-<operationId>', async () => {
  const ids = ops.filter((o) => o.op.operationId);
  check(ids.length > 0, 'the document has operationIds');
  const found = await page.evaluate((list) => list.map(([id]) => {
    const n = document.getElementById(`operation-${id}`);
    return n ? `${n.dataset.method} ${n.dataset.path}` : null;
  }), ids.map((o) => [o.op.operationId]));
  ids.forEach((o, k) => check(found[k] === o.key, `#operation-${o.op.operationId} is ${o.key} (got ${found[k]})`));
  const ids2 = await page.locator('[id]').evaluateAll((ns) => ns.map((n) => n.id));
  check(new Set(ids2).size === ids2.length, `ids are unique: ${ids2.filter((x, k) => ids2.indexOf(x) !== k).join(', ')}`);
});

await test('each operation shows its summary, authentication, parameters, request body and responses', async () => {
  await page.click('#expand-all');
  // One snapshot of every operation's rendering, then the checks.
  const snap = await page.locator('details.op').evaluateAll((ds) => Object.fromEntries(ds.map((d) => {
    const txt = (n) => (n ? n.textContent.replace(/\s+/g, ' ') : null);
    const responses = {};
    for (const r of d.querySelectorAll('.response')) {
      responses[r.dataset.status] = {
        text: txt(r).replace(/[`*_]/g, ''),
        media: Object.fromEntries([...r.querySelectorAll('.media')].map((m) => [m.dataset.contentType, {
          refs: [...m.querySelectorAll(':scope > .schema > .schema-head a.ref')].map((a) => a.dataset.ref),
          examples: m.querySelectorAll(':scope > details.example').length,
        }])),
        headers: Object.fromEntries([...r.querySelectorAll('tr[data-header]')].map((tr) => [tr.dataset.header, !!tr.querySelector('.flag.req')])),
      };
    }
    return [`${d.dataset.method} ${d.dataset.path}`, {
      summary: txt(d.querySelector('summary.op-summary')),
      desc: txt(d.querySelector('.op-desc')),
      auth: txt(d.querySelector('.op-auth')),
      params: Object.fromEntries([...d.querySelectorAll('tr[data-param]')].map((tr) => [tr.dataset.param, { required: !!tr.querySelector('.p-name .flag.req'), type: txt(tr.querySelector('.p-type')) }])),
      request: Object.fromEntries([...d.querySelectorAll('.request-body .media')].map((m) => [m.dataset.contentType, m.querySelectorAll(':scope > .schema').length])),
      responses,
      curls: d.querySelectorAll('pre.curl').length,
    }];
  })));
  const words = (t, n) => t.replace(/[`*_[\]]/g, '').split(/\s+/).slice(0, n).join(' ');
  for (const o of ops) {
    const d = snap[o.key];
    check(d, `${o.key} rendered`);
    if (o.op.summary) check(d.summary.includes(o.op.summary), `${o.key}: summary "${o.op.summary}" in "${d.summary}"`);
    check(d.summary.includes(o.method) && d.summary.includes(o.path), `${o.key}: method badge and path`);
    if (o.op.description) check((d.desc || '').includes(words(o.op.description, 3)), `${o.key}: description "${words(o.op.description, 3)}…"`);
    const reqs = security(o.op);
    if (!reqs.length) check(/No authentication/.test(d.auth), `${o.key}: no authentication: ${d.auth}`);
    else for (const r of reqs) for (const n of Object.keys(r)) check(d.auth.includes(n), `${o.key}: security ${n} in "${d.auth}"`);
    check(Object.keys(d.params).length === o.params.length, `${o.key}: ${o.params.length} parameters (${Object.keys(d.params).join(', ')})`);
    for (const p of o.params) {
      const row = d.params[`${p.in}:${p.name}`];
      check(row, `${o.key}: parameter ${p.in} ${p.name}`);
      check(row.required === !!p.required, `${o.key}: parameter ${p.name} required=${!!p.required}`);
      const t = deref(p.schema)?.type;
      if (typeof t === 'string') check(row.type.includes(t), `${o.key}: parameter ${p.name} of type ${t} (${row.type})`);
    }
    const rb = deref(o.op.requestBody);
    check(Object.keys(d.request).length === Object.keys(rb?.content || {}).length, `${o.key}: request body content types ${Object.keys(d.request).join(', ')}`);
    for (const [t, m] of Object.entries(rb?.content || {})) check(d.request[t] === (m.schema ? 1 : 0), `${o.key}: request body ${t} with its schema`);
    check(Object.keys(d.responses).length === Object.keys(o.op.responses || {}).length, `${o.key}: responses ${Object.keys(d.responses).join(', ')}`);
    for (const [code, raw] of Object.entries(o.op.responses || {})) {
      const r = deref(raw);
      const box = d.responses[code];
      check(box, `${o.key}: response ${code}`);
      if (r.description) check(box.text.includes(words(r.description, 2)), `${o.key} ${code}: description "${words(r.description, 2)}…"`);
      for (const [t, m] of Object.entries(r.content || {})) {
        const media = box.media[t];
        check(media, `${o.key} ${code}: content type ${t}`);
        const sref = schemaRef(m['x-sse-data'] ?? m.schema);
        if (sref) check(media.refs.includes(sref), `${o.key} ${code} ${t}: schema ${sref} linked (${media.refs})`);
        const nEx = isObj(m.examples) ? Object.keys(m.examples).length : m.example !== undefined ? 1 : 0;
        if (nEx) check(media.examples === nEx, `${o.key} ${code} ${t}: ${nEx} example(s), ${media.examples} shown`);
      }
      for (const [h, hv] of Object.entries(r.headers || {})) {
        check(h in box.headers, `${o.key} ${code}: header ${h}`);
        check(box.headers[h] === !!deref(hv)?.required, `${o.key} ${code}: header ${h} required=${!!deref(hv)?.required}`);
      }
    }
    check(d.curls === 1, `${o.key}: one curl command`);
  }
  await page.click('#collapse-all');
});

await test('a deep link /docs/#operation-<id> opens and scrolls to that operation', async () => {
  const target = streamOps[0] || ops[ops.length - 1];
  const id = target.op.operationId;
  check(id, `${target.key} has an operationId`);
  const p = watch(await context.newPage());
  await p.goto(`${base}/docs/#operation-${id}`);
  await ready(p);
  await p.waitForFunction(() => window.scrollY > 0);
  const st = await p.evaluate((i) => {
    const n = document.getElementById(`operation-${i}`);
    const r = n.getBoundingClientRect();
    return { open: n.open, top: r.top, h: innerHeight, others: [...document.querySelectorAll('details.op[open]')].length, current: document.querySelector('#toc a[aria-current]')?.getAttribute('href') };
  }, id);
  check(st.open, 'the operation is open');
  check(st.top >= 0 && st.top < st.h / 3, `it is at the top of the window: top ${st.top} of ${st.h}`);
  check(st.others === 1, `only it is open (${st.others})`);
  check(st.current === `#operation-${id}`, `the sidebar marks it: ${st.current}`);
  // A click in the sidebar moves to another one.
  const other = ops.find((o) => o.op.operationId && o !== target);
  await p.click(`#toc a[href="#operation-${other.op.operationId}"]`);
  await p.waitForFunction((i) => location.hash === `#operation-${i}` && document.getElementById(`operation-${i}`).open, other.op.operationId);
  const top = await p.evaluate((i) => document.getElementById(`operation-${i}`).getBoundingClientRect().top, other.op.operationId);
  check(top >= 0 && top < 300, `scrolled to ${other.key}: top ${top}`);
  await p.close();
});

await test('schema $ref links resolve to an element on the page', async () => {
  await page.click('#expand-all');
  const names = Object.keys(spec.components?.schemas || {});
  for (const n of names) check(await page.locator(`details.schema-def[id="schema-${n}"]`).count() === 1, `Schemas lists ${n}`);
  const links = await page.locator('a[href^="#schema-"]').evaluateAll((as) => as.map((a) => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    const t = document.getElementById(id);
    return { href: a.getAttribute('href'), ok: !!t && t.matches('details.schema-def'), name: a.dataset.ref };
  }));
  check(links.length > 0, 'there are schema links');
  const bad = links.filter((l) => !l.ok);
  check(!bad.length, `links without a target: ${bad.map((l) => l.href).join(' ')}`);
  check(links.every((l) => names.includes(l.name)), 'every link names a components.schemas entry');
  // Every $ref to a component used by an operation's body or response is linked somewhere.
  const used = new Set();
  for (const o of ops) {
    const rb = deref(o.op.requestBody);
    for (const m of Object.values(rb?.content || {})) if (schemaRef(m.schema)) used.add(schemaRef(m.schema));
    for (const r of Object.values(o.op.responses || {})) for (const m of Object.values(deref(r)?.content || {})) { const s = schemaRef(m['x-sse-data'] ?? m.schema); if (s) used.add(s); }
  }
  const linked = new Set(links.map((l) => l.name));
  for (const n of used) check(linked.has(n), `${n} is linked`);
  // Following one opens the schema, which lists its properties.
  const withProps = [...used].find((n) => isObj(spec.components.schemas[n]?.properties));
  check(withProps, 'a used schema with properties');
  await page.locator(`a.ref[href="#schema-${withProps}"]`).first().click();
  await page.waitForFunction((n) => document.getElementById(`schema-${n}`).open, withProps);
  const props = await page.locator(`[id="schema-${withProps}"] .schema > .props > li[data-prop]`).evaluateAll((lis) => lis.map((li) => li.dataset.prop));
  check(isDeepStrictEqual(props, Object.keys(spec.components.schemas[withProps].properties)), `${withProps}'s properties: ${props.join(', ')}`);
  const top = await page.evaluate((n) => document.getElementById(`schema-${n}`).getBoundingClientRect().top, withProps);
  check(top >= 0 && top < 300, `scrolled to it: ${top}`);
  await page.click('#collapse-all');
});

await test('the stream operation shows the schema of each data: event (the chunk)', async () => {
  check(streamOps.length > 0, 'the document has a text/event-stream response with x-sse-data');
  for (const o of streamOps) {
    const d = page.locator(opSel(o));
    await d.evaluate((n) => { n.open = true; });
    for (const [code, raw] of Object.entries(o.op.responses)) {
      for (const [t, m] of Object.entries(deref(raw)?.content || {})) {
        if (!/event-stream/.test(t) || m['x-sse-data'] === undefined) continue;
        const box = d.locator(`.response[data-status="${code}"] .media[data-content-type="${t}"][data-sse="true"]`);
        check(await box.count() === 1, `${o.key} ${code}: the event stream is marked`);
        check(/data:/.test(await box.locator('.sse-note').innerText()), 'it says each data: line carries the schema');
        // The chunk: x-sse-data itself or one of its oneOf/anyOf members.
        const top = deref(m['x-sse-data']);
        const candidates = [m['x-sse-data'], ...(top.oneOf || top.anyOf || [])].map(schemaRef).filter(Boolean);
        const chunk = candidates.find((n) => /chunk/i.test(n)) || candidates[0];
        check(chunk, `${o.key}: x-sse-data names a schema`);
        check(await box.locator(`a.ref[href="#schema-${chunk}"]`).count() >= 1, `${o.key}: ${chunk} linked in the stream`);
        // Its properties, shown (expanding the tree where needed).
        const want = Object.keys(deref(spec.components.schemas[chunk]).properties || {});
        check(want.length > 0, `${chunk} has properties`);
        const holder = chunk === schemaRef(m['x-sse-data'])
          ? box.locator('.schema').first()
          : box.locator('li.prop-option').filter({ has: page.locator(`> .prop-line a.ref[href="#schema-${chunk}"]`) }).first();
        const kids = holder.locator('> details.prop-children');
        if (await kids.count()) await kids.evaluate((n) => { n.open = true; });
        const got = await holder.locator('ul.props').first().locator('> li[data-prop]').evaluateAll((lis) => lis.map((li) => li.dataset.prop));
        check(isDeepStrictEqual(got, want), `${o.key}: ${chunk}'s properties ${got.join(', ')} (want ${want.join(', ')})`);
      }
    }
  }
  await page.locator(opSel(streamOps[0])).scrollIntoViewIfNeeded();
  await page.locator(`${opSel(streamOps[0])} .media[data-sse="true"]`).first().scrollIntoViewIfNeeded();
  await shot(page, 'desktop-stream');
  await page.click('#collapse-all');
});

await test('the curl example of POST /api/token/: this origin, the example body, and it runs', async () => {
  const o = ops.find((x) => x.key === 'POST /api/token/');
  check(o, 'the document has POST /api/token/');
  const example = requestExample(o);
  check(example !== undefined, 'POST /api/token/ has a request example');
  const d = page.locator(opSel(o));
  await d.evaluate((n) => { n.open = true; });
  const curl = await d.locator('pre.curl').innerText();
  check(curl.startsWith(`curl -X POST ${origin}/api/token/`), `starts with the page's origin: ${curl.split('\n')[0]}`);
  check(curl.includes('-H "Content-Type: application/json"'), 'JSON content type');
  check(!/Authorization/.test(curl), 'no Authorization header: the login needs none');
  // What bash passes to curl: a shell function stands in for curl and prints its arguments.
  const args = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${curl}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
  check(args.includes(`${origin}/api/token/`), `URL argument: ${args.join(' | ')}`);
  const body = args[args.indexOf('-d') + 1];
  check(isDeepStrictEqual(JSON.parse(body), example), `body ${body} is the example ${JSON.stringify(example)}`);
  // And for real: it reaches the server and gets an HTTP answer.
  const code = execFileSync('bash', ['-c', `${curl} -sS -o /dev/null -w '%{http_code}'`], { encoding: 'utf8' });
  check(/^[1-5]\d\d$/.test(code), `the command ran: HTTP ${code}`);
  // A secured operation sends the token.
  const secured = ops.find((x) => x.method === 'GET' && security(x.op).length && !x.params.some((p) => p.in === 'path'));
  if (secured) {
    const c = await page.locator(opSel(secured)).locator('pre.curl').textContent();
    check(c.includes('-H "Authorization: Bearer $ACCESS_TOKEN"'), `${secured.key}: bearer header: ${c}`);
    check(c.startsWith(`curl ${origin}${secured.path}`) || c.startsWith(`curl "${origin}${secured.path}`), `${secured.key}: ${c.split('\n')[0]}`);
  }
  await d.locator('button.copy').click();
  await page.waitForFunction((sel) => /Copied/.test(document.querySelector(sel).textContent), `${opSel(o)} .copy-note`);
  check((await page.evaluate(() => navigator.clipboard.readText())) === curl, 'Copy puts the command on the clipboard');
  await d.evaluate((n) => { n.open = false; });
});

await test('the sidebar filter narrows the operations', async () => {
  const o = ops.find((x) => x.key === 'POST /api/token/') || ops[0];
  await page.fill('#toc-filter', o.path);
  const visible = await page.locator('#toc a.toc-op:visible').evaluateAll((as) => as.map((a) => ({ text: a.textContent, words: a.dataset.filter })));
  check(visible.length > 0 && visible.length < ops.length, `${visible.length} of ${ops.length} shown for ${o.path}`);
  check(visible.every((v) => v.words.includes(o.path.toLowerCase())), `each shown one matches: ${visible.map((v) => v.text).join(', ')}`);
  check(visible.some((v) => v.text === `${o.method}${o.path}`), `${o.key} is among them`);
  await page.fill('#toc-filter', 'no-such-operation-zzz');
  check(await page.isVisible('#toc .toc-empty'), '"No operation matches"');
  await page.fill('#toc-filter', '');
  check(await page.locator('#toc a.toc-op:visible').count() === ops.length, 'all back');
});

await test('links: the console at /console/, /openapi.yaml and /openapi.json answer 200', async () => {
  const yamls = await page.locator('a[href$="openapi.yaml"]').evaluateAll((as) => as.map((a) => a.href));
  const jsons = await page.locator('a[href$="openapi.json"]').evaluateAll((as) => as.map((a) => a.href));
  check(yamls.length > 0 && jsons.length > 0, 'both are linked');
  for (const u of new Set(yamls)) {
    check(u === `${origin}/openapi.yaml`, `yaml link ${u}`);
    const r = await fetch(u);
    const t = await r.text();
    check(r.status === 200, `${u}: ${r.status}`);
    check(/^openapi:\s*['"]?3\.1/m.test(t), `${u} is the YAML document`);
    check(t.includes(spec.info.title), 'with the same title');
  }
  for (const u of new Set(jsons)) {
    const r = await fetch(u);
    check(r.status === 200 && /json/.test(r.headers.get('content-type') || ''), `${u}: ${r.status} ${r.headers.get('content-type')}`);
    check(isDeepStrictEqual(await r.json(), spec), `${u} is the document`);
  }
  const consoleHref = await page.locator('#console-link').evaluate((a) => a.href);
  check(consoleHref === `${origin}/console/`, `console link ${consoleHref}`);
  // The console's own console messages are its test's business; its requests are still watched.
  const p = watch(await context.newPage(), { expectErrors: true });
  await p.goto(`${base}/docs/`);
  await ready(p);
  await Promise.all([p.waitForURL(`${origin}/console/`), p.click('#console-link')]);
  check((await p.title()) === 'LLM API console', `the console: ${await p.title()}`);
  await p.close();
});

await test('narrow screen, dark: contents behind a button, nothing wider than the window', async () => {
  const p = watch(await context.newPage());
  await p.setViewportSize({ width: 390, height: 844 });
  await p.emulateMedia({ colorScheme: 'dark' });
  await p.goto(`${base}/docs/`);
  await ready(p);
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg !== 'rgb(244, 245, 247)', `dark background: ${bg}`);
  check(!(await p.isVisible('#sidebar')), 'the sidebar is folded away');
  await p.click('#toc-toggle');
  check(await p.isVisible('#sidebar'), 'the Contents button shows it');
  const o = streamOps[0] || ops[0];
  await p.click(`#toc a.toc-op[href="#${await p.locator(opSel(o)).getAttribute('id')}"]`);
  await p.waitForFunction((sel) => document.querySelector(sel).open, opSel(o));
  check(!(await p.isVisible('#sidebar')), 'following a link folds it again');
  await p.evaluate(() => { for (const d of document.querySelectorAll('details.op')) d.open = true; });
  const wide = await p.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const over = [...document.querySelectorAll('#doc *')].filter((n) => {
      const r = n.getBoundingClientRect();
      if (!r.width || r.right <= vw + 1) return false;
      // Inside a horizontal scroller (code, tables) is fine.
      for (let a = n.parentElement; a; a = a.parentElement) if (/(auto|scroll)/.test(getComputedStyle(a).overflowX)) return false;
      return true;
    });
    return { scroll: document.documentElement.scrollWidth, vw, over: over.slice(0, 5).map((n) => `${n.tagName}.${n.className}`) };
  });
  check(wide.scroll <= wide.vw && !wide.over.length, `page ${wide.scroll}px in ${wide.vw}px; too wide: ${wide.over.join(' ')}`);
  await p.evaluate(() => { for (const d of document.querySelectorAll('details.op')) d.open = false; });
  await p.locator(opSel(o)).evaluate((n) => { n.open = true; n.scrollIntoView(); });
  await shot(p, 'narrow-dark');
  await p.close();
});

await test('hostile text stays text; recursive schemas end in a link; strict CSP holds', async () => {
  // The page under Content-Security-Policy: default-src 'self' (set here, whatever the server sends),
  // given a document with markup in its strings and a schema that contains itself.
  const p = watch(await context.newPage());
  await p.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const evil = structuredClone(spec);
  evil.info = { ...evil.info, title: '<img src="https://evil.example/x.png" onerror="window.__pwned=1">T', description: 'Hi <script>window.__pwned=2</script> [click](javascript:window.__pwned=3) ![i](https://evil.example/i.png)' };
  evil.components = { ...(evil.components || {}) };
  evil.components.schemas = { ...(evil.components.schemas || {}),
    DocsTestNode: { type: 'object', description: '<b>bold?</b>', properties: { name: { type: 'string' }, child: { $ref: '#/components/schemas/DocsTestNode' }, children: { type: 'array', items: { $ref: '#/components/schemas/DocsTestNode' } } } } };
  await p.route(`${origin}/docs/`, async (route) => {
    const resp = await route.fetch();
    await route.fulfill({ response: resp, headers: { ...resp.headers(), 'content-security-policy': "default-src 'self'" } });
  });
  await p.route(`${origin}/openapi.json`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(evil) }));
  await p.goto(`${base}/docs/`);
  await ready(p);
  check((await p.locator('#doc h1').textContent()) === evil.info.title, 'the title is shown as text');
  check(await p.locator('#doc img, #doc script, #doc b').count() === 0, 'no element made from the strings');
  check(await p.evaluate(() => window.__pwned) === undefined, 'nothing ran');
  check(await p.locator('a[href^="javascript:"]').count() === 0, 'no javascript: link');
  check((await p.locator('.intro-desc').textContent()).includes('<script>'), 'markup shown literally');
  await p.click('#toc a[href="#schemas"]');
  await p.locator('#schema-DocsTestNode > summary').click();
  const tree = p.locator('#schema-DocsTestNode .schema');
  await tree.waitFor();   // built when first opened (the toggle event)
  check(await tree.locator('> .props > li[data-prop="child"] a.ref[href="#schema-DocsTestNode"]').count() === 1, 'the self-reference is a link');
  check(await tree.locator('> .props > li[data-prop="child"] .flag.recursive').count() === 1, 'marked recursive');
  check(await tree.locator('> .props > li[data-prop="child"] details').count() === 0, 'and not expanded');
  check(await tree.locator('> .props > li[data-prop="children"] a.ref[href="#schema-DocsTestNode"]').count() === 1, 'array of itself too');
  // Inline attributes: no handlers, no style= (the CSP would refuse them).
  const inline = await p.evaluate(() => [...document.querySelectorAll('*')].flatMap((n) => [...n.attributes].filter((a) => /^on/i.test(a.name) || a.name === 'style').map((a) => `${n.tagName} ${a.name}`)));
  check(!inline.length, `inline attributes: ${inline.slice(0, 5).join(', ')}`);
  check(await p.locator('script:not([src])').count() === 0, 'no inline script');
  check(isDeepStrictEqual(await p.evaluate(() => window.__csp), []), `CSP violations: ${await p.evaluate(() => window.__csp.join(', '))}`);
  await p.close();
});

await test('a failed fetch of /openapi.json says so in the page', async () => {
  for (const mode of ['503', 'network']) {
    const p = watch(await context.newPage(), { expectErrors: true });
    await p.route(`${origin}/openapi.json`, (route) => (mode === '503'
      ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"detail":"Service temporarily unavailable, try again later."}' })
      : route.abort('connectionrefused')));
    await p.goto(`${base}/docs/`);
    await p.waitForSelector('html[data-state="error"]');
    check(await p.isVisible('#load-error'), `${mode}: the error is shown`);
    check(!(await p.isVisible('#loading')), `${mode}: no longer "Loading"`);
    const t = await p.locator('#load-error').innerText();
    check(/Could not load the API description/.test(t) && t.includes('/openapi.json'), `${mode}: says what failed: ${t}`);
    if (mode === '503') check(t.includes('503'), `says the status: ${t}`);
    check(await p.locator('#load-error a[href="/openapi.yaml"]').count() === 1, 'offers the YAML');
    if (mode === '503') await shot(p, 'error');
    await p.close();
  }
});

await test('no request to another origin, no console error, no page error', async () => {
  check(external.length === 0, `external requests: ${external.join(' ')}`);
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
});

await browser.close();
finish(' (docs-*.png)');
