import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
import {
  FakeClock,
  FakeWorld,
  applyCalls,
  block,
  fakeInventory,
  options,
  play,
  playbook,
  resetApplyCalls,
  resetCounters,
  results,
  task,
} from './fakes';

const two = () => fakeInventory({ hosts: { a: {}, b: {} } });

test.before.each(() => {
  resetApplyCalls();
  resetCounters();
});

test('linear keeps hosts in step; free lets a fast host run ahead', async () => {
  for (const strategy of ['linear', 'free'] as const) {
    const world = new FakeWorld();
    world.delay.set('a', 30);
    const events: RunEvent[] = [];
    const pb = playbook(
      play(
        [
          task('kv', { key: 'x', value: '1' }, { name: 't1' }),
          task('kv', { key: 'y', value: '2' }, { name: 't2' }),
        ],
        { strategy },
      ),
    );
    const s = await runPlaybook(pb, two(), options(world, events));
    assert.is(s.exitCode, 0);
    const order = results(events).map((e) => `${e.host}:${e.task}`);
    if (strategy === 'linear') assert.equal(order.slice(0, 2).sort(), ['a:t1', 'b:t1']);
    else assert.equal(order.slice(0, 2), ['b:t1', 'b:t2']);
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

test('handlers: once, in definition order, only for notifying hosts, at flush_handlers, forced after failure', async () => {
  const inv = fakeInventory({ hosts: { a: {}, b: { quiet: true } } });
  const h1 = task('echo', { msg: 'h1' }, { name: 'first handler' });
  const h2 = task('echo', { msg: 'h2' }, { name: 'second handler', listen: ['topic'] });
  const pb = playbook(
    play(
      [
        task('touch', {}, { name: 'c1', notify: ['topic'], when: ['not (quiet | default(false))'] }),
        task(
          'touch',
          {},
          { name: 'c2', notify: ['first handler', 'topic'], when: ['not (quiet | default(false))'] },
        ),
        task('meta', { _raw_params: 'flush_handlers' }),
        task('echo', { msg: 'after' }, { name: 'after flush' }),
      ],
      { handlers: [h1, h2] },
    ),
  );
  const events: RunEvent[] = [];
  await runPlaybook(pb, inv, options(new FakeWorld(), events));
  const seq = results(events)
    .map((e) => `${e.host}:${e.task}${e.handler ? '(h)' : ''}`)
    .filter((s) => s.startsWith('a:'));
  assert.equal(seq, ['a:c1', 'a:c2', 'a:first handler(h)', 'a:second handler(h)', 'a:after flush']);
  assert.equal(
    results(events).filter((e) => e.host === 'b' && e.handler),
    [],
  );

  // a later failure: handlers do not run, unless forced
  const failing = playbook(
    play([task('touch', {}, { name: 'c', notify: ['first handler'] }), task('boom', {})], { handlers: [h1] }),
  );
  for (const forceHandlers of [false, true]) {
    const ev: RunEvent[] = [];
    const s = await runPlaybook(
      failing,
      fakeInventory({ hosts: { a: {} } }),
      options(new FakeWorld(), ev, { forceHandlers }),
    );
    assert.is(s.exitCode, 2);
    assert.is(results(ev).filter((e) => e.handler).length, forceHandlers ? 1 : 0);
  }
});

test('block/rescue/always: rescued status, failed task vars, always runs', async () => {
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      block(
        [
          task('boom', { msg: 'bad thing' }, { name: 'explode' }),
          task('echo', { msg: 'never' }, { name: 'skipped by failure' }),
        ],
        [
          task(
            'echo',
            { msg: '{{ ansible_failed_task.name }}: {{ ansible_failed_result.msg }}' },
            { name: 'rescue', register: 'r' },
          ),
        ],
        [task('echo', { msg: 'always' }, { name: 'always' })],
      ),
      task('echo', { msg: '{{ r.msg }}' }, { name: 'after' }),
    ]),
  );
  const s = await runPlaybook(pb, fakeInventory({ hosts: { a: {} } }), options(new FakeWorld(), events));
  assert.is(s.exitCode, 0);
  assert.equal(s.hosts['a'], {
    ok: 3,
    changed: 0,
    unreachable: 0,
    failed: 0,
    skipped: 0,
    rescued: 1,
    ignored: 0,
  });
  const names = results(events).map((e) => e.task);
  assert.equal(names, ['explode', 'rescue', 'always', 'after']);
  assert.is(results(events)[3]!.result!['msg'], 'explode: bad thing');
  // a failure in rescue fails the host, always still runs
  const ev2: RunEvent[] = [];
  const s2 = await runPlaybook(
    playbook(
      play([
        block(
          [task('boom', {})],
          [task('boom', { msg: 'again' })],
          [task('echo', { msg: 'x' }, { name: 'always' })],
        ),
      ]),
    ),
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), ev2),
  );
  assert.is(s2.exitCode, 2);
  assert.is(s2.hosts['a']!.failed, 1);
  assert.ok(results(ev2).some((e) => e.task === 'always'));
});

test('loops: per-item results, label, index_var, registered results[]', async () => {
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      task(
        'kv',
        { key: '{{ item.k }}', value: '{{ item.v }}' },
        {
          name: 'loop',
          loop: [
            { k: 'a', v: '1' },
            { k: 'b', v: '2' },
          ],
          loopControl: { loopVar: 'item', label: '{{ item.k }}', indexVar: 'i' },
          register: 'out',
        },
      ),
      task(
        'echo',
        { msg: '{{ out.results | map(attribute="changed") | list }} {{ out.results[1].i }}' },
        { name: 'show' },
      ),
      task(
        'echo',
        { msg: '{{ x }}' },
        { name: 'var loop', loop: '{{ [1, 2, 3] }}', loopControl: { loopVar: 'x' } },
      ),
    ]),
  );
  const world = new FakeWorld();
  const s = await runPlaybook(pb, fakeInventory({ hosts: { a: {} } }), options(world, events));
  assert.is(s.exitCode, 0);
  const loop = results(events).filter((e) => e.task === 'loop');
  assert.equal(
    loop.map((e) => [e.item, e.status]),
    [
      ['a', 'changed'],
      ['b', 'changed'],
      [undefined, 'changed'],
    ],
  );
  assert.is(world.kv('a').get('b'), '2');
  assert.is(results(events).find((e) => e.task === 'show')!.result!['msg'], '[True, True] 1');
  assert.equal(
    results(events)
      .filter((e) => e.task === 'var loop' && e.item)
      .map((e) => e.result!['msg']),
    [1, 2, 3],
  );
  assert.is(s.hosts['a']!.changed, 1);
});

test('until/retries: attempt events and fake-clock sleeps', async () => {
  const events: RunEvent[] = [];
  const clock = new FakeClock();
  const pb = playbook(
    play([
      task(
        'count',
        { name: 'u' },
        { name: 'wait', register: 'c', until: ['c.n >= 3'], retries: 5, delay: 2 },
      ),
      task('count', { name: 'never' }, { name: 'give up', until: ['n > 100'], retries: 2, delay: 1 }),
    ]),
  );
  const s = await runPlaybook(
    pb,
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), events, { clock }),
  );
  const wait = results(events).filter((e) => e.task === 'wait');
  assert.equal(
    wait.map((e) => e.attempt?.n),
    [1, 2, undefined],
  );
  assert.is(wait[2]!.status, 'ok');
  assert.is(wait[2]!.result!['attempts'], 3);
  const give = results(events).filter((e) => e.task === 'give up');
  assert.is(give.length, 3);
  assert.is(give[2]!.status, 'failed');
  assert.match(give[2]!.msg!, /Retried 3 times/);
  assert.equal(clock.sleeps, [2000, 2000, 1000, 1000]);
  assert.is(s.exitCode, 2);
});

test('when and tags (always, never, tagged, untagged, skip)', async () => {
  const tasks = [
    task('echo', { msg: 1 }, { name: 'untagged' }),
    task('echo', { msg: 2 }, { name: 'web', tags: ['web'] }),
    task('echo', { msg: 3 }, { name: 'always', tags: ['always'] }),
    task('echo', { msg: 4 }, { name: 'never', tags: ['never', 'debug'] }),
    block([task('echo', { msg: 5 }, { name: 'in db block' })], [], [], { tags: ['db'] }),
    task('echo', { msg: 6 }, { name: 'skipped by when', when: ['1 == 2'] }),
  ];
  const run = async (tags: string[], skipTags: string[] = []) => {
    const ev: RunEvent[] = [];
    await runPlaybook(
      playbook(play(tasks)),
      fakeInventory({ hosts: { a: {} } }),
      options(new FakeWorld(), ev, { tags, skipTags }),
    );
    return results(ev)
      .filter((e) => e.status !== 'skipped')
      .map((e) => e.task);
  };
  assert.equal(await run([]), ['untagged', 'web', 'always', 'in db block']);
  assert.equal(await run(['web']), ['web', 'always']);
  assert.equal(await run(['debug']), ['always', 'never']);
  assert.equal(await run(['db']), ['always', 'in db block']);
  assert.equal(await run(['tagged']), ['web', 'always', 'in db block']);
  assert.equal(await run(['untagged']), ['untagged', 'always']);
  assert.equal(await run([], ['web', 'always']), ['untagged', 'in db block']);
  const ev: RunEvent[] = [];
  await runPlaybook(
    playbook(play(tasks)),
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), ev, { verbosity: 1 }),
  );
  const sk = results(ev).find((e) => e.task === 'skipped by when')!;
  assert.is(sk.status, 'skipped');
  assert.match(sk.msg!, /Conditional result was False/);
});

test('changed_when / failed_when / ignore_errors', async () => {
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      task('touch', { rc: 3 }, { name: 'not changed', changedWhen: [false], register: 'r1' }),
      task('touch', { rc: 3 }, { name: 'fails on rc', failedWhen: ['rc == 3'], ignoreErrors: true }),
      task('boom', {}, { name: 'failure forgiven', failedWhen: [false] }),
      task(
        'kv',
        { key: 'k', value: 'v' },
        { name: 'changed when registered', register: 'r2', changedWhen: ['r2.before == ""'] },
      ),
      task('echo', { msg: '{{ r1.changed }}' }, { name: 'last' }),
    ]),
  );
  const s = await runPlaybook(pb, fakeInventory({ hosts: { a: {} } }), options(new FakeWorld(), events));
  const st = Object.fromEntries(results(events).map((e) => [e.task, e.status]));
  assert.equal(st, {
    'not changed': 'ok',
    'fails on rc': 'ignored',
    'failure forgiven': 'ok',
    'changed when registered': 'changed',
    last: 'ok',
  });
  assert.is(results(events).find((e) => e.task === 'last')!.result!['msg'], false);
  assert.is(s.exitCode, 0);
  assert.is(s.hosts['a']!.ignored, 1);
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

test('include_tasks with a loop; include vars beat task vars', async () => {
  const events: RunEvent[] = [];
  const inc = {
    type: 'include' as const,
    file: 'inc-{{ item }}.yml',
    baseDir: '/pb',
    loc: { file: '/pb/site.yml', line: 1, col: 1 },
    tags: ['inc'],
    loop: ['x', 'y'],
    vars: { who: 'include' },
  };
  const loaded: string[] = [];
  const s = await runPlaybook(
    playbook(play([inc])),
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), events, {
      tags: ['inc'],
      loader: {
        loadVarsFile: async () => ({}),
        loadTaskFile: async (f) => {
          loaded.push(f);
          return [task('echo', { msg: '{{ who }} {{ item }}' }, { name: 'inner', vars: { who: 'task' } })];
        },
      },
    }),
  );
  assert.is(s.exitCode, 0);
  assert.equal(loaded, ['/pb/inc-x.yml', '/pb/inc-y.yml']);
  assert.equal(
    results(events).map((e) => e.result!['msg']),
    ['include x', 'include y'],
  );
});

test('an undefined variable fails the task with its name and location; no_log hides output', async () => {
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(
      play([
        task('secretive', { password: 'hunter2' }, { noLog: true, name: 'quiet' }),
        task('echo', { msg: '{{ nope }}' }, { name: 'broken' }),
      ]),
    ),
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), events),
  );
  assert.is(s.exitCode, 2);
  const broken = results(events).find((e) => e.task === 'broken')!;
  assert.is(broken.status, 'failed');
  assert.match(broken.msg!, /'nope' is undefined/);
  assert.match(broken.loc, /^\/pb\/site\.yml:\d+:5$/);
  assert.not.match(JSON.stringify(events), /hunter2/);
});

test('run_once runs on the first host and registers for all; set_fact persists across plays; meta end_host', async () => {
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      task('count', { name: 'once' }, { name: 'once', runOnce: true, register: 'o' }),
      task('set_fact', { f: '{{ o.n }}' }),
    ]),
    play([
      task('meta', { _raw_params: 'end_host' }, { when: ['inventory_hostname == "b"'] }),
      task('echo', { msg: '{{ f }}' }, { name: 'show' }),
    ]),
  );
  await runPlaybook(pb, two(), options(new FakeWorld(), events));
  assert.equal(
    results(events)
      .filter((e) => e.task === 'once')
      .map((e) => e.host),
    ['a'],
  );
  assert.equal(
    results(events)
      .filter((e) => e.task === 'show')
      .map((e) => [e.host, e.result!['msg']]),
    [['a', 1]],
  );
});

test('become (task > play > ansible_become vars), environment and delegate_to: localhost reach the transport', async () => {
  const world = new FakeWorld();
  const inv = fakeInventory({
    hosts: { a: { ansible_become: 'yes', ansible_become_user: 'ops', hv: '{{ inventory_hostname }}-x' } },
  });
  const pb = playbook(
    play(
      [
        task('kv', { key: 'k1', value: 'v' }),
        task('kv', { key: 'k2', value: 'v' }, { become: true, becomeUser: 'kube' }),
        task('kv', { key: 'k3', value: 'v' }, { become: false, environment: { TASK: '{{ 1 + 1 }}' } }),
        task('kv', { key: 'k4', value: 'v' }, { delegateTo: 'localhost' }),
        task('echo', { msg: "{{ hostvars['a'].hv }}" }, { name: 'hostvars' }),
      ],
      { environment: { PLAY: 'p' } },
    ),
  );
  const events: RunEvent[] = [];
  const s = await runPlaybook(pb, inv, options(world, events));
  assert.is(s.exitCode, 0);
  const gets = world.execs.filter((e) => e.display.startsWith('get'));
  assert.equal(
    gets.map((e) => [e.host, e.display, e.become, e.env]),
    [
      ['a', 'get k1', 'ops', { PLAY: 'p' }],
      ['a', 'get k2', 'kube', { PLAY: 'p' }],
      ['a', 'get k3', undefined, { PLAY: 'p', TASK: '2' }],
      ['localhost', 'get k4', 'ops', { PLAY: 'p' }],
    ],
  );
  assert.is(world.kv('localhost').get('k4'), 'v');
  assert.is(results(events).find((e) => e.task === 'hostvars')!.result!['msg'], 'a-x');
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

test('meta end_batch ends the wave only; end_play ends the play', async () => {
  const inv = fakeInventory({ hosts: { a: {}, b: {}, c: {} } });
  for (const [action, want] of [
    ['end_batch', ['a', 'b', 'c']],
    ['end_play', ['a']],
  ] as const) {
    const events: RunEvent[] = [];
    const pb = playbook(
      play(
        [
          task('echo', { msg: 'x' }, { name: 'before' }),
          task('meta', { _raw_params: action }),
          task('echo', { msg: 'x' }, { name: 'after' }),
        ],
        { serial: [1] },
      ),
    );
    await runPlaybook(pb, inv, options(new FakeWorld(), events));
    assert.equal(
      results(events)
        .filter((e) => e.task === 'before')
        .map((e) => e.host),
      [...want],
    );
    assert.equal(
      results(events).filter((e) => e.task === 'after'),
      [],
    );
  }
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
  world.delay.set('a', 20);
  const p = runPlaybook(
    playbook(play([task('kv', { key: 'k', value: 'v' }), task('kv', { key: 'k2', value: 'v' })])),
    fakeInventory({ hosts: { a: {} } }),
    options(world, events, { signal: ac.signal }),
  );
  setTimeout(() => ac.abort(), 5);
  const s = await p;
  assert.is(s.exitCode, 99);
});

test.run();
