import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LockstepBarrier, Semaphore, type StepGroup } from '../../src/runner/concurrency';

test('semaphore: never more than the limit, waiters served in order', async () => {
  const s = new Semaphore(2);
  const order: number[] = [];
  let inFlight = 0;
  await Promise.all(
    [0, 1, 2, 3, 4].map((i) =>
      s.with(async () => {
        inFlight++;
        assert.ok(inFlight <= 2);
        await new Promise((r) => setTimeout(r, 2));
        order.push(i);
        inFlight--;
      }),
    ),
  );
  assert.is(s.peak, 2);
  assert.equal(order, [0, 1, 2, 3, 4]);
});

test('barrier: releases when every active host arrived, groups hosts by task, leave unblocks', async () => {
  const releases: StepGroup[][] = [];
  const b = new LockstepBarrier(['a', 'b', 'c'], (g) => releases.push(g));
  const t1 = { id: 1 };
  const t2 = { id: 2 };
  let released = 0;
  const pa = b.arrive('a', { key: t1, name: 't1', loc: 'f:1:1' }).then(() => released++);
  const pb = b.arrive('b', { key: t2, name: 't2', loc: 'f:2:1' }).then(() => released++);
  await new Promise((r) => setTimeout(r, 1));
  assert.is(released, 0);
  b.leave('c');
  await Promise.all([pa, pb]);
  assert.is(released, 2);
  assert.equal(
    releases[0]!.map((g) => [g.info.name, g.hosts]),
    [
      ['t1', ['a']],
      ['t2', ['b']],
    ],
  );
  // a host sitting a step out (no info) still takes part
  const pc = b.arrive('a');
  const pd = b.arrive('b', { key: t1, name: 't1', loc: 'f:1:1' });
  await Promise.all([pc, pd]);
  assert.equal(
    releases[1]!.map((g) => g.hosts),
    [['b']],
  );
});

test.run();
