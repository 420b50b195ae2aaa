// Blast-radius controls and resume in the runner (fake transport): throttle, canary confirmation,
// per-group limits, and a resume state that skips finished tasks and restores what they registered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { InventoryData } from '../../src/inventory/inventory-data';
import { findModule } from '../../src/modules/index';
import { runPlaybook } from '../../src/runner/index';
import { resumeStateFrom } from '../../src/runner/resume-state';
import {
  FakeWorld,
  fakeInventory,
  freshFakesEachTest,
  options,
  play,
  playbook,
  results,
  task,
} from './fakes';

freshFakesEachTest(test);

function ten(world: FakeWorld): ReturnType<typeof fakeInventory> {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 10; i++) {
    hosts[`h${i}`] = {};
    world.delay.set(`h${i}`, 5);
  }
  return fakeInventory({
    hosts,
    groups: { c1: { hosts: ['h0', 'h1', 'h2', 'h3', 'h4'] }, c2: { hosts: ['h5', 'h6', 'h7', 'h8', 'h9'] } },
  });
}

test('throttle: at most N hosts on the task at once, under forks', async () => {
  const world = new FakeWorld();
  const s = await runPlaybook(
    playbook(play([task('kv', { key: 'k', value: 'v' }, { throttle: 2 })])),
    ten(world),
    options(world, [], { forks: 8 }),
  );
  assert.is(s.exitCode, 0);
  assert.is(world.peak, 2);
});

test('canary: the first wave runs, then the confirmation decides; no → exit 99, the rest never start', async () => {
  for (const answer of [false, true]) {
    const world = new FakeWorld();
    const events: RunEvent[] = [];
    const asked: { canary: string[]; remaining: number }[] = [];
    const s = await runPlaybook(
      playbook(play([task('kv', { key: 'k', value: 'v' })], { canary: 2 })),
      ten(world),
      options(world, events, {
        confirmCanary: async (c) => {
          asked.push({ canary: c.canary, remaining: c.remaining });
          return answer;
        },
      }),
    );
    assert.equal(asked, [{ canary: ['h0', 'h1'], remaining: 8 }]);
    const ran = new Set(results(events).map((e) => e.host));
    assert.is(ran.size, answer ? 10 : 2);
    assert.is(s.exitCode, answer ? 0 : 99);
  }
});

test('--per-group-limit c*=1: every wave holds at most one host of each cluster group', async () => {
  const world = new FakeWorld();
  const events: RunEvent[] = [];
  await runPlaybook(
    playbook(play([task('kv', { key: 'k', value: 'v' })])),
    ten(world),
    options(world, events, { perGroupLimit: [{ group: 'c*', limit: 1 }] }),
  );
  const waves = events.filter((e): e is Extract<RunEvent, { kind: 'play-start' }> => e.kind === 'play-start');
  assert.is(waves.length, 5);
  for (const w of waves) assert.equal(w.hosts.length, 2, JSON.stringify(w.hosts));
});

test('resume: finished tasks are skipped as done with their registered result; the rest runs', async () => {
  const world = new FakeWorld();
  const inv = fakeInventory({ hosts: { a: {} } });
  const t1 = task('kv', { key: 'k', value: 'v' }, { name: 't1', register: 'r1' });
  const t2 = task('echo', { msg: '{{ r1.was }}' }, { name: 't2', register: 'r2' });
  const loc1 = `${t1.loc.file}:${t1.loc.line}:${t1.loc.col}`;
  const journaled: RunEvent[] = [
    {
      kind: 'task-result',
      time: 0,
      host: 'a',
      task: 't1',
      loc: loc1,
      module: 'kv',
      status: 'changed',
      durationMs: 1,
      check: false,
      result: { changed: true, was: 'restored' },
    },
  ];
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(play([t1, t2])),
    inv,
    options(world, events, { resume: resumeStateFrom('RUN1', journaled) }),
  );
  assert.is(s.exitCode, 0);
  const rs = results(events);
  assert.equal(
    rs.map((e) => [e.task, e.status, e.msg ?? e.result?.['msg']]),
    [
      ['t1', 'skipped', 'done in run RUN1 (changed)'],
      ['t2', 'ok', 'restored'],
    ],
  );
});

test('resume: a run_once task done in the interrupted run is skipped as done; its registered result is shared', async () => {
  const mk = () => {
    const once = task('count', { name: 'once' }, { name: 'once', runOnce: true, register: 'o' });
    const show = task('echo', { msg: 'n={{ o.n }} x={{ o.extra }}' }, { name: 'show' });
    return { once, show, loc: `${once.loc.file}:${once.loc.line}:${once.loc.col}` };
  };
  const journal = (host: string, loc: string): RunEvent[] => [
    {
      kind: 'task-result',
      time: 0,
      host,
      task: 'once',
      loc,
      module: 'count',
      status: 'changed',
      durationMs: 1,
      check: false,
      result: { changed: true, n: 1, extra: 'from-journal' },
    },
  ];
  // the host that ran it is resumed (b), or stopped for good since (z, not in the run): done either way
  for (const ranOn of ['b', 'z']) {
    const { once, show, loc } = mk();
    const events: RunEvent[] = [];
    const s = await runPlaybook(
      playbook(play([once, show])),
      fakeInventory({ hosts: { a: {}, b: {}, c: {} } }),
      options(new FakeWorld(), events, { resume: resumeStateFrom('RUN1', journal(ranOn, loc)) }),
    );
    assert.is(s.exitCode, 0);
    const rs = results(events);
    assert.equal(
      rs.filter((e) => e.task === 'once').map((e) => [e.host, e.status, e.msg]),
      [['a', 'skipped', 'done in run RUN1 (changed)']],
      ranOn,
    );
    assert.equal(
      rs.filter((e) => e.task === 'show').map((e) => [e.host, e.result?.['msg']]),
      [
        ['a', 'n=1 x=from-journal'],
        ['b', 'n=1 x=from-journal'],
        ['c', 'n=1 x=from-journal'],
      ],
    );
  }
  // the same task in two plays (one location): done in the first play only — the second play runs it
  {
    const { once, show, loc } = mk();
    const events: RunEvent[] = [];
    await runPlaybook(
      playbook(play([once, show]), play([once, show])),
      fakeInventory({ hosts: { a: {}, b: {} } }),
      options(new FakeWorld(), events, { resume: resumeStateFrom('RUN1', journal('a', loc)) }),
    );
    assert.equal(
      results(events)
        .filter((e) => e.task === 'once')
        .map((e) => [e.host, e.status]),
      [
        ['a', 'skipped'],
        ['a', 'ok'],
      ],
    );
  }
  // serial: a wave whose hosts did not run it runs it (wave 1 = a, b ran it on a; wave 2 = c had not)
  const { once, show, loc } = mk();
  const events: RunEvent[] = [];
  await runPlaybook(
    playbook(play([once, show], { serial: [2] })),
    fakeInventory({ hosts: { a: {}, b: {}, c: {} } }),
    options(new FakeWorld(), events, { resume: resumeStateFrom('RUN1', journal('a', loc)) }),
  );
  assert.equal(
    results(events)
      .filter((e) => e.task === 'once')
      .map((e) => [e.host, e.status]),
    [
      ['a', 'skipped'],
      ['c', 'ok'],
    ],
  );
});

test('resume: group_by and set_stats run again (their effect is the run state), so later plays see the group', async () => {
  const world = new FakeWorld();
  const inv = new InventoryData();
  inv.addHost('a');
  inv.finalize();
  const g = task('group_by', { key: 'g_{{ inventory_hostname }}' }, { name: 'group' });
  const st = task('set_stats', { data: { n: 1 } }, { name: 'stats' });
  const journaled: RunEvent[] = [g, st].map((t) => ({
    kind: 'task-result' as const,
    time: 0,
    host: 'a',
    task: t.name!,
    loc: `${t.loc.file}:${t.loc.line}:${t.loc.col}`,
    module: t.module,
    status: 'changed' as const,
    durationMs: 1,
    check: false,
    result: { changed: true },
  }));
  const events: RunEvent[] = [];
  const opts = options(world, events, { resume: resumeStateFrom('RUN1', journaled) });
  const fake = opts.modules!;
  const s = await runPlaybook(
    playbook(
      play([g, st]),
      play([task('kv', { key: 'k', value: 'v' }, { name: 'later' })], { hosts: 'g_a' }),
    ),
    inv,
    { ...opts, modules: (n) => findModule(n) ?? fake(n) },
  );
  assert.is(s.exitCode, 0);
  assert.equal(
    results(events).map((e) => [e.host, e.task, e.status]),
    [
      ['a', 'group', 'changed'],
      ['a', 'stats', 'ok'],
      ['a', 'later', 'changed'],
    ],
  );
  const recap = events.find((e) => e.kind === 'recap');
  assert.equal(recap?.kind === 'recap' && recap.customStats, { _run: { n: 1 } });
});

test.run();
