/**
 * The engine corpus: every playbook in test/fixtures/playbooks/ through the real loader, the implicit
 * localhost inventory, the runner, the real modules and the local transport, into a fresh work directory.
 * Each must succeed, and a second run must change nothing (idempotency). Playbooks named runner-*.yml
 * also must report nothing pending in --check after convergence.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { loadInventory } from '../../src/inventory/index';
import { loadPlaybook } from '../../src/playbook/index';
import { createReporter } from '../../src/report/index';
import { runPlaybook } from '../../src/runner/index';
import { defaultRunnerOptions } from '../../src/runner/options';
import type { RunnerOptions, RunSummary } from '../../src/runner/types';

const dir = path.join(__dirname, '..', 'fixtures', 'playbooks');
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-corpus-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

async function run(file: string, workdir: string, extra: Partial<RunnerOptions> = {}) {
  const events: RunEvent[] = [];
  const out = { text: '', write: (s: string) => void (out.text += s) };
  const reporter = createReporter('plain', { verbosity: 1, diff: true, out, err: out, color: false });
  const pb = await loadPlaybook(path.join(dir, file));
  const inv = await loadInventory([]);
  const summary: RunSummary = await runPlaybook(
    pb,
    inv,
    defaultRunnerOptions({
      emit: (e) => {
        events.push(e);
        reporter.on(e);
      },
      extraVars: { workdir },
      ...extra,
    }),
  );
  return {
    summary,
    events,
    text: out.text,
    results: events.filter((e): e is TaskResult => e.kind === 'task-result'),
  };
}

const read = (p: string) => fs.readFileSync(p, 'utf8');

/** What each known fixture leaves behind (others only have to succeed and be idempotent). */
const expectations: Record<string, (workdir: string, first: Awaited<ReturnType<typeof run>>) => void> = {
  'blocks.yml': (w, r) => {
    assert.is(read(path.join(w, 'blocks/rescued')), 'rescued remediate\n');
    assert.ok(fs.existsSync(path.join(w, 'blocks/always')));
    for (const s of ['imported', 'one', 'two'])
      assert.is(read(path.join(w, `blocks/common-${s}`)), `remediate-${s}\n`);
    assert.is(r.summary.hosts['localhost']!.rescued, 1);
  },
  'keywords.yml': (w, r) => {
    assert.is(read(path.join(w, 'kw/loop-a')), 'hello a 0\n');
    assert.is(read(path.join(w, 'kw/handled')), 'handled\n');
    assert.is(r.results.filter((e) => e.handler).length, 1);
    assert.is(r.summary.hosts['localhost']!.ignored, 1);
    assert.not.ok(r.text.includes('s3cr3t'), 'no_log output leaked');
  },
  'free-form.yml': (w) => {
    assert.is(read(path.join(w, 'ff/out')), 'a b\n');
  },
  'runner-handlers.yml': (w, r) => {
    assert.is(read(path.join(w, 'runner/handlers.log')), 'first\nsecond\n');
    assert.equal(
      r.results.filter((e) => e.handler).map((e) => e.task),
      ['first', 'second'],
    );
    assert.is(r.results.filter((e) => e.attempt).length, 2);
  },
  'runner-facts-vars.yml': (_w, r) => {
    assert.ok(r.results.some((e) => e.module === 'gather_facts' && e.status === 'ok'));
    assert.is(r.summary.hosts['localhost']!.skipped, 1);
  },
};

for (const file of fixtures) {
  test(`${file}: succeeds, then a second run changes nothing`, async () => {
    const workdir = fs.mkdtempSync(path.join(tmp, `${path.basename(file, '.yml')}-`));
    const first = await run(file, workdir);
    assert.is(first.summary.exitCode, 0, `first run of ${file}:\n${first.text}`);
    assert.match(first.text, /PLAY RECAP/);
    expectations[file]?.(workdir, first);
    const second = await run(file, workdir);
    const changed = second.results
      .filter((e) => e.status === 'changed' && e.item === undefined)
      .map((e) => e.task);
    assert.equal(changed, [], `second run of ${file} changed: ${changed.join(', ')}\n${second.text}`);
    assert.is(second.summary.exitCode, 0);
    assert.ok(Object.values(second.summary.hosts).every((c) => c.changed === 0));
    if (file.startsWith('runner-')) {
      const check = await run(file, workdir, { check: true, detailedExitCode: true });
      assert.is(check.summary.exitCode, 0, `--check after convergence of ${file}:\n${check.text}`);
    }
  });
}

test('a check run on a fresh directory writes nothing and reports what it would change', async () => {
  const workdir = fs.mkdtempSync(path.join(tmp, 'check-'));
  const r = await run('runner-handlers.yml', workdir, { check: true, detailedExitCode: true });
  assert.equal(fs.readdirSync(workdir), []);
  assert.ok(r.results.some((e) => e.status === 'changed' && e.check));
  assert.match(r.text, /changed: \[localhost\][^\n]*\n    ~ create directory /);
});

test.run();
