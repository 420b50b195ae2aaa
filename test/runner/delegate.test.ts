// delegate_to another inventory host: the module runs there (its own connection and facts), the task's
// variables and results stay the delegating host's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
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

test('delegate_to an inventory host runs the module there, once per delegating host', async () => {
  const world = new FakeWorld();
  const inv = fakeInventory({ hosts: { a: {}, b: {}, db: {} } });
  const pb = playbook(
    play(
      [
        task('kv', { key: 'from_{{ inventory_hostname }}', value: 'x' }, { delegateTo: 'db' }),
        task('kv', { key: 'own', value: 'y' }),
      ],
      { hosts: 'a:b' },
    ),
  );
  const events: RunEvent[] = [];
  const summary = await runPlaybook(pb, inv, options(world, events));
  assert.is(summary.exitCode, 0);
  assert.equal([...world.kv('db').entries()].sort(), [
    ['from_a', 'x'],
    ['from_b', 'x'],
  ]);
  assert.is(world.kv('a').get('own'), 'y');
  assert.is(world.kv('a').get('from_a'), undefined, 'not on the delegating host');
  assert.equal(
    results(events)
      .map((e) => e.host)
      .sort(),
    ['a', 'a', 'b', 'b'],
    'results belong to the delegating hosts',
  );
  assert.not.ok('db' in summary.hosts, 'the delegate is not in the recap');
});

test('a templated delegate_to naming the host itself runs on the host', async () => {
  const world = new FakeWorld();
  const inv = fakeInventory({ hosts: { a: {} } });
  const pb = playbook(
    play([task('kv', { key: 'k', value: 'v' }, { delegateTo: '{{ inventory_hostname }}' })]),
  );
  await runPlaybook(pb, inv, options(world, []));
  assert.is(world.kv('a').get('k'), 'v');
});

test.run();
