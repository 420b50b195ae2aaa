// The one place that counts a task's result and builds its event: Ansible's recap arithmetic and no_log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HostCounts, RunEvent, TaskStatus } from '../../src/events';
import { HostState, emptyCounts } from '../../src/runner/host-state';
import type { HostRun, RunShared } from '../../src/runner/play-context';
import { countResult, reportTaskResult } from '../../src/runner/task-report';

type Rule = { rescuable: number; ignoreUnreachable?: boolean };
const cases: [TaskStatus, boolean, Rule, Partial<HostCounts>][] = [
  ['ok', false, { rescuable: 0 }, { ok: 1 }],
  ['changed', true, { rescuable: 0 }, { ok: 1, changed: 1 }],
  ['skipped', false, { rescuable: 0 }, { skipped: 1 }],
  ['failed', false, { rescuable: 0 }, { failed: 1 }],
  // a failure inside a block with a rescue section is not a failure of the host
  ['failed', false, { rescuable: 1 }, {}],
  ['ignored', false, { rescuable: 0 }, { ok: 1, ignored: 1 }],
  ['ignored', true, { rescuable: 0 }, { ok: 1, changed: 1, ignored: 1 }],
  ['unreachable', false, { rescuable: 0 }, { unreachable: 1 }],
  ['unreachable', false, { rescuable: 0, ignoreUnreachable: true }, { ignored: 1 }],
];

for (const [status, changed, rule, want] of cases) {
  test(`counts: ${status}${changed ? ' (changed)' : ''} ${JSON.stringify(rule)}`, () => {
    const counts = emptyCounts();
    countResult(counts, status, changed, rule);
    assert.equal(counts, { ...emptyCounts(), ...want });
  });
}

function harness(): { shared: RunShared; hr: HostRun; events: RunEvent[] } {
  const events: RunEvent[] = [];
  let t = 100;
  const shared = { emit: (e: RunEvent) => events.push(e), now: () => (t += 10) } as unknown as RunShared;
  const hr: HostRun = { state: new HostState('h1', {}), ended: false, occurrences: new Map() };
  return { shared, hr, events };
}

const base = { task: 't', loc: 'p.yml:3:5', module: 'command', startedAt: 50, check: false };

test('a final result is counted once and emitted once; per-item reports are not counted', () => {
  const { shared, hr, events } = harness();
  reportTaskResult(shared, hr, { ...base, status: 'changed', item: 'a', result: { changed: true } }, false);
  reportTaskResult(shared, hr, { ...base, status: 'changed', result: { changed: true } }, { rescuable: 0 });
  assert.is(events.length, 2);
  assert.equal(hr.state.counts, { ...emptyCounts(), ok: 1, changed: 1 });
  const e = events[1] as Extract<RunEvent, { kind: 'task-result' }>;
  assert.is(e.host, 'h1');
  assert.is(e.durationMs, e.time - 50);
});

test('no_log censors msg, item, changes and result, keeping the status flags', () => {
  const { shared, hr, events } = harness();
  reportTaskResult(
    shared,
    hr,
    {
      ...base,
      status: 'failed',
      noLog: true,
      msg: 'password=hunter2',
      item: 'hunter2',
      changes: [{ describe: 'write hunter2', steps: [] }],
      result: { failed: true, stdout: 'hunter2' },
    },
    { rescuable: 0 },
  );
  const text = JSON.stringify(events);
  assert.not.ok(text.includes('hunter2'), text);
  const e = events[0] as Extract<RunEvent, { kind: 'task-result' }>;
  assert.is(e.item, '(hidden)');
  assert.is(e.result?.['failed'], true);
});

test('a skipped task keeps its reason under no_log', () => {
  const { shared, hr, events } = harness();
  const msg = 'Conditional result was False: x';
  reportTaskResult(shared, hr, { ...base, status: 'skipped', noLog: true, msg }, { rescuable: 0 });
  assert.is((events[0] as { msg?: string }).msg, msg);
  assert.is(hr.state.counts.skipped, 1);
});

test.run();
