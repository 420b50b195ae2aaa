import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandHostRange, HostRangeError, splitHostPort } from '../../src/inventory/host-ranges';

test('numeric ranges keep zero padding', () => {
  assert.equal(expandHostRange('node[01:03]'), ['node01', 'node02', 'node03']);
  assert.equal(expandHostRange('n[8:10].lan'), ['n8.lan', 'n9.lan', 'n10.lan']);
});

test('letter ranges, steps and several ranges', () => {
  assert.equal(expandHostRange('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.equal(expandHostRange('w[1:10:4]'), ['w1', 'w5', 'w9']);
  assert.equal(expandHostRange('r[1:2]-[a:b]'), ['r1-a', 'r1-b', 'r2-a', 'r2-b']);
  assert.equal(expandHostRange('plain'), ['plain']);
});

test('bad ranges throw with the offset of the bracket', () => {
  const cases: [string, RegExp, number][] = [
    ['x[3:1]', /begin <= end/, 1],
    ['x[01:100]', /equal-length/, 1],
    ['x[1:]', /end value/, 1],
    ['ab[1:2:0]', /step/, 2],
    ['x[1:2:3:4]', /begin:end/, 1],
    ['x[1:a]', /numeric/, 1],
  ];
  for (const [p, re, off] of cases) {
    try {
      expandHostRange(p);
      assert.unreachable(p);
    } catch (e) {
      assert.instance(e, HostRangeError);
      assert.match((e as Error).message, re);
      assert.is((e as HostRangeError).offset, off, p);
    }
  }
});

test('host:port, bracketed and bare IPv6', () => {
  assert.equal(splitHostPort('web1:2222'), { host: 'web1', port: 2222 });
  assert.equal(splitHostPort('10.0.0.1'), { host: '10.0.0.1' });
  assert.equal(splitHostPort('[fd00::1]:22'), { host: 'fd00::1', port: 22 });
  assert.equal(splitHostPort('fd00::1'), { host: 'fd00::1' });
  assert.equal(splitHostPort('web[1:3]:22'), { host: 'web[1:3]', port: 22 });
  assert.equal(splitHostPort('web[1:3]'), { host: 'web[1:3]' });
});

test.run();
