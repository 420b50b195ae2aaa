/**
 * Template-file semantics against python3-jinja2 with Ansible's filters: the expected values in
 * golden/python-semantics.json come from golden/python-semantics.py (never written by tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Templar } from '../../src/template/index';
import { decodePythonEscapes } from '../../src/template/jinja-lexer';
import { pyRepr, pyTuple } from '../../src/template/values';

const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'golden', 'python-semantics.json'), 'utf8'),
) as { template: string; result?: string; error?: string }[];

/** Cases remediate does not render as Jinja2 does, and why. */
const KNOWN: Record<string, string> = {};

const t = new Templar();
for (const g of golden) {
  if (KNOWN[g.template]) continue;
  test(`renders as jinja2: ${JSON.stringify(g.template).slice(0, 60)}`, () => {
    assert.is(t.renderString(g.template, {}), g.result);
  });
}

test('Python unicode-escape decoding of string literals', () => {
  assert.is(decodePythonEscapes('W\\w+'), 'W\\w+');
  assert.is(decodePythonEscapes('a\\nb\\x41\\u00e9\\101\\\\'), 'a\nbAéA\\');
  assert.is(decodePythonEscapes('line\\\ncont'), 'linecont');
  assert.throws(() => decodePythonEscapes('\\x4'), /truncated/);
});

test('repr as Python writes it: quotes, escapes, tuples', () => {
  assert.is(pyRepr("it's"), `"it's"`);
  assert.is(pyRepr('both\'"'), `'both\\'"'`);
  assert.is(pyRepr(pyTuple(['a'])), "('a',)");
  assert.is(pyRepr({ t: pyTuple([1, 'b']) }), "{'t': (1, 'b')}");
  assert.is(JSON.stringify(pyTuple([1, 2])), '[1,2]');
});

test.run();
