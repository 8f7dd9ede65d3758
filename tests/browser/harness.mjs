// What the browser tests share: the stack's URL, where screenshots go, and
// the check runner whose last line run.sh reads ("N passed, M failed").
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const started = Date.now();
export const base = (process.env.LLMAPI_TEST_URL || '').replace(/\/$/, '');
if (!base) { console.log('LLMAPI_TEST_URL is not set (see tests/integration/stack.sh env)\n0 passed, 1 failed'); process.exit(1); }

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const shots = path.join(root, 'var', 'browser-screenshots');
fs.mkdirSync(shots, { recursive: true });

// Ends the run before any check when the stack cannot give `what`.
export function unreachable(what, e) {
  console.log(`cannot ${what}: ${e.cause ? e.cause.code || e.cause.message : e.message}\n0 passed, 1 failed`);
  process.exit(1);
}

let passed = 0, failed = 0;
export async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`${name} ... ok (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`${name} ... FAIL\n  ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 4).join('\n  ')}`);
  }
}
export function check(cond, what) { if (!cond) throw new Error(`assertion failed: ${what}`); }

// The last lines: where the screenshots are (`which` names them), the time, the counts.
export function finish(which = '') {
  console.log(`screenshots in ${path.relative(process.cwd(), shots) || shots}${which}; took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
