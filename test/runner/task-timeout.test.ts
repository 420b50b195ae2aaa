// The task keyword `timeout:` in the runner (fake transport and clocks): an expired attempt stops its
// commands through the exec's abort signal and fails the item with Ansible's message, per loop item; the
// run's own Ctrl-C is still an interruption, not a timeout; a task that ends in time is untouched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { abortError } from '../../src/abort';
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
import type { Clock } from '../../src/runner/types';
import type { Transport, TransportFactory } from '../../src/transport/types';
import {
  FakeWorld,
  fakeInventory,
  freshFakesEachTest,
  options,
  play,
  playbook,
  results,
  task,
  two,
} from './fakes';

freshFakesEachTest(test);

/** Every exec hangs until its abort signal fires, then rejects as the real transports do. */
function hanging(world: FakeWorld, stopped: string[]): TransportFactory {
  return (h) => {
    const t = world.factory(h);
    const out: Transport = {
      ...t,
      exec: (cmd, opts = {}) =>
        new Promise((_, reject) => {
          world.execs.push({ host: h.name, display: cmd.display });
          const stop = () => {
            stopped.push(h.name);
            reject(abortError());
          };
          if (opts.signal?.aborted) return stop();
          opts.signal?.addEventListener('abort', stop, { once: true });
        }),
    };
    return out;
  };
}

/** A clock whose sleeps never end (until aborted): no timeout ever expires. */
const frozen: Clock = {
  now: () => 0,
  sleep: (_ms, signal) =>
    new Promise((_, reject) => signal?.addEventListener('abort', () => reject(abortError()), { once: true })),
};

const MSG = 'The touch action failed to execute in the expected time frame (5) and was terminated';

test('expired: every item fails with the message and its commands are stopped; ignore_errors goes on', async () => {
  const world = new FakeWorld();
  const stopped: string[] = [];
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(
      play([
        task('touch', {}, { name: 'hangs', timeout: 5, loop: [1, 2], ignoreErrors: true, register: 'r' }),
        task('echo', { msg: '{{ r.results | map(attribute="msg") | list }}' }, { name: 'after' }),
      ]),
    ),
    two(),
    options(world, events, { transportFactory: hanging(world, stopped) }),
  );
  assert.is(s.exitCode, 0);
  assert.equal(stopped.sort(), ['a', 'a', 'b', 'b'], 'each item on each host had its command stopped');
  const hung = results(events).filter((e) => e.task === 'hangs');
  assert.equal(
    hung.filter((e) => e.item !== undefined).map((e) => [e.status, e.msg]),
    [1, 2, 3, 4].map(() => ['failed', MSG]),
    'each item failed',
  );
  assert.equal(
    hung.filter((e) => e.item === undefined).map((e) => [e.host, e.status]),
    [
      ['a', 'ignored'],
      ['b', 'ignored'],
    ],
  );
  const after = results(events).filter((e) => e.task === 'after');
  assert.equal(
    after.map((e) => e.result?.['msg']),
    [
      [MSG, MSG],
      [MSG, MSG],
    ],
  );
});

test('--task-timeout is the default; timeout: 0 on the task turns it off', async () => {
  const world = new FakeWorld();
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(play([task('touch', {}, { name: 'bounded' }), task('touch', {}, { name: 'free', timeout: 0 })])),
    two(),
    options(world, events, { taskTimeout: 7 }),
  );
  // the fake clock's sleeps end at once: a bounded task times out, an unbounded one runs
  assert.is(s.exitCode, 2);
  const r = results(events);
  assert.equal(
    r.filter((e) => e.task === 'bounded').map((e) => e.msg),
    ['a', 'b'].map(
      () => 'The touch action failed to execute in the expected time frame (7) and was terminated',
    ),
  );
  assert.is(r.filter((e) => e.task === 'free').length, 0, 'failed hosts stop');
  const s2 = await runPlaybook(
    playbook(play([task('touch', {}, { name: 'free', timeout: 0 })])),
    two(),
    options(new FakeWorld(), [], { taskTimeout: 7 }),
  );
  assert.is(s2.exitCode, 0);
});

test("the run's Ctrl-C during a timed task is an interruption, not a timeout", async () => {
  const world = new FakeWorld();
  const stopped: string[] = [];
  const events: RunEvent[] = [];
  const ctl = new AbortController();
  const run = runPlaybook(
    playbook(play([task('touch', {}, { name: 'hangs', timeout: 600 })])),
    two(),
    options(world, events, { transportFactory: hanging(world, stopped), clock: frozen, signal: ctl.signal }),
  );
  for (let i = 0; i < 100 && world.execs.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
  ctl.abort();
  await run;
  assert.equal(stopped.sort(), ['a', 'b']);
  assert.not.ok(
    results(events).some((e) => /expected time frame/.test(String(e.msg))),
    'not reported as a timeout',
  );
});

test('a task that ends in time is untouched', async () => {
  const world = new FakeWorld();
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(play([task('touch', {}, { name: 'quick', timeout: 600 })])),
    two(),
    options(world, events, { clock: frozen }),
  );
  assert.is(s.exitCode, 0);
  assert.equal(
    results(events).map((e) => e.status),
    ['changed', 'changed'],
  );
});

test('a templated timeout that is not a whole number of seconds fails the task, naming it', async () => {
  const world = new FakeWorld();
  const events: RunEvent[] = [];
  const s = await runPlaybook(
    playbook(
      play([
        task('touch', {}, { name: 'bad', timeout: '{{ "soon" }}' as never, ignoreErrors: true }),
        task('touch', {}, { name: 'undefined', timeout: '{{ nope }}' as never }),
      ]),
    ),
    fakeInventory({ hosts: { a: {} } }),
    options(world, events, {}),
  );
  assert.is(s.exitCode, 2);
  const [bad, undef] = results(events);
  assert.is(bad?.msg, 'timeout: "soon" is not a non-negative whole number of seconds');
  assert.match(String(undef?.msg), /^timeout: .*nope/);
  assert.is(world.execs.length, 0, 'nothing ran');
});

test.run();
