// One abort listener per signal, fanned out: waiters subscribe and unsubscribe without piling up listeners.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { abortError, onAbort } from '../src/abort';
import { realClock } from '../src/runner/options';

test('every subscriber is called once on abort; an unsubscribed one is not', () => {
  const ac = new AbortController();
  const calls: number[] = [];
  const offs = Array.from({ length: 50 }, (_, i) => onAbort(ac.signal, () => calls.push(i)));
  offs[7]!();
  ac.abort();
  ac.abort();
  assert.is(calls.length, 49);
  assert.not.ok(calls.includes(7));
});

test('a signal that already aborted calls nothing (the caller checks .aborted first)', () => {
  const ac = new AbortController();
  ac.abort();
  let called = false;
  onAbort(ac.signal, () => (called = true))();
  assert.not.ok(called);
});

test('abortError carries what may have been left behind', () => {
  const e = abortError('the remote command may still be running');
  assert.is(e.name, 'AbortError');
  assert.is(e.message, 'interrupted; the remote command may still be running');
});

test('50 hosts sleeping between retries on the run signal: no warning, all interrupted', async () => {
  const ac = new AbortController();
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(w.name);
  process.on('warning', onWarning);
  const sleeps = Array.from({ length: 50 }, () => realClock.sleep(10_000, ac.signal).then(() => 'slept'));
  ac.abort();
  const outcomes = await Promise.allSettled(sleeps);
  await new Promise((r) => setTimeout(r, 20));
  process.off('warning', onWarning);
  assert.equal(seen, []);
  assert.ok(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).name === 'AbortError'));
});

test.run();
