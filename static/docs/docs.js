// API reference: fetches /openapi.json (same origin) and renders it. No
// dependencies and no external assets; the DOM is built with createElement
// and textContent only (never innerHTML), so the page works under
// Content-Security-Policy: default-src 'self' and a hostile document string
// stays text. Anchors: #operation-<operationId>, #schema-<Name>,
// #tag-<name>, #security-<name>.

const SPEC_URL = '/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ACCESS_VAR = '$ACCESS_TOKEN';         // the shell variable curl examples use
const SCHEMA_PREFIX = '#/components/schemas/';

let spec = null;                         // the OpenAPI document
const usedIds = new Set();

// ------------------------------------------------------------------ DOM helpers
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}
function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}
function svgIcon(kind) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `icon icon-${kind}`);
  const paths = {
    lock: ['M4.5 7V5a3.5 3.5 0 0 1 7 0v2', 'M3 7h10v7H3z'],
    link: ['M6.5 9.5l3-3', 'M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1', 'M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1'],
  }[kind] || [];
  for (const d of paths) {
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}
// A document-unique id (HTML ids may hold any character but whitespace).
function uniqueId(base) {
  let id = String(base).replace(/\s+/g, '-');
  if (usedIds.has(id)) { let n = 2; while (usedIds.has(`${id}-${n}`)) n++; id = `${id}-${n}`; }
  usedIds.add(id);
  return id;
}
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ------------------------------------------------------------------ Markdown (CommonMark subset) to DOM
// Blocks: paragraphs, headings, fenced and indented code, lists (nested),
// block quotes, GFM tables, rules. Inline: code, links, autolinks, bare URLs,
// strong, emphasis, strikethrough, escapes, hard breaks. Raw HTML is text.
function md(text, cls = 'md') {
  const box = el('div', { class: cls });
  if (typeof text === 'string' && text.trim()) mdBlocks(text.replace(/\r\n?/g, '\n').split('\n'), box);
  return box;
}
function mdInlineOnly(text) { const s = el('span'); mdInline(String(text), s); return s; }

function mdBlocks(lines, out) {
  let i = 0;
  let para = [];
  const flushPara = () => {
    if (para.length) { const p = el('p'); mdInline(para.join('\n'), p); out.append(p); para = []; }
  };
  const listRe = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)/;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) { flushPara(); i++; continue; }
    if ((m = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line))) {          // fenced code
      flushPara();
      const fence = m[1];
      const body = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[i])) body.push(lines[i++]);
      i++;
      out.append(el('pre', { class: 'code' }, el('code', { class: m[2] ? `lang-${m[2]}` : null, text: body.join('\n') })));
      continue;
    }
    if (!para.length && /^( {4}|\t)/.test(line)) {                          // indented code
      const body = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || !lines[i].trim())) body.push(lines[i++].replace(/^( {4}|\t)/, ''));
      while (body.length && !body[body.length - 1].trim()) body.pop();
      out.append(el('pre', { class: 'code' }, el('code', { text: body.join('\n') })));
      continue;
    }
    if ((m = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {             // heading
      flushPara();
      const h = el('p', { class: `md-h md-h${m[1].length}` });
      mdInline(m[2], h);
      out.append(h);
      i++;
      continue;
    }
    if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) { flushPara(); out.append(el('hr')); i++; continue; }
    if (/^ {0,3}>/.test(line)) {                                            // block quote
      flushPara();
      const body = [];
      while (i < lines.length && /^ {0,3}>/.test(lines[i])) body.push(lines[i++].replace(/^ {0,3}> ?/, ''));
      const q = el('blockquote');
      mdBlocks(body, q);
      out.append(q);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      flushPara();                                                          // GFM table
      const cells = (l) => l.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
      const head = cells(line);
      const aligns = cells(lines[i + 1]).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : null));
      i += 2;
      const tbody = el('tbody');
      while (i < lines.length && lines[i].trim() && lines[i].includes('|')) {
        const row = el('tr');
        cells(lines[i++]).forEach((c, k) => { const td = el('td', { class: aligns[k] ? `al-${aligns[k]}` : null }); mdInline(c, td); row.append(td); });
        tbody.append(row);
      }
      const tr = el('tr');
      head.forEach((c, k) => { const th = el('th', { class: aligns[k] ? `al-${aligns[k]}` : null }); mdInline(c, th); tr.append(th); });
      out.append(el('div', { class: 'table-wrap' }, el('table', { class: 'table md-table' }, el('thead', {}, tr), tbody)));
      continue;
    }
    if ((m = listRe.exec(line)) && (!para.length || !/^\d/.test(m[2]) || m[2].startsWith('1'))) {   // list
      flushPara();
      const ordered = /^\d/.test(m[2]);
      const list = el(ordered ? 'ol' : 'ul');
      if (ordered && parseInt(m[2], 10) !== 1) list.setAttribute('start', String(parseInt(m[2], 10)));
      while (i < lines.length) {
        const im = listRe.exec(lines[i]);
        if (!im || /^\d/.test(im[2]) !== ordered) break;
        const indent = im[1].length + im[2].length + Math.max(1, Math.min(im[3].length, 4));
        const item = [lines[i].slice(im[0].length)];
        i++;
        while (i < lines.length) {
          const l = lines[i];
          if (!l.trim()) {
            // A blank line continues the item only when indented text follows.
            if (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && lines[i + 1].search(/\S/) >= indent) { item.push(''); i++; continue; }
            break;
          }
          if (listRe.test(l) && l.search(/\S/) < indent) break;
          if (l.search(/\S/) >= indent) { item.push(l.slice(indent)); i++; continue; }
          if (/^ {0,3}(#{1,6}\s|>|`{3}|~{3})/.test(l)) break;
          item.push(l.trim()); i++;                                         // lazy continuation
        }
        const li = el('li');
        mdBlocks(item, li);
        // A tight item is its text, not a paragraph.
        if (li.childNodes.length >= 1 && li.firstChild.nodeName === 'P' && !item.includes('')) li.firstChild.replaceWith(...li.firstChild.childNodes);
        list.append(li);
        while (i < lines.length && !lines[i].trim() && i + 1 < lines.length && listRe.test(lines[i + 1]) && /^\d/.test(listRe.exec(lines[i + 1])[2]) === ordered) i++;
      }
      out.append(list);
      continue;
    }
    para.push(line.replace(/^\s+/, ''));
    i++;
  }
  flushPara();
}

function safeHref(url) {
  const u = String(url).trim();
  if (/^#/.test(u)) return u;
  try {
    const parsed = new URL(u, location.href);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? u : null;
  } catch { return null; }
}
function mdLink(href, parent) {
  const safe = safeHref(href);
  // An unsafe target (javascript:, data:…): the text without a link.
  const a = safe ? el('a', { href: safe }) : el('span', { class: 'md-badlink', title: 'link removed' });
  if (!safe) { if (parent) parent.append(a); return a; }
  if (/^(https?:)?\/\//i.test(safe) && new URL(safe, location.href).origin !== location.origin) a.rel = 'noopener noreferrer';
  if (parent) parent.append(a);
  return a;
}

function mdInline(s, parent) {
  let buf = '';
  const flush = () => { if (buf) { parent.append(buf); buf = ''; } };
  const punct = /[!-/:-@[-`{-~]/;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      if (s[i + 1] === '\n') { flush(); parent.append(el('br')); i += 2; continue; }
      if (punct.test(s[i + 1])) { buf += s[i + 1]; i += 2; continue; }
    }
    if (c === '`') {
      let n = 1; while (s[i + n] === '`') n++;
      const ticks = '`'.repeat(n);
      let j = i + n, end = -1;
      while ((j = s.indexOf(ticks, j)) !== -1) {
        if (s[j + n] !== '`' && s[j - 1] !== '`') { end = j; break; }
        while (s[j] === '`') j++;
      }
      if (end !== -1) {
        flush();
        let code = s.slice(i + n, end).replace(/\n/g, ' ');
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        parent.append(el('code', { text: code }));
        i = end + n;
        continue;
      }
      buf += ticks; i += n; continue;
    }
    if (c === '[' || (c === '!' && s[i + 1] === '[')) {
      // An image is shown as a link to it: the page loads nothing it does not need.
      const link = parseLink(s, c === '!' ? i + 1 : i);
      if (link) {
        flush();
        const a = mdLink(link.href, parent);
        if (link.title) a.title = link.title;
        mdInline(link.text, a);
        i = link.end;
        continue;
      }
    }
    if (c === '<') {
      const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(s.slice(i));
      if (m) { flush(); mdLink(m[1], parent).textContent = m[1].replace(/^mailto:/i, ''); i += m[0].length; continue; }
    }
    if ((c === 'h' || c === 'H') && (i === 0 || /[\s(]/.test(s[i - 1]))) {
      const m = /^https?:\/\/[^\s<>"]*[^\s<>".,:;'")\]!?*_~]/i.exec(s.slice(i));
      if (m) { flush(); mdLink(m[0], parent).textContent = m[0]; i += m[0].length; continue; }
    }
    if (c === '*' || c === '_' || (c === '~' && s[i + 1] === '~')) {
      let n = 1; while (s[i + n] === c) n++;
      const prev = i > 0 ? s[i - 1] : ' ';
      const next = s[i + n] || ' ';
      const canOpen = !/\s/.test(next) && (c !== '_' || !/[\p{L}\p{N}]/u.test(prev));
      if (canOpen && n <= 3) {
        const want = c === '~' ? 2 : n;
        const close = findCloser(s, i + n, c, want);
        if (c !== '~' || n === 2) {
          if (close !== -1) {
            flush();
            const inner = s.slice(i + n, close);
            let node;
            if (c === '~') node = el('del');
            else if (n === 3) { node = el('em'); const st = el('strong'); node.append(st); mdInline(inner, st); }
            else node = el(n === 2 ? 'strong' : 'em');
            if (n !== 3) mdInline(inner, node);
            parent.append(node);
            i = close + n;
            continue;
          }
        }
      }
      buf += c.repeat(n); i += n; continue;
    }
    if (c === '\n') {
      if (/ {2,}$/.test(buf)) { buf = buf.replace(/ +$/, ''); flush(); parent.append(el('br')); i++; continue; }
      buf += ' '; i++; continue;       // soft break
    }
    buf += c; i++;
  }
  flush();
}
function findCloser(s, from, c, n) {
  const run = c.repeat(n);
  let j = from;
  while ((j = s.indexOf(run, j)) !== -1) {
    if (s[j + n] === c) { j += n + 1; continue; }         // a longer run
    if (j > from && !/\s/.test(s[j - 1]) && (c !== '_' || !/[\p{L}\p{N}]/u.test(s[j + n] || ' '))) {
      // Not inside a code span between from and j.
      if ((s.slice(from, j).match(/`/g) || []).length % 2 === 0) return j;
    }
    j += n;
  }
  return -1;
}
function parseLink(s, i) {
  let depth = 0, j = i;
  for (; j < s.length; j++) {
    if (s[j] === '\\') { j++; continue; }
    if (s[j] === '`') { const k = s.indexOf('`', j + 1); if (k !== -1) j = k; continue; }
    if (s[j] === '[') depth++;
    else if (s[j] === ']' && --depth === 0) break;
  }
  if (j >= s.length || s[j + 1] !== '(') return null;
  const m = /^\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+("([^"]*)"|'([^']*)'))?\s*\)/.exec(s.slice(j + 1));
  if (!m) return null;
  return { text: s.slice(i + 1, j), href: m[1].replace(/^<|>$/g, ''), title: m[3] ?? m[4], end: j + 1 + m[0].length };
}

// ------------------------------------------------------------------ $ref resolution
function pointer(ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  if (ref === '#') return spec;
  if (!ref.startsWith('#/')) return undefined;
  let cur = spec;
  for (const raw of ref.slice(2).split('/')) {
    let key;
    try { key = decodeURIComponent(raw); } catch { key = raw; }
    key = key.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur == null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}
// Follows the $ref of a parameter, response, request body, header or example;
// a Reference Object's own summary and description win (OpenAPI 3.1).
function deref(obj) {
  let cur = obj;
  const own = {};
  for (let n = 0; isObj(cur) && typeof cur.$ref === 'string' && n < 32; n++) {
    if (cur.description !== undefined && own.description === undefined) own.description = cur.description;
    if (cur.summary !== undefined && own.summary === undefined) own.summary = cur.summary;
    const next = pointer(cur.$ref);
    if (next === undefined) return { ...own, $unresolved: cur.$ref };
    cur = next;
  }
  return isObj(cur) ? { ...cur, ...own } : cur;
}
function schemaName(ref) {
  if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_PREFIX)) return null;
  const rest = ref.slice(SCHEMA_PREFIX.length);
  if (rest.includes('/')) return null;
  let name;
  try { name = decodeURIComponent(rest); } catch { name = rest; }
  name = name.replace(/~1/g, '/').replace(/~0/g, '~');
  return isObj(spec.components?.schemas) && name in spec.components.schemas ? name : null;
}
const schemaAnchor = (name) => `schema-${name}`.replace(/\s+/g, '-');
function refLink(name, cls = 'ref') {
  return el('a', { class: cls, href: `#${schemaAnchor(name)}`, 'data-ref': name, text: name });
}

// expand(schema, ctx): one schema ready to show: its $ref followed (the
// reference's own keywords win), a two-member oneOf/anyOf with "null" turned
// into a nullable schema, mergeable allOf merged. ctx.stack holds the
// component names being expanded: meeting one again is a recursion, shown as
// a link and never expanded.
function expand(schema, ctx) {
  const res = { s: schema, ref: null, recursive: false, broken: null, nullable: false, ctx };
  if (schema === true || schema === undefined) { res.s = {}; return res; }
  if (schema === false) { res.s = { not: {} }; return res; }
  if (!isObj(schema)) { res.s = {}; return res; }
  let s = schema;
  for (let n = 0; typeof s.$ref === 'string' && n < 32; n++) {
    const name = schemaName(s.$ref);
    const target = pointer(s.$ref);
    const { $ref, ...own } = s;
    if (target === undefined || !(isObj(target) || typeof target === 'boolean')) { res.broken = $ref; s = own; break; }
    if (name) {
      if (!res.ref) res.ref = name;
      // Its own keywords only: the target's are shown where it is expanded.
      if (res.ctx.stack.includes(name)) { res.recursive = true; res.s = own; return res; }
      res.ctx = { ...res.ctx, stack: [...res.ctx.stack, name] };
    }
    s = { ...(isObj(target) ? target : {}), ...own };
  }
  // oneOf/anyOf of [X, null]: X, nullable.
  for (const key of ['oneOf', 'anyOf']) {
    const list = s[key];
    if (Array.isArray(list) && list.length === 2 && !s.properties && !s.type) {
      const nullIdx = list.findIndex((m) => isObj(m) && (m.type === 'null' || (Array.isArray(m.type) && m.type.length === 1 && m.type[0] === 'null')) && !m.$ref);
      if (nullIdx !== -1) {
        const { [key]: _, ...rest } = s;
        const inner = expand(list[1 - nullIdx], res.ctx);
        const merged = { ...inner, nullable: true, ref: inner.ref || res.ref };
        merged.s = { ...inner.s, ...pick(rest, ['description', 'title', 'default', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly']) };
        return merged;
      }
    }
  }
  if (Array.isArray(s.allOf)) s = mergeAllOf(s, res);
  res.s = s;
  return res;
}
function pick(o, keys) { const r = {}; for (const k of keys) if (o[k] !== undefined) r[k] = o[k]; return r; }

// allOf whose members are all plain objects (after their refs) becomes one
// object: properties and required merged; the referenced names are kept as
// "includes". Anything else stays an allOf, shown as its members.
function mergeAllOf(s, res) {
  const parts = [];
  const includes = [];
  let ctx = res.ctx;
  for (const m of s.allOf) {
    const e = expand(m, ctx);
    if (e.recursive || e.broken || !isObj(e.s)) return s;
    const sub = e.s;
    if (sub.oneOf || sub.anyOf || sub.allOf || sub.not || sub.items || sub.prefixItems) return s;
    const t = typeList(sub).types;
    if (t.length && !(t.length === 1 && t[0] === 'object')) return s;
    if (e.ref) includes.push(e.ref);
    ctx = e.ctx;
    parts.push(sub);
  }
  const { allOf, ...outer } = s;
  const merged = { type: 'object', properties: {}, required: [] };
  for (const p of [...parts, outer]) {
    for (const [k, v] of Object.entries(p)) {
      if (k === 'properties' && isObj(v)) Object.assign(merged.properties, v);
      else if (k === 'required' && Array.isArray(v)) merged.required.push(...v.filter((r) => !merged.required.includes(r)));
      else if (k === 'type') continue;
      else if (k === 'description' || k === 'title') { if (p === outer) merged[k] = v; else if (merged[k] === undefined) merged[k] = v; }
      else merged[k] = v;
    }
  }
  if (includes.length) merged['x-docs-includes'] = includes;
  res.ctx = ctx;
  return merged;
}

// ------------------------------------------------------------------ schema labels
function jsonType(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
function typeList(s) {
  let types = s.type === undefined ? [] : (Array.isArray(s.type) ? [...s.type] : [s.type]);
  let nullable = s.nullable === true;
  if (types.includes('null') && types.length > 1) { nullable = true; types = types.filter((t) => t !== 'null'); }
  if (!types.length) {
    if ('const' in s) types = [jsonType(s.const)];
    else if (Array.isArray(s.enum)) {
      if (s.enum.includes(null)) nullable = true;
      types = [...new Set(s.enum.filter((v) => v !== null).map(jsonType))];
      if (types.includes('integer') && types.includes('number')) types = types.filter((t) => t !== 'integer');
    } else if (s.properties || s.additionalProperties !== undefined || s.patternProperties || s.required) types = ['object'];
    else if (s.items || s.prefixItems) types = ['array'];
  }
  if (Array.isArray(s.enum) && s.enum.includes(null)) nullable = true;
  return { types, nullable };
}
// The type of a schema as nodes: "string", "array of ToolCall", "integer | string",
// "one of (3)", a link for a referenced component.
function typeNodes(e, { linkRef = true } = {}) {
  const s = e.s;
  if (e.ref && linkRef) {
    const out = [refLink(e.ref)];
    if (e.recursive) out.push(el('span', { class: 'flag recursive', title: 'This schema contains itself: follow the link', text: 'recursive' }));
    return out;
  }
  if (e.broken) return [el('span', { class: 'type broken', title: `unresolved $ref ${e.broken}`, text: e.broken })];
  const { types } = typeList(s);
  const out = [];
  if (types.length) {
    types.forEach((t, k) => {
      if (k) out.push(el('span', { class: 'type-sep', text: ' | ' }));
      if (t === 'array') {
        out.push(el('span', { class: 'type', text: 'array' }));
        if (isObj(s.items) || typeof s.items === 'boolean') {
          const it = expand(s.items, e.ctx);
          const inner = typeNodes(it);
          if (inner.length) { out.push(el('span', { class: 'type-of', text: ' of ' })); out.push(...inner); }
        } else if (Array.isArray(s.prefixItems)) out.push(el('span', { class: 'type-of', text: ' (tuple)' }));
      } else {
        out.push(el('span', { class: 'type', text: t }));
        if (s.format && k === types.length - 1) out.push(el('span', { class: 'format', text: `<${s.format}>` }));
      }
    });
  } else if (s.oneOf) out.push(el('span', { class: 'type comb', text: `one of ${s.oneOf.length}` }));
  else if (s.anyOf) out.push(el('span', { class: 'type comb', text: `any of ${s.anyOf.length}` }));
  else if (s.allOf) out.push(el('span', { class: 'type comb', text: `all of ${s.allOf.length}` }));
  else if (s.not) out.push(el('span', { class: 'type comb', text: 'not' }));
  else out.push(el('span', { class: 'type any', text: 'any' }));
  if ((s.oneOf || s.anyOf) && types.length) out.push(el('span', { class: 'type comb', text: ` (${s.oneOf ? 'one' : 'any'} of ${(s.oneOf || s.anyOf).length})` }));
  return out;
}
function flagNodes(e, required) {
  const s = e.s;
  const out = [];
  if (required) out.push(el('span', { class: 'flag req', title: 'required', text: 'required' }));
  if (e.nullable || typeList(s).nullable) out.push(el('span', { class: 'flag nullable', text: 'nullable' }));
  if (s.readOnly) out.push(el('span', { class: 'flag', text: 'read-only' }));
  if (s.writeOnly) out.push(el('span', { class: 'flag', text: 'write-only' }));
  if (s.deprecated) out.push(el('span', { class: 'flag deprecated', text: 'deprecated' }));
  return out;
}
function short(v, max = 80) {
  let t = typeof v === 'string' ? v : JSON.stringify(v);
  if (t === undefined) t = String(v);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
function valueCode(v) { return el('code', { class: 'val', text: typeof v === 'string' ? v : short(v) }); }
function metaNodes(e) {
  const s = e.s;
  const items = [];
  const add = (label, ...nodes) => items.push(el('span', { class: 'meta-item' }, label ? el('span', { class: 'meta-label', text: `${label} ` }) : null, ...nodes));
  if ('const' in s) add('value', valueCode(s.const));
  if (Array.isArray(s.enum)) add(s.enum.length === 1 ? 'value' : 'one of', ...s.enum.map((v, k) => [k ? ' ' : null, valueCode(v)]));
  const { types } = typeList(s);
  const num = (x) => String(x);
  if (s.minimum !== undefined || s.maximum !== undefined || typeof s.exclusiveMinimum === 'number' || typeof s.exclusiveMaximum === 'number') {
    const lo = typeof s.exclusiveMinimum === 'number' ? `> ${num(s.exclusiveMinimum)}` : s.minimum !== undefined ? `${s.exclusiveMinimum === true ? '>' : '≥'} ${num(s.minimum)}` : null;
    const hi = typeof s.exclusiveMaximum === 'number' ? `< ${num(s.exclusiveMaximum)}` : s.maximum !== undefined ? `${s.exclusiveMaximum === true ? '<' : '≤'} ${num(s.maximum)}` : null;
    const both = s.minimum !== undefined && s.maximum !== undefined && s.exclusiveMinimum === undefined && s.exclusiveMaximum === undefined;
    add(both ? 'range' : null, el('span', { text: both ? `${num(s.minimum)} to ${num(s.maximum)}` : [lo, hi].filter(Boolean).join(', ') }));
  }
  if (s.multipleOf !== undefined) add('multiple of', valueCode(s.multipleOf));
  const range = (lo, hi, unit) => {
    const u = (n) => (n === 1 ? unit.replace(/s$/, '') : unit);
    if (lo !== undefined && hi !== undefined) return lo === hi ? `exactly ${lo} ${u(lo)}` : `${lo}–${hi} ${unit}`;
    return lo !== undefined ? `at least ${lo} ${u(lo)}` : `at most ${hi} ${u(hi)}`;
  };
  if (s.minLength !== undefined || s.maxLength !== undefined) add('length', el('span', { text: range(s.minLength, s.maxLength, 'characters') }));
  if (s.minItems !== undefined || s.maxItems !== undefined) add(null, el('span', { text: range(s.minItems, s.maxItems, 'items') }));
  if (s.uniqueItems) add(null, el('span', { text: 'unique items' }));
  if (s.minProperties !== undefined || s.maxProperties !== undefined) add(null, el('span', { text: range(s.minProperties, s.maxProperties, 'keys') }));
  if (s.pattern) add('pattern', el('code', { class: 'val', text: s.pattern }));
  if (s.contentMediaType) add('content', el('code', { class: 'val', text: s.contentMediaType }));
  if (s.contentEncoding) add('encoding', el('code', { class: 'val', text: s.contentEncoding }));
  if (s.default !== undefined) add('default', valueCode(s.default));
  if (types.includes('array') && isObj(s.items)) {
    const it = expand(s.items, e.ctx);
    if (!it.recursive && (Array.isArray(it.s.enum) || 'const' in it.s)) {
      const vals = 'const' in it.s ? [it.s.const] : it.s.enum;
      add('items one of', ...vals.map((v, k) => [k ? ' ' : null, valueCode(v)]));
    }
  }
  if (s.additionalProperties === false && (s.properties || types.includes('object'))) add(null, el('span', { text: 'no other keys' }));
  if (s.discriminator?.propertyName) {
    add('by', el('code', { class: 'val', text: s.discriminator.propertyName }));
    if (isObj(s.discriminator.mapping)) {
      add('mapping', ...Object.entries(s.discriminator.mapping).map(([k, v], n) => {
        const name = schemaName(v) || schemaName(`${SCHEMA_PREFIX}${v}`);
        return [n ? ', ' : null, el('code', { class: 'val', text: k }), ' → ', name ? refLink(name) : String(v)];
      }));
    }
  }
  if (s.not) {
    const ne = expand(s.not, e.ctx);
    add('not', ...typeNodes(ne));
  }
  if (Array.isArray(s['x-docs-includes'])) add('includes', ...s['x-docs-includes'].map((n, k) => [k ? ', ' : null, refLink(n)]));
  const ex = Array.isArray(s.examples) && s.examples.length ? s.examples[0] : s.example;
  if (ex !== undefined && (typeof ex !== 'object' || ex === null || short(ex, 200).length < 80)) add('example', valueCode(ex));
  return items.length ? el('div', { class: 'meta' }, items) : null;
}

// The entries shown under a schema: properties, additional properties,
// the item's entries for an array, the members of oneOf/anyOf/allOf.
function entriesOf(e) {
  const s = e.s;
  const out = [];
  const { types } = typeList(s);
  if (types.includes('array') && isObj(s.items)) {
    const it = expand(s.items, e.ctx);
    if (!it.recursive && !it.broken) for (const x of entriesOf(it)) out.push({ ...x, viaItems: true });
  }
  if (Array.isArray(s.prefixItems)) s.prefixItems.forEach((p, k) => out.push({ kind: 'option', name: `item ${k}`, schema: p, ctx: e.ctx }));
  if (isObj(s.properties)) {
    const req = Array.isArray(s.required) ? s.required : [];
    for (const [name, sub] of Object.entries(s.properties)) out.push({ kind: 'prop', name, schema: sub, required: req.includes(name), ctx: e.ctx });
    for (const r of req) if (!(r in s.properties)) out.push({ kind: 'prop', name: r, schema: {}, required: true, ctx: e.ctx });
  }
  if (isObj(s.patternProperties)) for (const [pat, sub] of Object.entries(s.patternProperties)) out.push({ kind: 'extra', name: `/${pat}/`, title: 'keys matching this pattern', schema: sub, ctx: e.ctx });
  if (isObj(s.additionalProperties) && (Object.keys(s.additionalProperties).length || !s.properties)) {
    out.push({ kind: 'extra', name: '{any key}', title: 'additional properties: any other key', schema: s.additionalProperties, ctx: e.ctx });
  }
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    if (!Array.isArray(s[key])) continue;
    const word = { oneOf: 'one of', anyOf: 'any of', allOf: 'all of' }[key];
    s[key].forEach((m, k) => out.push({ kind: 'option', comb: word, index: k, schema: m, ctx: e.ctx }));
  }
  return out;
}
function entriesSummary(entries, e) {
  const props = entries.filter((x) => x.kind === 'prop').length;
  const extras = entries.filter((x) => x.kind === 'extra').length;
  const opts = entries.filter((x) => x.kind === 'option');
  const parts = [];
  if (props) parts.push(plural(props, 'property', 'properties'));
  if (extras) parts.push(props ? 'other keys' : 'any keys');
  if (opts.length) parts.push(opts[0].comb ? `${opts[0].comb} ${opts.length}` : plural(opts.length, 'item'));
  const prefix = entries.some((x) => x.viaItems) ? 'each item: ' : '';
  return prefix + parts.join(', ');
}

// A list of entries (<ul class="props">); entries with entries of their own
// are <details>, their contents built when first opened.
function entryList(entries, depth) {
  const ul = el('ul', { class: 'props' });
  for (const x of entries) ul.append(entryItem(x, depth));
  return ul;
}
function entryItem(x, depth) {
  const e = expand(x.schema, x.ctx);
  const li = el('li', { class: `prop prop-${x.kind}`, 'data-prop': x.kind === 'prop' ? x.name : null });
  const line = el('div', { class: 'prop-line' });
  if (x.kind === 'option') {
    const title = e.s.title && !e.ref ? e.s.title : null;
    line.append(el('span', { class: 'opt-label', text: x.name || `${x.comb === 'all of' ? 'part' : 'option'} ${x.index + 1}` }));
    if (title) line.append(el('span', { class: 'prop-name', text: title }));
  } else {
    line.append(el('span', { class: `prop-name${x.kind === 'extra' ? ' extra' : ''}`, title: x.title || null, text: x.name }));
  }
  line.append(el('span', { class: 'prop-type' }, typeNodes(e)), ...flagNodes(e, x.required));
  li.append(line);
  const desc = e.s.description;
  if (typeof desc === 'string' && desc.trim()) li.append(md(desc, 'md prop-desc'));
  const meta = metaNodes(e);
  if (meta) li.append(meta);
  if (!e.recursive) {
    const entries = depth < 40 ? entriesOf(e) : [];
    if (entries.length) li.append(childDetails(entries, e, depth + 1));
  }
  return li;
}
function childDetails(entries, e, depth, open = false) {
  const d = el('details', { class: 'prop-children' });
  const sum = el('summary', {}, el('span', { class: 'kids', text: entriesSummary(entries, e) }));
  d.append(sum);
  let filled = false;
  const fill = () => { if (!filled) { filled = true; d.append(entryList(entries, depth)); } };
  d.addEventListener('toggle', () => { if (d.open) fill(); });
  if (open) { fill(); d.open = true; }
  return d;
}
// A whole schema (a body, a response, a component): its type line, description,
// constraints and its entries, the first level open.
function schemaBlock(schema, { stack = [], label = null } = {}) {
  const e = expand(schema, { stack });
  const box = el('div', { class: 'schema' });
  const head = el('div', { class: 'schema-head' });
  if (label) head.append(el('span', { class: 'schema-label', text: label }));
  head.append(el('span', { class: 'prop-type' }, typeNodes(e)));
  if (e.ref && !e.recursive) {
    const { types } = typeList(e.s);
    const comb = e.s.oneOf ? `one of ${e.s.oneOf.length}` : e.s.anyOf ? `any of ${e.s.anyOf.length}` : e.s.allOf ? `all of ${e.s.allOf.length}` : '';
    const kind = [types.join(' | '), comb].filter(Boolean).join(', ');
    if (kind) head.append(el('span', { class: 'type muted', text: kind }));
  }
  head.append(...flagNodes(e, false));
  box.append(head);
  if (typeof e.s.description === 'string' && e.s.description.trim()) box.append(md(e.s.description, 'md prop-desc'));
  const meta = metaNodes(e);
  if (meta) box.append(meta);
  if (!e.recursive) {
    const entries = entriesOf(e);
    if (entries.length) {
      if (entries.some((x) => x.viaItems)) box.append(el('p', { class: 'kids', text: entriesSummary(entries, e) }));
      box.append(entryList(entries, 1));
    }
  }
  return box;
}

// ------------------------------------------------------------------ examples
function sampleFrom(schema, ctx = { stack: [] }, depth = 0, requiredOnly = true) {
  if (depth > 8) return undefined;
  const e = expand(schema, ctx);
  const s = e.s;
  if (e.recursive) return undefined;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if ('const' in s) return s.const;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum.find((v) => v !== null) ?? s.enum[0];
  const comb = s.oneOf || s.anyOf;
  if (Array.isArray(comb) && comb.length && !s.properties) return sampleFrom(comb[0], e.ctx, depth + 1, requiredOnly);
  const { types } = typeList(s);
  const t = types[0];
  if (t === 'object' || (!t && s.properties)) {
    const o = {};
    const props = isObj(s.properties) ? s.properties : {};
    const req = Array.isArray(s.required) ? s.required : [];
    const keys = requiredOnly && req.length ? Object.keys(props).filter((k) => req.includes(k)) : Object.keys(props);
    for (const k of keys) {
      const v = sampleFrom(props[k], e.ctx, depth + 1, requiredOnly);
      if (v !== undefined) o[k] = v;
    }
    return o;
  }
  if (t === 'array') {
    const v = isObj(s.items) ? sampleFrom(s.items, e.ctx, depth + 1, requiredOnly) : undefined;
    return v === undefined ? [] : [v];
  }
  if (t === 'integer' || t === 'number') return s.minimum ?? 0;
  if (t === 'boolean') return false;
  if (t === 'null') return null;
  if (t === 'string') {
    return { 'date-time': '2026-01-01T00:00:00Z', date: '2026-01-01', email: 'user@example.org', uri: 'https://example.org/', uuid: '00000000-0000-0000-0000-000000000000', password: 'secret-password' }[s.format] || 'string';
  }
  return undefined;
}
// The examples of a media type: [{ name, summary, description, value | external, generated }].
function mediaExamples(media) {
  const out = [];
  if (isObj(media.examples)) {
    for (const [name, raw] of Object.entries(media.examples)) {
      const ex = deref(raw);
      if (!isObj(ex)) continue;
      if ('value' in ex) out.push({ name, summary: ex.summary, description: ex.description, value: ex.value });
      else if (ex.externalValue) out.push({ name, summary: ex.summary, description: ex.description, external: ex.externalValue });
    }
  }
  if (!out.length && media.example !== undefined) out.push({ name: 'example', value: media.example });
  if (!out.length && media.schema !== undefined) {
    const e = expand(media.schema, { stack: [] });
    if (!e.recursive) {
      if (Array.isArray(e.s.examples) && e.s.examples.length) e.s.examples.forEach((v, k) => out.push({ name: `example ${k + 1}`, value: v }));
      else if (e.s.example !== undefined) out.push({ name: 'example', value: e.s.example });
    }
  }
  return out;
}

// Pretty JSON, coloured with spans (textContent only).
function jsonPre(value, cls = 'code json') {
  const pre = el('pre', { class: cls, tabindex: '0' });
  const code = el('code');
  pre.append(code);
  if (typeof value === 'string') { code.textContent = value; return pre; }
  const text = JSON.stringify(value, null, 2) ?? String(value);
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0, m;
  while ((m = re.exec(text))) {
    if (m.index > last) code.append(text.slice(last, m.index));
    if (m[1]) { code.append(el('span', { class: m[2] ? 'j-key' : 'j-str', text: m[1] })); if (m[2]) code.append(m[2]); }
    else if (m[3]) code.append(el('span', { class: m[3] === 'null' ? 'j-null' : 'j-bool', text: m[3] }));
    else code.append(el('span', { class: 'j-num', text: m[4] }));
    last = re.lastIndex;
  }
  if (last < text.length) code.append(text.slice(last));
  return pre;
}
function exampleBlock(ex, open = true) {
  const d = el('details', { class: 'example', open: open || null });
  const title = ex.generated ? 'Example (generated from the schema)' : ex.name === 'example' ? 'Example' : `Example: ${ex.summary || ex.name}`;
  d.append(el('summary', { text: title }));
  if (ex.description) d.append(md(ex.description, 'md small'));
  if (ex.external) {
    const href = safeHref(ex.external);
    d.append(el('p', {}, 'At ', href ? el('a', { href, text: ex.external }) : el('code', { text: ex.external })));
  } else d.append(jsonPre(ex.value));
  return d;
}

// ------------------------------------------------------------------ security
function schemeDescription(name, sc) {
  if (!isObj(sc)) return `${name} (undefined scheme)`;
  if (sc.type === 'http' && String(sc.scheme).toLowerCase() === 'bearer') return `Bearer${sc.bearerFormat ? ` ${sc.bearerFormat}` : ''} token`;
  if (sc.type === 'http') return `HTTP ${sc.scheme} authentication`;
  if (sc.type === 'apiKey') return `API key in the ${sc.in} ${sc.in === 'header' ? '' : 'parameter '}${sc.name}`.replace(/\s+/g, ' ');
  if (sc.type === 'oauth2') return 'OAuth 2';
  if (sc.type === 'openIdConnect') return 'OpenID Connect';
  if (sc.type === 'mutualTLS') return 'Mutual TLS';
  return String(sc.type);
}
function schemeSendAs(sc) {
  if (!isObj(sc)) return null;
  if (sc.type === 'http' && String(sc.scheme).toLowerCase() === 'bearer') return `Authorization: Bearer <${sc.bearerFormat || 'token'}>`;
  if (sc.type === 'http' && String(sc.scheme).toLowerCase() === 'basic') return 'Authorization: Basic <base64 user:password>';
  if (sc.type === 'apiKey' && sc.in === 'header') return `${sc.name}: <key>`;
  if (sc.type === 'apiKey' && sc.in === 'query') return `?${sc.name}=<key>`;
  if (sc.type === 'apiKey' && sc.in === 'cookie') return `Cookie: ${sc.name}=<key>`;
  return null;
}
const securityOf = (op) => (Array.isArray(op.security) ? op.security : Array.isArray(spec.security) ? spec.security : []);
const isSecured = (reqs) => reqs.length > 0 && !reqs.some((r) => isObj(r) && !Object.keys(r).length);
function securityNodes(reqs) {
  if (!reqs.length) return [el('span', { class: 'auth-none', text: 'No authentication' })];
  const schemes = spec.components?.securitySchemes || {};
  const alts = reqs.map((r) => {
    const names = isObj(r) ? Object.keys(r) : [];
    if (!names.length) return el('span', { class: 'auth-none', text: 'no authentication' });
    return el('span', { class: 'auth-alt' }, names.map((n, k) => {
      const scopes = Array.isArray(r[n]) && r[n].length ? ` (${r[n].join(', ')})` : '';
      return [k ? ' and ' : null, el('a', { href: `#security-${n}`, class: 'auth-scheme', title: schemeDescription(n, deref(schemes[n])), text: n }), scopes];
    }));
  });
  const out = [];
  alts.forEach((a, k) => { if (k) out.push(el('span', { class: 'auth-or', text: ' or ' })); out.push(a); });
  return out;
}

// ------------------------------------------------------------------ curl
function shellSingle(s) { return `'${String(s).replace(/'/g, `'\\''`)}'`; }
function paramValue(p) {
  if (p.example !== undefined) return p.example;
  if (isObj(p.examples)) { for (const ex of Object.values(p.examples)) { const d = deref(ex); if (isObj(d) && d.value !== undefined) return d.value; } }
  if (p.schema !== undefined) {
    const v = sampleFrom(p.schema);
    if (v !== undefined && !(v === 'string' && typeof v === 'string')) return v;
    const t = typeList(expand(p.schema, { stack: [] }).s).types[0];
    if (t === 'integer' || t === 'number') return 1;
  }
  return p.in === 'path' ? String(p.name).toUpperCase() : 'value';
}
function buildCurl({ method, path, params, secured, media, example, stream }) {
  let url = location.origin + path.replace(/\{([^}]+)\}/g, (all, name) => {
    const p = params.find((x) => x.in === 'path' && x.name === name);
    return encodeURIComponent(String(p ? paramValue(p) : name.toUpperCase()));
  });
  // Required query parameters only: an optional one's example (?provider=gemini)
  // may not suit the body's example (a gpt-… model), and the defaults do.
  const query = params.filter((p) => p.in === 'query' && p.required);
  if (query.length) url += `?${query.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(paramValue(p)))}`).join('&')}`;
  const first = ['curl'];
  if (stream) first.push('-N');
  const body = media && example && example.value !== undefined;
  const M = method.toUpperCase();
  if (M === 'HEAD') first.push('-I');
  else if (M !== 'GET' || body) first.push('-X', M);
  first.push(/[^\w\-.~:/%]/.test(url) ? `"${url}"` : url);
  const lines = [first.join(' ')];
  if (secured) lines.push(`-H "Authorization: Bearer ${ACCESS_VAR}"`);
  for (const p of params) {
    if (p.in !== 'header' || !p.required || /^(authorization|content-type|accept)$/i.test(p.name)) continue;
    lines.push(`-H ${shellSingle(`${p.name}: ${paramValue(p)}`)}`);
  }
  if (body) {
    const [type] = media;
    const v = example.value;
    if (/^application\/x-www-form-urlencoded/i.test(type) && isObj(v)) {
      for (const [k, x] of Object.entries(v)) lines.push(`--data-urlencode ${shellSingle(`${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`)}`);
    } else if (/^multipart\//i.test(type) && isObj(v)) {
      for (const [k, x] of Object.entries(v)) lines.push(`-F ${shellSingle(`${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`)}`);
    } else {
      lines.push(`-H "Content-Type: ${type}"`);
      let data;
      if (typeof v === 'string' && !/json/i.test(type)) data = v;
      else {
        data = JSON.stringify(v);
        if (data.length > 72) data = JSON.stringify(v, null, 2).replace(/\n/g, '\n  ');
      }
      lines.push(`-d ${shellSingle(data)}`);
    }
  }
  return lines.join(' \\\n  ');
}

async function copyText(text, note) {
  try { await navigator.clipboard.writeText(text); note.textContent = 'Copied'; }
  catch { note.textContent = 'Select the text and copy it'; }
  clearTimeout(note._t);
  note._t = setTimeout(() => { note.textContent = ''; }, 1800);
}
function codeWithCopy(pre, label) {
  const note = el('span', { class: 'copy-note', role: 'status', 'aria-live': 'polite' });
  const btn = el('button', { type: 'button', class: 'btn btn-sm btn-secondary copy', 'aria-label': `Copy the ${label} command`, text: 'Copy' });
  btn.addEventListener('click', () => copyText(pre.textContent, note));
  return el('div', { class: 'code-wrap' }, el('div', { class: 'code-tools' }, el('span', { class: 'code-label', text: label }), note, btn), pre);
}

// ------------------------------------------------------------------ operations
function collectOperations() {
  const ops = [];
  const paths = isObj(spec.paths) ? spec.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(rawItem);
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      // Path-level parameters, overridden by the operation's (same name and in).
      const params = new Map();
      for (const p of [...(item.parameters || []), ...(op.parameters || [])]) {
        const d = deref(p);
        if (isObj(d) && d.name) params.set(`${d.in}:${d.name}`, d);
      }
      ops.push({ path, method, op, params: [...params.values()], servers: op.servers || item.servers });
    }
  }
  for (const o of ops) {
    const base = o.op.operationId ? String(o.op.operationId) : `${o.method}-${o.path.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '')}`;
    o.id = uniqueId(`operation-${base}`);
  }
  return ops;
}
function groupByTag(ops) {
  const groups = new Map();
  const declared = Array.isArray(spec.tags) ? spec.tags.filter((t) => isObj(t) && t.name !== undefined) : [];
  for (const t of declared) groups.set(String(t.name), { tag: t, ops: [] });
  for (const o of ops) {
    const name = Array.isArray(o.op.tags) && o.op.tags.length ? String(o.op.tags[0]) : '';
    if (!groups.has(name)) groups.set(name, { tag: name ? { name } : { name: 'Other operations', untagged: true }, ops: [] });
    groups.get(name).ops.push(o);
  }
  // Untagged operations last.
  const list = [...groups.values()].filter((g) => g.ops.length);
  list.sort((a, b) => (a.tag.untagged ? 1 : 0) - (b.tag.untagged ? 1 : 0));
  for (const g of list) g.id = uniqueId(`tag-${g.tag.untagged ? 'other' : g.tag.name}`);
  return list;
}

function methodBadge(method, cls = 'method') {
  return el('span', { class: `${cls} m-${method}`, text: method.toUpperCase() });
}
function section(title, ...children) {
  return el('section', { class: 'op-section' }, el('h4', { text: title }), ...children);
}
function paramsTable(params) {
  const tbody = el('tbody');
  const order = { path: 0, query: 1, header: 2, cookie: 3 };
  for (const p of [...params].sort((a, b) => (order[a.in] ?? 9) - (order[b.in] ?? 9))) {
    const schema = p.schema ?? (isObj(p.content) ? Object.values(p.content)[0]?.schema : undefined);
    const e = expand(schema, { stack: [] });
    const typeCell = el('td', { class: 'p-type' }, el('span', { class: 'prop-type' }, typeNodes(e)), flagNodes(e, false));
    const meta = metaNodes(e);
    const desc = el('td', { class: 'p-desc' });
    if (p.description) desc.append(md(p.description, 'md'));
    else if (e.s.description) desc.append(md(e.s.description, 'md'));
    if (meta) desc.append(meta);
    if (p.example !== undefined && !meta?.textContent.includes('example')) desc.append(el('div', { class: 'meta' }, el('span', { class: 'meta-item' }, el('span', { class: 'meta-label', text: 'example ' }), valueCode(p.example))));
    if (p.deprecated) desc.prepend(el('span', { class: 'flag deprecated', text: 'deprecated' }));
    tbody.append(el('tr', { 'data-param': `${p.in}:${p.name}` },
      el('td', { class: 'p-name' }, el('code', { class: 'pname', text: p.name }), p.required ? el('span', { class: 'flag req', text: 'required' }) : null),
      el('td', { class: 'p-in', 'data-label': 'in' }, el('span', { class: 'in-badge', text: p.in })),
      typeCell, desc));
  }
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table params' },
    el('thead', {}, el('tr', {}, ['Name', 'In', 'Type', 'Description'].map((h) => el('th', { scope: 'col', text: h })))), tbody));
}

function headersTable(headers) {
  const tbody = el('tbody');
  for (const [name, raw] of Object.entries(headers)) {
    const h = deref(raw);
    if (!isObj(h)) continue;
    const e = expand(h.schema, { stack: [] });
    const desc = el('td', { class: 'p-desc' });
    if (h.description) desc.append(md(h.description, 'md'));
    const meta = metaNodes(e);
    if (meta) desc.append(meta);
    tbody.append(el('tr', { 'data-header': name },
      el('td', { class: 'p-name' }, el('code', { class: 'pname', text: name }), h.required ? el('span', { class: 'flag req', text: 'required' }) : null),
      el('td', { class: 'p-type' }, el('span', { class: 'prop-type' }, typeNodes(e))), desc));
  }
  return el('div', { class: 'table-wrap' }, el('table', { class: 'table headers' },
    el('thead', {}, el('tr', {}, ['Header', 'Type', 'Description'].map((h) => el('th', { scope: 'col', text: h })))), tbody));
}

function mediaBlock(type, media, { request = false } = {}) {
  const box = el('div', { class: 'media', 'data-content-type': type });
  box.append(el('div', { class: 'media-head' }, el('span', { class: 'ctype', text: type })));
  const sseSchema = media['x-sse-data'] ?? media.itemSchema;
  const isSse = /^text\/event-stream/i.test(type);
  if (isSse && sseSchema !== undefined) {
    box.classList.add('sse');
    box.setAttribute('data-sse', 'true');
    box.append(el('p', { class: 'sse-note' }, 'A stream of server-sent events: each ', el('code', { text: 'data:' }), ' line carries one JSON value of this schema',
      media['x-sse-terminator'] ? [', until ', el('code', { text: `data: ${media['x-sse-terminator']}` })] : null, '.'));
    box.append(schemaBlock(sseSchema, { label: 'data:' }));
  } else if (media.schema !== undefined) {
    box.append(schemaBlock(media.schema));
  }
  if (isObj(media.encoding) && request) {
    box.append(el('p', { class: 'muted small' }, 'Encoding: ', Object.entries(media.encoding).map(([k, v], n) => [n ? ', ' : null, el('code', { text: k }), v?.contentType ? ` as ${v.contentType}` : ''])));
  }
  if (!request) {
    const exs = mediaExamples(media);
    exs.forEach((ex, k) => box.append(exampleBlock(ex, k === 0)));
  }
  return box;
}

function requestSection(o, reqBody) {
  const out = [];
  const content = isObj(reqBody?.content) ? reqBody.content : {};
  const types = Object.keys(content);
  let chosen = { media: null, examples: [] };
  if (reqBody) {
    const sec = section(`Request body${reqBody.required ? '' : ' (optional)'}`);
    sec.classList.add('request-body');
    if (reqBody.required) sec.querySelector('h4').append(' ', el('span', { class: 'flag req', text: 'required' }));
    if (reqBody.description) sec.append(md(reqBody.description));
    for (const type of types) {
      const media = content[type] || {};
      sec.append(mediaBlock(type, media, { request: true }));
      if (!chosen.media) {
        let exs = mediaExamples(media);
        if (!exs.length && media.schema !== undefined && /json/i.test(type)) {
          const v = sampleFrom(media.schema);
          if (v !== undefined) exs = [{ name: 'example', value: v, generated: true }];
        }
        chosen = { media: [type, media], examples: exs };
      }
    }
    out.push(sec);
  }
  // The example request: a picker when there are several, the body, the curl command.
  const ex = el('section', { class: 'op-section try' }, el('h4', { text: 'Example request' }));
  const exs = chosen.examples;
  const curlPre = el('pre', { class: 'code curl', tabindex: '0' });
  const bodyBox = el('div', { class: 'example-body' });
  const sseOk = Object.values(o.op.responses || {}).some((r) => { const d = deref(r); return isObj(d?.content) && Object.keys(d.content).some((t) => /event-stream/i.test(t)); });
  const render = (k) => {
    const example = exs[k];
    const stream = sseOk && (isObj(example?.value) ? example.value.stream === true : true) && (isObj(example?.value) || !chosen.media);
    curlPre.textContent = buildCurl({ method: o.method, path: o.path, params: o.params, secured: isSecured(securityOf(o.op)), media: chosen.media, example, stream: stream && sseOk });
    bodyBox.replaceChildren();
    if (example && example.value !== undefined) {
      if (example.description) bodyBox.append(md(example.description, 'md small'));
      bodyBox.append(el('div', { class: 'example-label', text: example.generated ? 'Body (generated from the schema: fill in real values)' : 'Body' }), jsonPre(example.value, 'code json request-example'));
    } else if (example?.external) bodyBox.append(exampleBlock(example));
  };
  if (exs.length > 1) {
    const selId = uniqueId(`${o.id}-example`);
    const sel = el('select', { id: selId, class: 'example-select' }, exs.map((x, k) => el('option', { value: String(k), text: x.summary || x.name })));
    sel.addEventListener('change', () => render(Number(sel.value)));
    ex.append(el('div', { class: 'example-pick' }, el('label', { for: selId, text: 'Example' }), sel));
  }
  render(0);
  ex.append(bodyBox, codeWithCopy(curlPre, 'curl'));
  if (isSecured(securityOf(o.op))) {
    ex.append(el('p', { class: 'hint' }, el('code', { text: ACCESS_VAR }), ': an access token from ', el('code', { text: 'POST /api/token/' }), ' or an API key (', el('code', { text: 'sk-llm-…' }), '). Run ', el('code', { text: `export ACCESS_TOKEN=…` }), ' first.'));
  }
  out.push(ex);
  return out;
}

function statusClass(code) {
  const c = String(code);
  if (/^2/.test(c)) return 's2';
  if (/^3/.test(c)) return 's3';
  if (/^4/.test(c)) return 's4';
  if (/^5/.test(c)) return 's5';
  return 'sx';
}
function responsesSection(o) {
  const sec = section('Responses');
  sec.classList.add('responses');
  const responses = isObj(o.op.responses) ? o.op.responses : {};
  for (const [code, raw] of Object.entries(responses)) {
    const r = deref(raw);
    const box = el('div', { class: 'response', 'data-status': code });
    const head = el('div', { class: 'response-head' }, el('span', { class: `status ${statusClass(code)}`, text: code }));
    if (isObj(r) && r.description) head.append(mdInlineOnly(String(r.description).split(/\n\s*\n/)[0]));
    box.append(head);
    if (!isObj(r)) { sec.append(box); continue; }
    if (r.$unresolved) box.append(el('p', { class: 'warn', text: `Unresolved $ref ${r.$unresolved}` }));
    const rest = String(r.description || '').split(/\n\s*\n/).slice(1).join('\n\n');
    if (rest) box.append(md(rest));
    const content = isObj(r.content) ? r.content : {};
    const types = Object.keys(content);
    if (types.length > 1) box.append(el('p', { class: 'ctypes muted small' }, 'Content types: ', types.map((t, k) => [k ? ', ' : null, el('code', { text: t })])));
    if (isObj(r.headers) && Object.keys(r.headers).length) box.append(el('div', { class: 'resp-headers' }, el('p', { class: 'sub', text: 'Headers' }), headersTable(r.headers)));
    for (const t of types) box.append(mediaBlock(t, content[t] || {}));
    if (!types.length) box.append(el('p', { class: 'muted small', text: 'No body.' }));
    sec.append(box);
  }
  if (!Object.keys(responses).length) sec.append(el('p', { class: 'muted', text: 'No responses documented.' }));
  return sec;
}

function operationElement(o) {
  const { op } = o;
  const reqs = securityOf(op);
  const details = el('details', {
    class: `op op-${o.method}${op.deprecated ? ' deprecated' : ''}`, id: o.id,
    'data-method': o.method.toUpperCase(), 'data-path': o.path, 'data-operation-id': op.operationId ?? null,
  });
  const sum = el('summary', { class: 'op-summary' },
    methodBadge(o.method),
    el('code', { class: 'op-path', text: o.path }),
    el('span', { class: 'op-title', text: op.summary || '' }),
    el('span', { class: 'op-flags' },
      op.deprecated ? el('span', { class: 'flag deprecated', text: 'deprecated' }) : null,
      isSecured(reqs) ? el('span', { class: 'auth-icon', title: 'Authentication required' }, svgIcon('lock'), el('span', { class: 'sr-only', text: 'authentication required' })) : null));
  details.append(sum);
  const body = el('div', { class: 'op-body' });
  details.append(body);
  try {
    const top = el('div', { class: 'op-top' });
    top.append(el('a', { class: 'permalink', href: `#${o.id}`, title: 'Link to this operation' }, svgIcon('link'), el('span', { text: op.operationId ? op.operationId : 'Link' })));
    body.append(top);
    if (op.description) body.append(md(op.description, 'md op-desc'));
    if (isObj(op.externalDocs) && safeHref(op.externalDocs.url)) body.append(el('p', { class: 'small' }, el('a', { href: safeHref(op.externalDocs.url), text: op.externalDocs.description || op.externalDocs.url })));
    body.append(el('div', { class: 'op-auth' }, el('span', { class: 'op-auth-label', text: 'Authentication: ' }), securityNodes(reqs)));
    if (o.params.length) body.append(section('Parameters', paramsTable(o.params)));
    const reqBody = op.requestBody !== undefined ? deref(op.requestBody) : null;
    body.append(...requestSection(o, isObj(reqBody) ? reqBody : null));
    body.append(responsesSection(o));
  } catch (err) {
    body.append(el('p', { class: 'warn', text: `This operation could not be shown in full: ${err && err.message}` }));
  }
  return details;
}

// ------------------------------------------------------------------ page sections
function introSection(info) {
  const sec = el('section', { class: 'intro', id: uniqueId('introduction') });
  const h1 = el('h1', { text: info.title || 'API' });
  const badges = el('div', { class: 'badges' });
  if (info.version !== undefined) badges.append(el('span', { class: 'badge version', title: 'API version', text: `v${String(info.version).replace(/^v/, '')}` }));
  if (spec.openapi) badges.append(el('span', { class: 'badge', title: 'OpenAPI version', text: `OpenAPI ${spec.openapi}` }));
  sec.append(el('div', { class: 'intro-head' }, h1, badges));
  if (info.summary) sec.append(el('p', { class: 'lead', text: info.summary }));
  if (info.description) sec.append(md(info.description, 'md intro-desc'));
  const facts = el('dl', { class: 'facts' });
  if (isObj(info.license)) {
    const lic = info.license;
    const href = safeHref(lic.url || (lic.identifier ? `https://spdx.org/licenses/${encodeURIComponent(lic.identifier)}.html` : ''));
    facts.append(el('div', {}, el('dt', { text: 'License' }), el('dd', { class: 'license' }, href ? el('a', { href, rel: 'noopener noreferrer', text: lic.name || lic.identifier }) : (lic.name || lic.identifier || ''))));
  }
  if (isObj(info.contact)) {
    const c = info.contact;
    const bits = [];
    if (c.name) bits.push(c.name);
    if (c.url && safeHref(c.url)) bits.push(el('a', { href: safeHref(c.url), rel: 'noopener noreferrer', text: c.url }));
    if (c.email) bits.push(el('a', { href: `mailto:${c.email}`, text: c.email }));
    facts.append(el('div', {}, el('dt', { text: 'Contact' }), el('dd', {}, bits.map((b, k) => [k ? ' · ' : null, b]))));
  }
  if (info.termsOfService && safeHref(info.termsOfService)) facts.append(el('div', {}, el('dt', { text: 'Terms' }), el('dd', {}, el('a', { href: safeHref(info.termsOfService), text: info.termsOfService }))));
  facts.append(el('div', {}, el('dt', { text: 'Description' }), el('dd', {}, el('a', { href: '/openapi.yaml', text: 'openapi.yaml' }), ' · ', el('a', { href: '/openapi.json', text: 'openapi.json' }))));
  facts.append(el('div', {}, el('dt', { text: 'Try it' }), el('dd', {}, el('a', { href: '/console/', text: 'the console' }))));
  sec.append(facts);
  if (isObj(spec.externalDocs) && safeHref(spec.externalDocs.url)) sec.append(el('p', {}, el('a', { href: safeHref(spec.externalDocs.url), text: spec.externalDocs.description || spec.externalDocs.url })));

  // Servers.
  const servers = Array.isArray(spec.servers) ? spec.servers : [];
  const sv = el('div', { class: 'servers', id: uniqueId('servers') }, el('h2', { text: 'Servers' }));
  const ul = el('ul', { class: 'server-list' });
  for (const s of servers) {
    if (!isObj(s)) continue;
    const li = el('li', {}, el('code', { class: 'server-url', text: s.url }));
    if (s.description) li.append(' ', mdInlineOnly(s.description));
    if (isObj(s.variables)) {
      li.append(el('ul', { class: 'server-vars' }, Object.entries(s.variables).map(([k, v]) => el('li', {}, el('code', { text: `{${k}}` }), ' default ', el('code', { text: String(v?.default ?? '') }),
        Array.isArray(v?.enum) ? [' (one of ', v.enum.map((x, n) => [n ? ', ' : null, el('code', { text: String(x) })]), ')'] : null,
        v?.description ? [' — ', mdInlineOnly(v.description)] : null))));
    }
    ul.append(li);
  }
  if (!servers.length) ul.append(el('li', { class: 'muted', text: 'None listed: this server.' }));
  sv.append(ul, el('p', { class: 'hint' }, 'The curl examples below use this page\'s own origin, ', el('code', { class: 'origin', text: location.origin }), '.'));
  sec.append(sv);
  return sec;
}

function securitySection() {
  const schemes = isObj(spec.components?.securitySchemes) ? spec.components.securitySchemes : {};
  const sec = el('section', { class: 'auth-section', id: uniqueId('authentication') }, el('h2', { text: 'Authentication' }));
  const global = Array.isArray(spec.security) ? spec.security : [];
  sec.append(el('p', { class: 'auth-default' }, 'Unless an operation says otherwise: ', securityNodes(global), '.'));
  const grid = el('div', { class: 'schemes' });
  for (const [name, raw] of Object.entries(schemes)) {
    const sc = deref(raw);
    const card = el('div', { class: 'scheme', id: uniqueId(`security-${name}`), 'data-scheme': name });
    card.append(el('div', { class: 'scheme-head' }, el('code', { class: 'scheme-name', text: name }), el('span', { class: 'scheme-type', text: schemeDescription(name, sc) })));
    const send = schemeSendAs(sc);
    if (send) card.append(el('p', { class: 'send-as' }, 'Send ', el('code', { text: send })));
    if (isObj(sc) && sc.description) card.append(md(sc.description));
    if (isObj(sc) && sc.type === 'oauth2' && isObj(sc.flows)) {
      card.append(el('ul', { class: 'small' }, Object.entries(sc.flows).map(([f, v]) => el('li', {}, el('strong', { text: f }), v?.tokenUrl ? [' token URL ', el('code', { text: v.tokenUrl })] : null))));
    }
    if (isObj(sc) && sc.openIdConnectUrl) card.append(el('p', { class: 'small' }, el('code', { text: sc.openIdConnectUrl })));
    grid.append(card);
  }
  if (!Object.keys(schemes).length) grid.append(el('p', { class: 'muted', text: 'No security schemes are defined.' }));
  sec.append(grid);
  return sec;
}

function schemasSection() {
  const schemas = isObj(spec.components?.schemas) ? spec.components.schemas : {};
  const names = Object.keys(schemas);
  const sec = el('section', { class: 'schemas-section', id: uniqueId('schemas') }, el('h2', { text: 'Schemas' }));
  if (!names.length) { sec.append(el('p', { class: 'muted', text: 'No shared schemas.' })); return sec; }
  sec.append(el('p', { class: 'muted small', text: `${plural(names.length, 'shared schema')} (components.schemas), referenced above by name.` }));
  const list = el('div', { class: 'schema-list' });
  for (const name of names) {
    const id = schemaAnchor(name);
    usedIds.add(id);
    const d = el('details', { class: 'schema-def', id, 'data-schema': name });
    const e = expand({ $ref: `${SCHEMA_PREFIX}${encodeURIComponent(name).replace(/%2F/g, '~1')}` }, { stack: [] });
    const { types } = typeList(e.s);
    const first = typeof e.s.description === 'string' ? e.s.description.split(/\n\s*\n|(?<=\.)\s/)[0] : '';
    d.append(el('summary', {}, el('code', { class: 'schema-name', text: name }),
      el('span', { class: 'schema-kind', text: types.length ? types.join(' | ') : e.s.oneOf ? 'one of' : e.s.anyOf ? 'any of' : e.s.allOf ? 'all of' : '' }),
      first ? el('span', { class: 'schema-sum' }, mdInlineOnly(first)) : null));
    let filled = false;
    d.addEventListener('toggle', () => {
      if (!d.open || filled) return;
      filled = true;
      d.append(el('div', { class: 'schema-def-body' }, schemaBlock(schemas[name], { stack: [name] })));
    });
    list.append(d);
  }
  sec.append(list);
  return sec;
}

// ------------------------------------------------------------------ sidebar
function buildToc(groups, introId, authId, schemasId) {
  const toc = document.getElementById('toc');
  toc.replaceChildren();
  const top = el('ul', { class: 'toc-top' },
    el('li', {}, el('a', { href: `#${introId}`, text: 'Introduction' })),
    el('li', {}, el('a', { href: `#${authId}`, text: 'Authentication' })));
  toc.append(top);
  const list = el('ul', { class: 'toc-tags' });
  for (const g of groups) {
    const ops = el('ul', { class: 'toc-ops' });
    for (const o of g.ops) {
      const a = el('a', {
        href: `#${o.id}`, class: `toc-op${o.op.deprecated ? ' deprecated' : ''}`, title: o.op.summary || null,
        'data-filter': `${o.method} ${o.path} ${o.op.summary || ''} ${o.op.operationId || ''} ${g.tag.name}`.toLowerCase(),
      }, methodBadge(o.method, 'method method-sm'), el('span', { class: 'toc-path', text: o.path }));
      ops.append(el('li', {}, a));
    }
    list.append(el('li', { class: 'toc-tag' }, el('a', { href: `#${g.id}`, class: 'toc-tag-link', text: g.tag['x-displayName'] || g.tag.name }), ops));
  }
  toc.append(list);
  toc.append(el('ul', { class: 'toc-top' }, el('li', {}, el('a', { href: `#${schemasId}`, text: 'Schemas' }))));
  toc.append(el('p', { class: 'toc-empty muted small', hidden: true, text: 'No operation matches.' }));
}
function wireFilter() {
  const input = document.getElementById('toc-filter');
  input.addEventListener('input', () => {
    const q = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let any = false;
    for (const tag of document.querySelectorAll('#toc .toc-tag')) {
      let shown = 0;
      for (const a of tag.querySelectorAll('.toc-op')) {
        const ok = q.every((w) => a.dataset.filter.includes(w));
        a.parentElement.hidden = !ok;
        if (ok) shown++;
      }
      tag.hidden = shown === 0;
      if (shown) any = true;
    }
    document.querySelector('#toc .toc-empty').hidden = any;
  });
}

// ------------------------------------------------------------------ navigation
function openTo(target) {
  for (let n = target; n; n = n.parentElement) if (n.tagName === 'DETAILS') n.open = true;
}
let flashTimer;
function goToHash({ smooth = false } = {}) {
  let id = location.hash.slice(1);
  if (!id) return;
  try { id = decodeURIComponent(id); } catch { /* keep it */ }
  const target = document.getElementById(id);
  if (!target) return;
  openTo(target);
  target.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  if (!target.hasAttribute('tabindex') && !/^(A|SUMMARY|INPUT|BUTTON)$/.test(target.tagName)) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  document.querySelectorAll('.flash').forEach((n) => n.classList.remove('flash'));
  target.classList.add('flash');
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => target.classList.remove('flash'), 1600);
  markCurrent(id);
  document.body.classList.remove('toc-open');
  document.getElementById('toc-toggle').setAttribute('aria-expanded', 'false');
}
function markCurrent(id) {
  for (const a of document.querySelectorAll('#toc a[aria-current]')) a.removeAttribute('aria-current');
  const a = [...document.querySelectorAll('#toc a')].find((x) => x.getAttribute('href') === `#${id}`);
  if (a) a.setAttribute('aria-current', 'location');
}
function wireNavigation() {
  window.addEventListener('hashchange', () => goToHash());
  // A link to the hash already in the address bar fires no hashchange.
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#"]');
    if (a && a.getAttribute('href') === location.hash) { ev.preventDefault(); goToHash(); }
    else if (a) { document.body.classList.remove('toc-open'); document.getElementById('toc-toggle').setAttribute('aria-expanded', 'false'); }
  });
  const toggle = document.getElementById('toc-toggle');
  toggle.addEventListener('click', () => {
    const open = !document.body.classList.contains('toc-open');
    document.body.classList.toggle('toc-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) document.getElementById('toc-filter').focus();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && document.body.classList.contains('toc-open')) { document.body.classList.remove('toc-open'); toggle.setAttribute('aria-expanded', 'false'); toggle.focus(); }
    if (ev.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || '')) {
      ev.preventDefault();
      if (getComputedStyle(document.getElementById('sidebar')).display === 'none') toggle.click();
      document.getElementById('toc-filter').focus();
    }
  });
}

// ------------------------------------------------------------------ main
function render() {
  const info = isObj(spec.info) ? spec.info : {};
  document.title = `${info.title || 'API'}${info.version ? ` ${info.version}` : ''} · API reference`;
  const root = document.getElementById('doc');
  root.replaceChildren();
  const intro = introSection(info);
  const auth = securitySection();
  const ops = collectOperations();
  const groups = groupByTag(ops);
  root.append(intro, auth);

  const opsBox = el('div', { class: 'operations', id: uniqueId('operations') });
  const bar = el('div', { class: 'ops-bar' },
    el('h2', { text: 'Operations' }),
    el('span', { class: 'muted small', text: `${plural(ops.length, 'operation')} in ${plural(groups.length, 'group')}` }),
    el('span', { class: 'spacer' }),
    el('button', { type: 'button', class: 'btn btn-sm btn-secondary', id: 'expand-all', text: 'Expand all' }),
    el('button', { type: 'button', class: 'btn btn-sm btn-secondary', id: 'collapse-all', text: 'Collapse all' }));
  opsBox.append(bar);
  for (const g of groups) {
    const sec = el('section', { class: 'tag-section', id: g.id, 'data-tag': g.tag.name });
    sec.append(el('h3', { class: 'tag-title', text: g.tag['x-displayName'] || g.tag.name }));
    if (g.tag.description) sec.append(md(g.tag.description, 'md tag-desc'));
    if (isObj(g.tag.externalDocs) && safeHref(g.tag.externalDocs.url)) sec.append(el('p', { class: 'small' }, el('a', { href: safeHref(g.tag.externalDocs.url), text: g.tag.externalDocs.description || g.tag.externalDocs.url })));
    for (const o of g.ops) sec.append(operationElement(o));
    opsBox.append(sec);
  }
  if (!ops.length) opsBox.append(el('p', { class: 'muted', text: 'This document has no operations.' }));
  root.append(opsBox);
  const schemas = schemasSection();
  root.append(schemas);
  buildToc(groups, intro.id, auth.id, schemas.id);

  document.getElementById('expand-all').addEventListener('click', () => { for (const d of document.querySelectorAll('details.op')) d.open = true; });
  document.getElementById('collapse-all').addEventListener('click', () => { for (const d of document.querySelectorAll('details.op')) d.open = false; });
  wireFilter();
}

function showError(title, detail) {
  document.getElementById('loading').hidden = true;
  const box = document.getElementById('load-error');
  box.replaceChildren(
    el('h1', { text: title }),
    el('p', {}, detail),
    el('p', {}, 'The description is also at ', el('a', { href: '/openapi.yaml', text: '/openapi.yaml' }), '; the ', el('a', { href: '/console/', text: 'console' }), ' works without it.'),
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'btn', id: 'retry', text: 'Try again', onclick: () => location.reload() })));
  box.hidden = false;
  document.documentElement.dataset.state = 'error';
}

async function main() {
  wireNavigation();
  let res;
  try {
    res = await fetch(SPEC_URL, { headers: { Accept: 'application/json' }, cache: 'no-cache', credentials: 'same-origin' });
  } catch (err) {
    showError('Could not load the API description', [`GET ${SPEC_URL} failed: `, el('code', { text: String(err && err.message || err) }), '. Is the server up?']);
    return;
  }
  if (!res.ok) {
    showError('Could not load the API description', [`GET ${SPEC_URL} answered `, el('code', { text: `${res.status} ${res.statusText}`.trim() }), '.']);
    return;
  }
  try {
    spec = await res.json();
  } catch (err) {
    showError('The API description is not valid JSON', [`${SPEC_URL}: `, el('code', { text: String(err && err.message || err) })]);
    return;
  }
  if (!isObj(spec) || (typeof spec.openapi !== 'string' && typeof spec.swagger !== 'string')) {
    showError('This is not an OpenAPI document', [`${SPEC_URL} has no `, el('code', { text: 'openapi' }), ' version field.']);
    return;
  }
  try {
    render();
  } catch (err) {
    showError('The API description could not be rendered', [el('code', { text: String(err && err.stack || err) })]);
    return;
  }
  document.getElementById('loading').hidden = true;
  document.documentElement.dataset.state = 'ready';
  document.documentElement.dataset.ready = 'true';
  goToHash();
}

main();
