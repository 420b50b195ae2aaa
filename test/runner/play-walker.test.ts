// The walk through a play: handlers, blocks, includes, meta, run_once, tags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlaybookError } from '../../src/errors';
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
import {
  FakeWorld,
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

test('handlers: templated names and listen topics are matched after rendering, per host', async () => {
  const inv = fakeInventory({ hosts: { a: { svc: 'web' }, b: { svc: 'db' } } });
  const web = task('echo', { msg: 'web' }, { name: 'restart {{ svc }}' });
  const topic = task('echo', { msg: 't' }, { name: 'reload', listen: ['{{ svc }} changed'] });
  const pb = playbook(
    play(
      [
        task('touch', {}, { name: 'c1', notify: ['restart web'] }),
        task('touch', {}, { name: 'c2', notify: ['{{ svc }} changed'] }),
      ],
      { handlers: [web, topic] },
    ),
  );
  const events: RunEvent[] = [];
  await runPlaybook(pb, inv, options(new FakeWorld(), events));
  const ran = results(events)
    .filter((e) => e.handler)
    .map((e) => `${e.host}:${e.task}`)
    .sort();
  // a renders 'restart web' (matches) and 'web changed'; b renders 'restart db' (no match) and 'db changed'
  assert.equal(ran, ['a:reload', 'a:restart web', 'b:reload']);
  const warnings = events.filter((e) => e.kind === 'warning').map((e) => `${e.host}: ${e.msg}`);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /^b: .*the handler 'restart web' is not defined/);
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

test('loop items are rendered values: {% raw %} text stays literal in task and include_tasks loops', async () => {
  const events: RunEvent[] = [];
  const rawItem = '{% raw %}{{ not_a_var }}{% endraw %}';
  const inc = {
    type: 'include' as const,
    file: 'inc.yml',
    baseDir: '/pb',
    loc: { file: '/pb/site.yml', line: 1, col: 1 },
    tags: [],
    loop: `{{ [lit] }}`,
    loopControl: { loopVar: 'it', indexVar: 'i' },
  };
  const s = await runPlaybook(
    playbook(
      play([task('echo', { msg: '{{ item }}' }, { name: 'task loop', loop: '{{ [lit, "b"] }}' }), inc], {
        vars: { lit: rawItem },
      }),
    ),
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), events, {
      loader: {
        loadVarsFile: async () => ({}),
        loadTaskFile: async () => [task('echo', { msg: '{{ it }}/{{ i }}' }, { name: 'inner' })],
      },
    }),
  );
  assert.is(s.exitCode, 0, JSON.stringify(results(events).map((e) => e.msg)));
  assert.equal(
    results(events).map((e) => e.result!['msg']),
    ['{{ not_a_var }}', 'b', 'All items completed', '{{ not_a_var }}/0'],
  );
});

test('a failing include_tasks reports the loader problem once, without repeating its location', async () => {
  const events: RunEvent[] = [];
  const loc = { file: '/pb/site.yml', line: 3, col: 7 };
  const inc = { type: 'include' as const, file: 'missing.yml', baseDir: '/pb', loc, tags: [] };
  const s = await runPlaybook(
    playbook(play([inc])),
    fakeInventory({ hosts: { a: {} } }),
    options(new FakeWorld(), events, {
      loader: {
        loadVarsFile: async () => ({}),
        loadTaskFile: async (f, from) => {
          throw new PlaybookError(`cannot read task file ${f}: no such file`, from);
        },
      },
    }),
  );
  assert.is(s.exitCode, 2);
  const [r] = results(events);
  assert.is(r!.status, 'failed');
  assert.is(r!.msg, 'cannot read task file /pb/missing.yml: no such file');
  assert.is(r!.loc, '/pb/site.yml:3:7');
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

test('meta clear_host_errors: failed hosts take part in the next play again', async () => {
  const inv = fakeInventory({ hosts: { a: {}, b: {} } });
  const second = play([task('echo', { msg: 'x' }, { name: 'second play' })]);
  for (const clear of [false, true]) {
    const events: RunEvent[] = [];
    const first = play([
      task('boom', {}, { when: ['inventory_hostname == "a"'] }),
      ...(clear ? [task('meta', { _raw_params: 'clear_host_errors' })] : []),
    ]);
    const s = await runPlaybook(playbook(first, second), inv, options(new FakeWorld(), events));
    assert.is(s.exitCode, 2);
    assert.equal(
      results(events)
        .filter((e) => e.task === 'second play')
        .map((e) => e.host),
      clear ? ['a', 'b'] : ['b'],
    );
  }
});

test.run();
