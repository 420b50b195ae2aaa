/**
 * Visible skips. A test that cannot run here says so — `SKIP <file> — "<test>": <why>` on stdout — and is
 * counted by uvu as skipped, instead of returning early and passing. Under CI=true (where .ci/run has
 * installed everything and runs as root) a skip is a failure: the file exits non-zero, so a missing install
 * step can never turn into a green run. test/run.js lists every SKIP line and fails such a file too.
 *
 *   const asRoot = onlyIf(test, requireRoot());
 *   asRoot('become to another user (su as root)', async () => { ... });
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Why a requirement is unmet, or undefined when it is met. */
export type Unmet = string | undefined;

type Body = () => void | Promise<void>;
type Register = (name: string, fn: Body) => void;
type Suite = Register & { skip: (name?: string, fn?: Body) => void };

const repoRoot = path.resolve(__dirname, '../..');
const inCI = process.env.CI === 'true' || process.env.CI === '1';
let skippedInCI = 0;

process.on('exit', () => {
  if (skippedInCI > 0) process.exitCode = process.exitCode || 1;
});

export function requireRoot(): Unmet {
  const uid = process.getuid?.();
  return uid === 0 ? undefined : `needs root (running as uid ${uid})`;
}

/** A program on PATH (or in /usr/sbin, /sbin). */
export function requireTool(name: string): Unmet {
  try {
    execFileSync('sh', ['-c', `command -v "$1" || [ -x /usr/sbin/"$1" ] || [ -x /sbin/"$1" ]`, 'sh', name], {
      stdio: 'ignore',
    });
    return undefined;
  } catch {
    return `needs ${name} (not installed; .ci/install-deps installs it)`;
  }
}

/** The first unmet requirement of several. */
export function requireAll(...unmet: Unmet[]): Unmet {
  return unmet.find((u) => u !== undefined);
}

function testFile(): string {
  const main = require.main?.filename ?? process.argv.find((a) => a.endsWith('.test.ts')) ?? '?';
  return path.relative(repoRoot, main);
}

/** Report one skipped test: the SKIP line, uvu's skip count, and under CI=true a failing exit. */
export function skipTest(t: Suite, name: string, why: string): void {
  process.stdout.write(`SKIP ${testFile()} — "${name}": ${why}\n`);
  if (inCI) {
    skippedInCI++;
    process.stderr.write(`CI=true: a skipped test fails the run (${testFile()}: ${why})\n`);
  }
  t.skip(name);
}

/** A registrar that adds tests to `t` when `unmet` is undefined, and visible skips otherwise. */
export function onlyIf(t: Suite, unmet: Unmet): Register {
  return (name, fn) => (unmet === undefined ? t(name, fn) : skipTest(t, name, unmet));
}
