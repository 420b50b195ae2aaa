/**
 * The bad-input corpus (issue #10), run in-process through the CLI's `main()` with a time bound per case:
 * every case ends with its stated exit code and message fragment, prints no stack trace and no "internal
 * error", and — when it is a load error (exit 4/5) — has run no task (the marker task never ran). A few
 * cases also go through the real CLI process.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main';
import { runCli } from '../helpers/cli';
import { type Case, MARKER } from './corpus';
import { cliCases } from './cases-cli';
import { inventoryCases } from './cases-inventory';
import { playbookCases } from './cases-playbook';
import { rawCases } from './cases-raw';
import { structureCases } from './cases-structure';
import { varsCases } from './cases-vars';

const TIME_BOUND_MS = 15_000;
const root = mkdtempSync(path.join(tmpdir(), 'remediate-bad-input-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const cases: Case[] = [
  ...playbookCases(),
  ...structureCases(),
  ...inventoryCases(),
  ...varsCases(),
  ...cliCases(),
  ...rawCases(),
];

function setUp(c: Case, i: number): { dir: string; args: string[] } {
  const dir = path.join(root, `c${i}`);
  mkdirSync(dir, { recursive: true });
  const sub = (s: string) => s.replace(/\{dir\}/g, dir);
  for (const [f, content] of Object.entries(c.files)) {
    const p = path.join(dir, f);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, typeof content === 'string' ? sub(content) : content);
  }
  return { dir, args: c.args.map(sub) };
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

async function runInProcess(args: string[], dir: string): Promise<{ code: number | 'timeout'; out: string }> {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  stdin.end();
  const io = { out: out.stream, err: err.stream, stdin, cwd: dir, env: { ...process.env, NO_COLOR: '1' } };
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    main(['node', 'remediate', ...args], io),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), TIME_BOUND_MS))),
  ]);
  clearTimeout(timer);
  return { code, out: out.text() + err.text() };
}

function check(c: Case, dir: string, code: number | 'timeout', out: string): string | undefined {
  const msg = typeof c.msg === 'string' ? c.msg.replace(/\{dir\}/g, dir) : c.msg;
  const problems: string[] = [];
  if (code !== c.code) problems.push(`exit ${code}, expected ${c.code}`);
  if (typeof msg === 'string' ? !out.includes(msg) : !msg.test(out)) problems.push(`no ${msg}`);
  if (/^\s+at .+:\d+:\d+\)?$/m.test(out)) problems.push('a stack trace');
  if (/internal error/.test(out)) problems.push('an internal error');
  if ((c.code === 4 || c.code === 5) && existsSync(path.join(dir, MARKER)))
    problems.push('a task ran before the load error');
  return problems.length ? `${c.name}: ${problems.join('; ')}\n${out.slice(0, 600)}` : undefined;
}

test(`corpus: ${cases.length} cases, each its exit code and located message, no trace, no task run`, async () => {
  const names = new Set(cases.map((c) => c.name));
  assert.is(names.size, cases.length, 'case names are distinct');
  assert.ok(cases.length >= 300, `at least 300 cases (${cases.length})`);
  const failures: string[] = [];
  const slow: string[] = [];
  const only = process.env.CORPUS_FILTER;
  for (const [i, c] of cases.entries()) {
    if (only && !c.name.includes(only)) continue;
    const { dir, args } = setUp(c, i);
    const t0 = Date.now();
    const r = await runInProcess(args, dir);
    if (Date.now() - t0 > 3000) slow.push(`${c.name} (${Date.now() - t0} ms)`);
    const f = check(c, dir, r.code, r.out);
    if (f) failures.push(f);
  }
  if (slow.length) process.stdout.write(`slow cases: ${slow.join(', ')}\n`);
  const byCode: Record<number, number> = {};
  for (const c of cases) byCode[c.code] = (byCode[c.code] ?? 0) + 1;
  process.stdout.write(`bad-input corpus: ${cases.length} cases, by exit code ${JSON.stringify(byCode)}\n`);
  assert.ok(failures.length === 0, `${failures.length} cases failed:\n\n${failures.join('\n\n')}`);
});

test('a few through the real CLI process: same codes and messages', async () => {
  const picked = cases.filter((_, i) => i % 60 === 7);
  for (const c of picked) {
    const i = cases.indexOf(c);
    const { dir, args } = setUp(c, 10_000 + i);
    const r = await runCli(args, { cwd: dir, timeoutMs: 30_000 });
    const f = check(c, dir, r.code ?? 'timeout', r.stdout + r.stderr);
    assert.not.ok(f, f);
  }
});

test.run();
