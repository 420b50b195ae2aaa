// One task on one host: loops, until, changed_when/failed_when, errors, no_log, become/environment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
import {
  FakeClock,
  FakeWorld,
  fakeInventory,
  options,
  play,
  playbook,
  results,
  task,
  freshFakesEachTest,
} from './fakes';

freshFakesEachTest(test);

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

test('loop_control.extended: ansible_loop has what Ansible gives (revindex, allitems, prev/next item)', async () => {
  const events: RunEvent[] = [];
  const msg =
    '{{ ansible_loop.index }}/{{ ansible_loop.revindex }}/{{ ansible_loop.revindex0 }}/' +
    '{{ ansible_loop.first }}/{{ ansible_loop.last }}/{{ ansible_loop.allitems | join(",") }}/' +
    '{{ ansible_loop.previtem | default("-") }}/{{ ansible_loop.nextitem | default("-") }}';
  const pb = playbook(
    play([
      task(
        'echo',
        { msg },
        { name: 'ext', loop: ['a', 'b', 'c'], loopControl: { loopVar: 'item', extended: true } },
      ),
    ]),
  );
  await runPlaybook(pb, fakeInventory({ hosts: { h: {} } }), options(new FakeWorld(), events));
  assert.equal(
    results(events)
      .filter((e) => e.item !== undefined)
      .map((e) => e.result!['msg']),
    ['1/3/2/True/False/a,b,c/-/b', '2/2/1/False/False/a,b,c/a/c', '3/1/0/False/True/a,b,c/b/-'],
  );
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
        task('kv', { key: 'k5', value: 'v' }, { become: true, becomeUser: '{{ app_user }}' }),
        task('kv', { key: 'k6', value: 'v' }, { become: '{{ use_sudo }}', becomeUser: 'root' }),
        task('kv', { key: 'k7', value: 'v' }, { become: '{{ not use_sudo }}', becomeUser: 'root' }),
      ],
      { environment: { PLAY: 'p' }, vars: { app_user: 'app-{{ inventory_hostname }}', use_sudo: true } },
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
      ['a', 'get k5', 'app-a', { PLAY: 'p' }],
      ['a', 'get k6', 'root', { PLAY: 'p' }],
      ['a', 'get k7', undefined, { PLAY: 'p' }],
    ],
  );
  assert.is(world.kv('localhost').get('k4'), 'v');
  assert.is(results(events).find((e) => e.task === 'hostvars')!.result!['msg'], 'a-x');
});

test('task vars may refer to the loop item; registered output holding {{ }} is never rendered', async () => {
  const events: RunEvent[] = [];
  const pb = playbook(
    play([
      task(
        'echo',
        { msg: '{{ path }}' },
        { name: 'per item', loop: ['a', 'b'], vars: { path: '/srv/{{ item }}' } },
      ),
      task('set_fact', { text: '{% raw %}{{ jinja }}{% endraw %}' }),
      task('echo', { msg: '{{ text }}' }, { name: 'literal', register: 'r' }),
      task('echo', { msg: '{{ r.msg }}' }, { name: 'registered' }),
    ]),
  );
  const s = await runPlaybook(pb, fakeInventory({ hosts: { a: {} } }), options(new FakeWorld(), events));
  assert.is(s.exitCode, 0);
  assert.equal(
    results(events)
      .filter((e) => e.task === 'per item' && e.item)
      .map((e) => e.result!['msg']),
    ['/srv/a', '/srv/b'],
  );
  assert.is(results(events).find((e) => e.task === 'registered')!.result!['msg'], '{{ jinja }}');
});

test.run();
