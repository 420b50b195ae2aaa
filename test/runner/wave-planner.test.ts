import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planWaves, waveSize } from '../../src/runner/wave-planner';

const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

test('no serial: one wave', () => {
  assert.equal(planWaves(hosts, []), [hosts]);
  assert.equal(planWaves([], [2]), []);
});

test('number, percentage, list with the last size repeating', () => {
  assert.equal(
    planWaves(hosts, [3]).map((w) => w.length),
    [3, 3, 1],
  );
  assert.equal(
    planWaves(hosts, ['30%']).map((w) => w.length),
    [2, 2, 2, 1],
  );
  assert.equal(
    planWaves(hosts, [1, 2, '50%']).map((w) => w.length),
    [1, 2, 3, 1],
  );
  assert.equal(planWaves(hosts, [1, 2]).flat(), hosts);
});

test('sizes: tiny percentages round up to one host, zero means all', () => {
  assert.is(waveSize('1%', 7), 1);
  assert.is(waveSize(0, 7), 7);
  assert.is(waveSize(100, 7), 7);
  assert.is(waveSize('4', 7), 4);
});

test.run();
