import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maskSecrets, SecretValues } from '../../src/secrets/secret-values';

test('masks every occurrence, longest value first, and the JSON-escaped and shell-quoted forms', () => {
  const s = new SecretValues(['abc', 'abcdef', 'it"s', "o'k1"]);
  assert.is(s.mask('x abcdef y abc z'), 'x *** y *** z');
  assert.is(s.mask(JSON.stringify({ v: 'it"s' })), '{"v":"***"}');
  assert.is(s.mask(`echo 'o'\\''k1'`), 'echo ***');
  assert.is(s.mask('no secret here'), 'no secret here');
});

test('short values are not secrets (they would mask ordinary words); numbers count as their text', () => {
  const s = new SecretValues();
  s.add('ab');
  s.add(123456);
  s.add(undefined);
  assert.is(s.mask('ab 123456'), 'ab ***');
  assert.is(s.size, 1);
});

test('the set grows during a run: mask sees values added later; regex metacharacters are literal', () => {
  const s = new SecretValues();
  assert.is(s.mask('a.b*c'), 'a.b*c');
  s.add('a.b*c');
  assert.is(s.mask('xa.b*cx aXbbc'), 'x***x aXbbc');
  assert.ok(s.containsSecret('..a.b*c..'));
  assert.not.ok(s.containsSecret('abc'));
});

test('addTree collects strings and numbers of nested values', () => {
  const s = new SecretValues();
  s.addTree({ a: ['one1', { b: 'two2' }], n: 4242, t: true });
  assert.equal(s.list().sort(), ['4242', 'one1', 'two2']);
});

test('maskSecrets takes a live set, a fixed list or nothing', () => {
  assert.is(maskSecrets('pw=hunter2', ['hunter2']), 'pw=***');
  assert.is(maskSecrets('pw=hunter2', new SecretValues(['hunter2'])), 'pw=***');
  assert.is(maskSecrets('pw=hunter2', undefined), 'pw=hunter2');
});

test.run();
