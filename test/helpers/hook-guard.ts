/**
 * Preloaded into every test file by test/run.js (`node -r tsx/cjs -r test/helpers/hook-guard.ts FILE`).
 *
 * uvu 0.5.6 runs a suite's `before` hooks inside a try whose `finally` returns: a throwing `before` hook
 * (where every sshd suite starts its sshd) skips all the suite's tests, prints nothing, and exits 0. This
 * wraps the hooks of the default `test` and of every `suite()` so that a throw prints
 * `HOOK FAILED <file> — before hook of "<suite>": <stack>` and the process exits non-zero. run.js also fails
 * a file that exits 0 having passed fewer tests than it declared, so a file run without this preload is
 * still caught.
 *
 * It also turns SIGTERM (sent by run.js on timeout) into a normal exit, so `process.on('exit')` cleanups
 * (sshd processes, network namespaces, temp dirs — test/helpers/exit-cleanups.ts) still run.
 */
import * as path from 'node:path';
import type * as uvu from 'uvu';

type Hook = (handler: (ctx: unknown) => unknown) => void;
type Hooks = Hook & { each: Hook };
type Test = { before: Hooks; after: Hooks };

const repoRoot = path.resolve(__dirname, '../..');
let hookFailed = false;

function fileName(): string {
  const main = process.argv.find((a) => a.endsWith('.ts') && !a.includes('hook-guard')) ?? '?';
  return path.relative(repoRoot, path.resolve(main));
}

function wrapHook(register: Hook, label: string): Hook {
  return (handler) =>
    register(async (ctx) => {
      try {
        return await handler(ctx);
      } catch (e) {
        hookFailed = true;
        const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
        process.stderr.write(`\nHOOK FAILED ${fileName()} — ${label}: ${detail}\n`);
        throw e;
      }
    });
}

function guard<T>(t: T, name: string): T {
  const s = t as unknown as Test;
  const of = name ? ` of suite "${name}"` : '';
  for (const kind of ['before', 'after'] as const) {
    const orig = s[kind];
    const wrapped = wrapHook(orig, `${kind} hook${of}`) as Hooks;
    wrapped.each = wrapHook(orig.each, `${kind}.each hook${of}`);
    s[kind] = wrapped;
  }
  return t;
}

// The module object itself (not an ES namespace copy), so the patched `suite` is what test files import.
const mod = require('uvu') as { suite: typeof uvu.suite; test: typeof uvu.test };
guard(mod.test, '');
const originalSuite = mod.suite;
mod.suite = ((name?: string, state?: unknown) =>
  guard(originalSuite(name, state as never), name ?? '')) as typeof uvu.suite;

process.on('exit', () => {
  if (hookFailed) process.exitCode = 1;
});

process.on('SIGTERM', () => {
  process.stderr.write(`\n${fileName()}: SIGTERM (test timeout?) — running exit cleanups\n`);
  process.exit(143);
});
