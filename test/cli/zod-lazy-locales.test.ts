/**
 * zod's message catalogues load on first use (src/zod-lazy-locales.ts): in a fresh process, loading zod
 * after the shim reads English only, every locale is still there and works, and validation messages are
 * zod's English ones as without the shim.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.join(__dirname, '../..');

/** Runs `body` in a fresh node (through tsx), after the shim when `shim`; returns what it printed as JSON. */
function fresh(shim: boolean, body: string): Record<string, unknown> {
  const code = `
    const installed = ${shim} ? require('./src/zod-lazy-locales').lazyZodLocales() : false;
    const { z } = require('zod');
    const loaded = () => Object.keys(require.cache).filter((f) => /zod[\\\\/]v4[\\\\/]locales[\\\\/](?!index)/.test(f)).map((f) => require('path').basename(f)).sort();
    const out = { installed };
    ${body}
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const CHECK = `
  out.message = z.object({ n: z.number() }).safeParse({ n: 'x' }).error.issues[0].message;
  out.atLoad = loaded();
  out.keys = Object.keys(z.locales).length;
  out.hasDe = typeof z.locales.de === 'function';
  z.config(z.locales.de());
  out.german = z.number().safeParse('x').error.issues[0].message;
  out.afterDe = loaded();`;

test('with the shim: English only at load, the same messages and locales as without it', () => {
  const plain = fresh(false, CHECK);
  const lazy = fresh(true, CHECK);
  assert.is(lazy.installed, true);
  assert.equal(lazy.atLoad, ['en.cjs']);
  assert.ok((plain.atLoad as string[]).length > 40, 'without the shim zod loads every catalogue');
  assert.equal(lazy.afterDe, ['de.cjs', 'en.cjs']);
  for (const k of ['message', 'keys', 'hasDe', 'german']) assert.equal(lazy[k], plain[k], k);
  assert.match(String(lazy.german), /Ungültige Eingabe|erwartet/);
});

test('does nothing once zod is loaded', () => {
  const r = fresh(false, `out.again = require('./src/zod-lazy-locales').lazyZodLocales();`);
  assert.is(r.again, false);
});

test.run();
