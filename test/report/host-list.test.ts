import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collapseHosts, hostCount } from '../../src/report/host-list';

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i + 1));

test('consecutive numbered hosts collapse to a range, the end without the shared part', () => {
  const hosts = range(180, (i) => `kube01.c${String(i).padStart(3, '0')}`);
  assert.is(collapseHosts(hosts.reverse()), 'kube01.c001–c180');
});

test('gaps, pairs, other names and natural order', () => {
  assert.is(collapseHosts(['web10', 'web2', 'web1', 'web3', 'db', 'web9']), 'db, web1–web3, web9, web10');
  assert.is(collapseHosts(['a1', 'a2']), 'a1, a2');
  assert.is(collapseHosts(['h01', 'h02', 'h03', 'h4']), 'h01–h03, h4', 'a different width is another run');
});

test('long lists are cut with a count of what is left', () => {
  const hosts = range(20, (i) => `n${i * 2}`);
  assert.is(collapseHosts(hosts, 3), 'n2, n4, n6, … +17 more');
  assert.is(hostCount(1), '1 host');
  assert.is(hostCount(200), '200 hosts');
});

test.run();
