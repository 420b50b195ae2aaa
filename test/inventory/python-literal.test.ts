import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIniValue } from '../../src/inventory/python-literal';

const table: [string, unknown][] = [
  ['5', 5],
  ['-3', -3],
  ['0x1F', 31],
  ['1_000', 1000],
  ['1.5', 1.5],
  ['1e3', 1000],
  ['True', true],
  ['False', false],
  ['None', null],
  ["'a b'", 'a b'],
  ['"x\\ty"', 'x\ty'],
  ["'a' 'b'", 'ab'],
  ["[1, 'two', [3]]", [1, 'two', [3]]],
  ['(1,)', [1]],
  ['(7)', 7],
  ["{'k': 1, 2: 'v'}", { k: 1, '2': 'v' }],
  ['{1, 2}', [1, 2]],
  // not Python literals: the raw text stays
  ['FALSE', 'FALSE'],
  ['true', 'true'],
  ['yes', 'yes'],
  ['08', '08'],
  ['1.2.3.4', '1.2.3.4'],
  ['hello world', 'hello world'],
  ["'unterminated", "'unterminated"],
  ['[1, 2', '[1, 2'],
  ['/etc/pki/tls/kube01/ca.crt', '/etc/pki/tls/kube01/ca.crt'],
  ['', ''],
];

for (const [input, want] of table) {
  test(`parseIniValue(${JSON.stringify(input)})`, () => {
    assert.equal(parseIniValue(input), want);
  });
}

test.run();
