import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planWaves, planWavesDetailed, splitByGroups, waveSize } from '../../src/runner/wave-planner';

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

test('canary: a first wave of N or N%, the rest by serial; no canary wave when it would hold every host', () => {
  const waves = planWavesDetailed(hosts, [], { canary: 2 });
  assert.equal(waves, [{ hosts: ['a', 'b'], canary: true }, { hosts: ['c', 'd', 'e', 'f', 'g'] }]);
  assert.equal(
    planWavesDetailed(hosts, [2], { canary: '20%' }).map((w) => w.hosts.length),
    [1, 2, 2, 2],
  );
  assert.equal(planWavesDetailed(hosts, [], { canary: 7 }), [{ hosts }]);
});

test('per-group limit: no wave holds more than N hosts of one matching group; order kept', () => {
  const c1 = new Set(['a', 'b', 'c']);
  const c2 = new Set(['d', 'e']);
  const limits = [{ groups: [c1, c2], limit: 1 }];
  assert.equal(splitByGroups(hosts, limits), [['a', 'd', 'f', 'g'], ['b', 'e'], ['c']]);
  const waves = planWavesDetailed(hosts, [], { canary: 3, perGroup: limits });
  assert.equal(waves[0], { hosts: ['a'], canary: true }, 'the canary (a, b, c: one group) split too');
  for (const w of waves)
    for (const g of [c1, c2]) assert.ok(w.hosts.filter((h) => g.has(h)).length <= 1, JSON.stringify(w));
  assert.equal(waves.flatMap((w) => w.hosts).sort(), hosts);
});

test.run();
