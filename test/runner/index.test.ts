// runPlaybook: strategies, forks, waves, failure policies, exit codes, precedence, events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlaybookError } from '../../src/errors';
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
import {
  FakeWorld,
  applyCalls,
  block,
  fakeInventory,
  options,
  play,
  playbook,
  results,
  task,
  two,
  freshFakesEachTest,
} from './fakes';

freshFakesEachTest(test);

test('linear keeps hosts in step; free lets a fast host run ahead', async () => {
  for (const strategy of ['linear', 'free'] as const) {
    const world = new FakeWorld();
    // Host a's commands wait until the test releases them, which it does on an observed result: under free
    // once b has finished both tasks (b must not wait for a); under linear once b has finished t1 (b cannot
    // start t2 before a finished t1, so waiting for b:t2 would never end).
    const releaseA = world.hold('a');
    const releaseOn = strategy === 'free' ? 'b:t2' : 'b:t1';
    // Only a runner that gets the order wrong reaches this; the assertions below then say how.
    const watchdog = setTimeout(releaseA, 10_000);
    const events: RunEvent[] = [];
    const emit = (e: RunEvent) => {
      events.push(e);
      if (e.kind === 'task-result' && `${e.host}:${e.task}` === releaseOn) releaseA();
    };
    const pb = playbook(
      play(
        [
          task('kv', { key: 'x', value: '1' }, { name: 't1' }),
          task('kv', { key: 'y', value: '2' }, { name: 't2' }),
        ],
        { strategy },
      ),
    );
    const s = await runPlaybook(pb, two(), options(world, events, { emit }));
    clearTimeout(watchdog);
    assert.is(s.exitCode, 0);
    const order = results(events).map((e) => `${e.host}:${e.task}`);
    if (strategy === 'linear') {
      assert.equal(order.slice(0, 2), ['b:t1', 'a:t1'], `${strategy}: ${order}`);
      assert.equal(order.slice(2).sort(), ['a:t2', 'b:t2'], `${strategy}: ${order}`);
    } else assert.equal(order, ['b:t1', 'b:t2', 'a:t1', 'a:t2'], `${strategy}: ${order}`);
    const starts = events
      .filter((e) => e.kind === 'task-start')
      .map((e) => (e as { task: string; hosts: string[] }).hosts.length);
    if (strategy === 'linear') assert.equal(starts, [2, 2]);
  }
});

test('forks caps hosts in flight', async () => {
  const world = new FakeWorld();
  const hosts: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < 10; i++) {
    hosts[`h${i}`] = {};
    world.delay.set(`h${i}`, 5);
  }
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(play([task('kv', { key: 'k', value: 'v' })])),
    fakeInventory({ hosts }),
    options(world, events, { forks: 3 }),
  );
  assert.is(s.exitCode, 0);
  assert.is(world.peak, 3);
  assert.is(Object.keys(s.hosts).length, 10);
});

test('serial waves and max_fail_percentage stop the play before the next wave', async () => {
  const world = new FakeWorld();
  const inv = fakeInventory({ hosts: { a: { bad: true }, b: {}, c: {}, d: {} } });
  const events: RunEvent[] = [];
  const pb = playbook(
    play([task('boom', {}, { when: ['bad | default(false)'] }), task('kv', { key: 'k', value: 'v' })], {
      serial: [2],
      maxFailPercentage: 40,
    }),
  );
  const s = await runPlaybook(pb, inv, options(world, events));
  const waves = events
    .filter((e) => e.kind === 'play-start')
    .map((e) => (e as { wave?: { index: number } }).wave?.index);
  assert.equal(waves, [1]);
  assert.is(s.exitCode, 2);
  assert.equal(s.failedHosts, ['a']);
  assert.not.ok('c' in s.hosts && s.hosts['c']!.ok > 0);
  // under the threshold, every wave runs
  const events2: RunEvent[] = [];
  const s2 = await runPlaybook(pb, inv, options(new FakeWorld(), events2, {}));
  assert.ok(s2);
  const pb3 = playbook(play([task('echo', { msg: 'hi' })], { serial: [1, '50%'] }));
  const events3: RunEvent[] = [];
  await runPlaybook(pb3, inv, options(new FakeWorld(), events3));
  const sizes = events3
    .filter((e) => e.kind === 'play-start')
    .map((e) => (e as { hosts: string[] }).hosts.length);
  assert.equal(sizes, [1, 2, 1]);
});

test('any_errors_fatal ends the play for every host after the failing task', async () => {
  const events: RunEvent[] = [];
  const inv = fakeInventory({ hosts: { a: { bad: true }, b: {}, c: {} } });
  const pb = playbook(
    play(
      [
        task('boom', {}, { when: ['bad | default(false)'], name: 'maybe fail' }),
        task('echo', { msg: 'next' }, { name: 'next' }),
      ],
      { anyErrorsFatal: true },
    ),
  );
  const s = await runPlaybook(pb, inv, options(new FakeWorld(), events));
  assert.is(s.exitCode, 2);
  assert.equal(
    results(events).filter((e) => e.task === 'next'),
    [],
  );
  // without it, the others go on
  const events2: RunEvent[] = [];
  await runPlaybook(playbook(play(pb.plays[0]!.tasks)), inv, options(new FakeWorld(), events2));
  assert.equal(
    results(events2)
      .filter((e) => e.task === 'next')
      .map((e) => e.host),
    ['b', 'c'],
  );
});

test('a play broken by failures ends the run (later plays do not start); end_play does not', async () => {
  const inv = fakeInventory({ hosts: { a: { bad: true }, b: {}, c: {} } });
  const maybeFail = task('boom', {}, { when: ['bad | default(false)'], name: 'maybe fail' });
  const next = task('echo', { msg: 'next' }, { name: 'next' });
  const later = play([task('echo', { msg: 'later' }, { name: 'later' })], { name: 'later play' });
  const cases: [string, ReturnType<typeof play>, boolean][] = [
    ['any_errors_fatal', play([maybeFail, next], { anyErrorsFatal: true }), false],
    ['max_fail_percentage', play([maybeFail, next], { maxFailPercentage: 30 }), false],
    ['a whole wave failed', play([maybeFail], { hosts: 'a' }), false],
    ['under the threshold', play([maybeFail, next], { maxFailPercentage: 50 }), true],
    ['end_play', play([task('meta', { _raw_params: 'end_play' }), next]), true],
  ];
  for (const [why, first, laterRuns] of cases) {
    const events: RunEvent[] = [];
    await runPlaybook(playbook(first, later), inv, options(new FakeWorld(), events));
    const ranLater = results(events).some((e) => e.task === 'later');
    assert.is(ranLater, laterRuns, why);
    if (why === 'any_errors_fatal' || why === 'max_fail_percentage') {
      // no banner for the step the stop cancelled
      const starts = events.filter((e) => e.kind === 'task-start').map((e) => (e as { task: string }).task);
      assert.not.ok(starts.includes('next'), `${why}: ${starts.join(', ')}`);
    }
  }
});

test('vars_files: the loader is told the play naming the file; an unrenderable entry is a located error', async () => {
  const seen: unknown[] = [];
  const loader = {
    loadTaskFile: async () => [],
    loadVarsFile: async (f: string, from?: unknown) => {
      seen.push([f, from]);
      return { fromfile: 1 };
    },
  };
  const p = play([task('echo', { msg: '{{ fromfile }}' })], { varsFiles: ['{{ which }}.yml'] });
  const s = await runPlaybook(
    playbook(p),
    two(),
    options(new FakeWorld(), [], { loader, extraVars: { which: 'x' } }),
  );
  assert.is(s.exitCode, 0);
  assert.equal(seen, [['/pb/x.yml', p.loc]]);
  const err = await runPlaybook(playbook(p), two(), options(new FakeWorld(), [], { loader })).catch(
    (e: unknown) => e,
  );
  assert.instance(err, PlaybookError);
  assert.equal((err as PlaybookError).loc, p.loc);
  assert.match((err as PlaybookError).message, `vars_files entry "{{ which }}.yml": 'which' is undefined`);
});

test('a templated hosts: pattern is rendered with play vars and extra vars; undefined is a located error', async () => {
  const inv = fakeInventory({ hosts: { a: {}, b: {}, c: {} } });
  const cases: [Partial<ReturnType<typeof play>>, Record<string, unknown>, string[]][] = [
    [{ hosts: '{{ target }}' }, { target: 'b' }, ['b']],
    [{ hosts: '{{ target }}', vars: { target: 'a:c' } }, {}, ['a', 'c']],
    [{ hosts: '{{ targets }}' }, { targets: ['a', 'b'] }, ['a', 'b']],
  ];
  for (const [extra, extraVars, want] of cases) {
    const events: RunEvent[] = [];
    await runPlaybook(
      playbook(play([task('echo', { msg: 'x' })], extra)),
      inv,
      options(new FakeWorld(), events, { extraVars }),
    );
    assert.equal(
      results(events)
        .map((e) => e.host)
        .sort(),
      want,
      JSON.stringify(extra),
    );
  }
  const p = play([task('echo', { msg: 'x' })], { hosts: '{{ target }}' });
  const err = await runPlaybook(playbook(p), inv, options(new FakeWorld(), [])).catch((e: unknown) => e);
  assert.instance(err, PlaybookError);
  assert.equal((err as PlaybookError).loc, p.loc);
  assert.match((err as PlaybookError).message, `hosts "{{ target }}": 'target' is undefined`);
});

test('unreachable vs failed: counts and exit codes; connect once per host', async () => {
  const world = new FakeWorld();
  world.unreachable.add('b');
  const events: RunEvent[] = [];
  const pb = playbook(play([task('kv', { key: 'k', value: 'v' }), task('kv', { key: 'k2', value: 'v' })]));
  const s = await runPlaybook(pb, two(), options(world, events));
  assert.is(s.exitCode, 3);
  assert.equal(s.unreachableHosts, ['b']);
  assert.is(s.hosts['b']!.unreachable, 1);
  assert.is(s.hosts['b']!.failed, 0);
  assert.equal(world.connects.sort(), ['a', 'b']);
  const world2 = new FakeWorld();
  world2.unreachable.add('b');
  const s2 = await runPlaybook(
    playbook(
      play([task('boom', {}, { when: ['inventory_hostname == "a"'] }), task('kv', { key: 'k', value: 'v' })]),
    ),
    two(),
    options(world2, []),
  );
  assert.is(s2.exitCode, 2);
});

test('check mode never calls apply; detailed exit code 10; unknownInCheck skipped unless check_mode: false', async () => {
  const world = new FakeWorld();
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      task('kv', { key: 'k', value: 'v' }, { name: 'set' }),
      task('shellish', {}, { name: 'cmd' }),
      task('shellish', {}, { name: 'forced', checkMode: false }),
    ]),
  );
  const s = await runPlaybook(
    pb,
    fakeInventory({ hosts: { a: {} } }),
    options(world, events, { check: true, detailedExitCode: true }),
  );
  assert.is(s.exitCode, 10);
  assert.is(applyCalls, 1); // only the check_mode: false task
  assert.equal(world.kv('a').size, 0);
  const st = results(events).map((e) => [e.task, e.status, e.check]);
  assert.equal(st, [
    ['set', 'changed', true],
    ['cmd', 'skipped', true],
    ['forced', 'changed', false],
  ]);
  assert.is(results(events)[0]!.changes![0]!.describe, 'set k = v');
  // real run then a second run: idempotent
  const s2 = await runPlaybook(
    playbook(play([pb.plays[0]!.tasks[0]!])),
    fakeInventory({ hosts: { a: {} } }),
    options(world, []),
  );
  assert.is(s2.hosts['a']!.changed, 1);
  const s3 = await runPlaybook(
    playbook(play([pb.plays[0]!.tasks[0]!])),
    fakeInventory({ hosts: { a: {} } }),
    options(world, [], { check: true, detailedExitCode: true }),
  );
  assert.is(s3.hosts['a']!.changed, 0);
  assert.is(s3.exitCode, 0);
});

test('variable precedence: group < host < facts < play < vars_files < block < task < set_fact/register < extra', async () => {
  const layers = ['group', 'host', 'facts', 'play', 'varsfile', 'block', 'task', 'setfact', 'extra'];
  // layer L sets v_K for every K at or above L: the winner for v_K must be K itself
  const from = (l: string) => Object.fromEntries(layers.slice(layers.indexOf(l)).map((k) => [`v_${k}`, l]));
  const inv = fakeInventory({
    hosts: { a: from('host') },
    groups: { g: { hosts: ['a'], vars: from('group') } },
  });
  const msg = layers.map((k) => `{{ v_${k} }}`).join(',');
  const pb = playbook(
    play(
      [
        task('gatherish', from('facts')),
        task('set_fact', from('setfact')),
        block([task('echo', { msg }, { name: 'show', vars: from('task') })], [], [], { vars: from('block') }),
      ],
      {
        vars: from('play'),
        varsFiles: ['vars.yml'],
      },
    ),
  );
  const events: RunEvent[] = [];
  await runPlaybook(
    pb,
    inv,
    options(new FakeWorld(), events, {
      extraVars: from('extra'),
      loader: { loadVarsFile: async () => from('varsfile'), loadTaskFile: async () => [] },
    }),
  );
  const got = String(results(events).find((e) => e.task === 'show')!.result!['msg']).split(',');
  assert.equal(got, layers);
});

test('gather_facts: one exec, facts as variables; an unreachable host is reported there', async () => {
  const world = new FakeWorld();
  world.unreachable.add('b');
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(
      play([task('echo', { msg: '{{ ansible_facts is defined }}' }, { name: 'facts' })], {
        gatherFacts: true,
      }),
    ),
    two(),
    options(world, events),
  );
  assert.is(s.exitCode, 3);
  assert.equal(
    world.execs.map((e) => e.host),
    ['a'],
  );
  const g = results(events).filter((e) => e.module === 'gather_facts');
  assert.equal(g.map((e) => [e.host, e.status]).sort(), [
    ['a', 'ok'],
    ['b', 'unreachable'],
  ]);
  assert.is(results(events).find((e) => e.task === 'facts')!.result!['msg'], true);
});

test('ansible_play_hosts drops hosts that failed; ansible_play_hosts_all keeps them', async () => {
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      task('boom', {}, { when: ['inventory_hostname == "a"'] }),
      task('echo', { msg: '{{ ansible_play_hosts }} {{ ansible_play_hosts_all }}' }, { name: 'show' }),
    ]),
  );
  await runPlaybook(pb, two(), options(new FakeWorld(), events));
  assert.is(results(events).find((e) => e.task === 'show')!.result!['msg'], "['b'] ['a', 'b']");
});

test('events: run-start first, recap and run-end last with exit code', async () => {
  const events: RunEvent[] = [];
  await runPlaybook(playbook(play([task('echo', { msg: 'hi' })])), two(), options(new FakeWorld(), events));
  assert.is(events[0]!.kind, 'run-start');
  assert.equal(
    events.slice(-2).map((e) => e.kind),
    ['recap', 'run-end'],
  );
  assert.ok(events.some((e) => e.kind === 'play-end'));
});

test('abort: exit 99', async () => {
  const ac = new AbortController();
  const events: RunEvent[] = [];
  const world = new FakeWorld();
  // Abort while the first task's command is running (held until then), not after a delay.
  const releaseA = world.hold('a');
  const emit = (e: RunEvent) => {
    events.push(e);
    if (e.kind === 'task-start' && !ac.signal.aborted) {
      ac.abort();
      releaseA();
    }
  };
  const s = await runPlaybook(
    playbook(play([task('kv', { key: 'k', value: 'v' }), task('kv', { key: 'k2', value: 'v' })])),
    fakeInventory({ hosts: { a: {} } }),
    options(world, events, { signal: ac.signal, emit }),
  );
  assert.is(s.exitCode, 99);
  assert.not.ok(
    world.execs.some((x) => x.display.includes('k2')),
    'the second task never ran',
  );
});

test('connections are closed before the recap; with awaitClose false without waiting for the servers', async () => {
  for (const awaitClose of [undefined, false]) {
    const world = new FakeWorld();
    world.closeDelay = 300;
    let closedAtRecap: string[] = [];
    const emit = (e: RunEvent) => {
      if (e.kind === 'recap') closedAtRecap = [...world.closed].sort();
    };
    const pb = playbook(play([task('kv', { key: 'k', value: 'v' })]));
    const t0 = Date.now();
    const s = await runPlaybook(pb, two(), options(world, [], { emit, awaitClose }));
    const took = Date.now() - t0;
    assert.is(s.exitCode, 0);
    if (awaitClose === undefined) {
      assert.equal(closedAtRecap, ['a', 'b'], 'default: closed (waited for) before the recap');
      assert.ok(took >= 300, `waited for the closes (${took} ms)`);
    } else {
      // freed before the recap (the reports and the journal may need the descriptors), nothing waited for
      assert.equal(closedAtRecap, ['a (no wait)', 'b (no wait)']);
      assert.ok(took < 300, `did not wait for the servers (${took} ms)`);
    }
  }
});

test.run();
