import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors';
import { faultSet, parseFaultMix } from '../../src/lab/faults';

test('default mix is all sans', () => {
  assert.equal(parseFaultMix(undefined, 3), ['sans', 'sans', 'sans']);
});

test('counts are laid out in the order given, the rest is sans', () => {
  assert.equal(parseFaultMix('healthy=2,unreachable', 5), [
    'healthy',
    'healthy',
    'unreachable',
    'sans',
    'sans',
  ]);
});

test('unknown names and too many clusters are usage errors with a hint', () => {
  assert.throws(
    () => parseFaultMix('sanz=1', 2),
    (e: unknown) => e instanceof UsageError && /sanz/.test(e.message) && !!e.hint,
  );
  assert.throws(
    () => parseFaultMix('sans=3', 2),
    (e: unknown) => e instanceof UsageError && /3 clusters/.test(e.message),
  );
});

test('every fault but healthy starts from the migrated state', () => {
  assert.equal(faultSet('healthy'), ['healthy']);
  assert.equal(faultSet('sans'), ['sans']);
  assert.equal(faultSet('key-mismatch'), ['sans', 'key-mismatch']);
});

test('migrated-all carries every migration leftover on top of sans', () => {
  assert.equal(parseFaultMix('migrated-all=2,healthy', 4), [
    'migrated-all',
    'migrated-all',
    'healthy',
    'sans',
  ]);
  assert.equal(faultSet('migrated-all'), [
    'sans',
    'svc-clusterip',
    'cluster-dns',
    'kubeconfig',
    'etcd-sans',
    'dns-svc-ip',
    'flags',
  ]);
  assert.equal(faultSet('etcd-sans'), ['sans', 'etcd-sans']);
});

test.run();
