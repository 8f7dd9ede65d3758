// Requests as shell commands, with every secret value shown as its $VARIABLE
// unless revealed.
import { secrets } from './state.js';

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
export function maskText(s, reveal) {
  if (reveal || !s) return s;
  for (const [value, name] of secrets) s = s.split(value).join(`$${name}`);
  return s;
}

export function curlFor(req, reveal) {
  const lines = [`curl${req.stream ? ' -N' : ''}${req.method !== 'GET' ? ` -X ${req.method}` : ''} ${shq(req.url)}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`-H ${shqMasked(`${k}: ${v}`, reveal)}`);
  if (req.body != null) lines.push(`-d ${shqMasked(req.body, reveal)}`);
  return lines.join(' \\\n  ');
}
