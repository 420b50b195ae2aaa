import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TemplateError } from '../../src/errors';
import { Templar, UNRESOLVED } from '../../src/template/index';
import { thrown } from '../helpers/must-throw';

const t = new Templar();
const vars = {
  n: 3,
  s: 'a,b,c',
  l: [1, 2, 3],
  d: { x: { y: 2 }, 'with-dash': 1 },
  flag: false,
  nothing: null,
  name: 'kube',
  res_ok: { changed: true, failed: false, rc: 0 },
};

// [template, expected native value]
const native: [string, unknown][] = [
  ['{{ n }}', 3],
  ['{{ l }}', [1, 2, 3]],
  ['{{ d.x }}', { y: 2 }],
  ['{{ flag }}', false],
  ['{{ nothing }}', null],
  ['{{ n + 1 }}', 4],
  ['{{ [n, name] }}', [3, 'kube']],
  ['{{ {"k": n} }}', { k: 3 }],
  ['{{ {"a": {"b": n}} }}', { a: { b: 3 } }],
  ['{{ {name: n} }}', { kube: 3 }],
  ['{{ {d.x.y: "two", "k": [n]} }}', { 2: 'two', k: [3] }],
  ['{{ d.x | combine({name: 1}) }}', { y: 2, kube: 1 }],
  ['{{ {} }}', {}],
  ['{{ {"a": {"b": {"c": "}}"}}} }}', { a: { b: { c: '}}' } } }],
  ['{{ True }}', true],
  ['{{ None }}', null],
  ['{{ l[-1] }}', 3],
  ['{{ d["with-dash"] }}', 1],
  ['{{ s.split(",") }}', ['a', 'b', 'c']],
  ['{{ "  x ".strip() }}', 'x'],
  ['{{ name.startswith("ku") }}', true],
  ['{{ name.endswith(("x", "be")) }}', true],
  ['{{ name.upper() }}', 'KUBE'],
  ['{{ "a-b".replace("-", "_") }}', 'a_b'],
  ['{{ d.keys() | list }}', ['x', 'with-dash']],
  ['{{ d.x.values() | list }}', [2]],
  ['{{ d.x.items() | list }}', [['y', 2]]],
  ['{{ d.get("missing", 5) }}', 5],
  ['{{ 7 // 2 }}', 3],
  ['{{ 2 ** 3 }}', 8],
  ['{{ "a" ~ n }}', 'a3'],
  ['{{ n if flag else "no" }}', 'no'],
  ['{{ 2 in l }}', true],
  ['{{ "x" not in l }}', true],
  ['{{ l[1:] }}', [2, 3]],
  ['{{ l[:-1] }}', [1, 2]],
  ['{{ l[::-1] }}', [3, 2, 1]],
  ['{{ name[:2] }}', 'ku'],
  ['{{ name[1:3] | upper }}', 'UB'],
  // Python operator semantics
  ['{{ l + [4] }}', [1, 2, 3, 4]],
  ['{{ "ab" + "c" }}', 'abc'],
  ['{{ "-" * 3 }}', '---'],
  ['{{ [0] * 2 }}', [0, 0]],
  ['{{ l == [1, 2, 3] }}', true],
  ['{{ d.x != {"y": 2} }}', false],
  ['{{ 1 < n <= 3 }}', true],
  ['{{ 1 < n < 3 }}', false],
  ['{{ [] or "empty" }}', 'empty'],
  ['{{ l or "empty" }}', [1, 2, 3]],
  ['{{ {} and "x" }}', {}],
  ['{{ n and "x" }}', 'x'],
  ['{{ not [] }}', true],
  ['{{ "yes" if [] else "no" }}', 'no'],
  ['{{ nope is defined and nope.x }}', false],
  ['{{ nope is undefined or nope.x }}', true],
  ['{{ (n > 1 and l) or [] }}', [1, 2, 3]],
  ['{{ "%s:%s" % (name, n) }}', 'kube:3'],
  ['{{ "%03d" % n }}', '003'],
  ['{{ -7 % 3 }}', 2],
  ['{{ (1, "a") }}', [1, 'a']],
  ['{{ "x" ~ flag ~ l ~ nothing }}', 'xFalse[1, 2, 3]None'],
  ['{{ (n + 1) * 2 }}', 8],
  ['no template', 'no template'],
];
for (const [tpl, want] of native) {
  test(`native: ${tpl}`, () => assert.equal(t.render(tpl, vars), want));
}

// Inside a larger string values print like Python's str().
const strings: [string, string][] = [
  ['n={{ n }}', 'n=3'],
  ['{{ flag }}!', 'False!'],
  ['[{{ nothing }}]', '[]'], // Ansible's finalize: None prints nothing (golden/ansible-templar.json)
  ['l={{ l }}', 'l=[1, 2, 3]'],
  ['d={{ d.x }}', "d={'y': 2}"],
  ['{% for i in l %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}', '1,2,3'],
  ['{% for k, v in d.x.items() %}{{ k }}={{ v }}{% endfor %}', 'y=2'],
  ['{% set z = n * 2 %}{{ z }}', '6'],
  ['{% if [] %}a{% elif {} %}b{% else %}c{% endif %}', 'c'],
  ['{% for i in l if i > 1 %}{{ i }}{% endfor %}', '23'],
  ['{% if l and not flag %}ok{% endif %}', 'ok'],
  ['{% set z = {"a": {"b": n}} %}{{ z.a.b }}', '3'],
  ['{% raw %}{{ x }}}}{% endraw %}', '{{ x }}}}'],
  ['{# {{ {"a": {}} }} #}ok', 'ok'],
];
for (const [tpl, want] of strings) {
  test(`string: ${tpl}`, () => assert.is(t.render(tpl, vars), want));
}

test('renderString always gives a string', () => {
  assert.is(t.renderString('{{ l }}', vars), '[1, 2, 3]');
  assert.is(t.renderString('{{ n }}', vars), '3');
  assert.is(t.renderString('plain', vars), 'plain');
});

test('render walks lists and dicts, templating keys too', () => {
  assert.equal(t.render({ a: ['{{ n }}', 'x{{ n }}'], '{{ name }}': '{{ flag }}' }, vars), {
    a: [3, 'x3'],
    kube: false,
  });
});

// Undefined variables are errors naming the variable (StrictUndefined), never ''.
const undefinedCases: [string, string][] = [
  ['{{ node_ip }}', "'node_ip' is undefined"],
  ['ip={{ node_ip }}', "'node_ip' is undefined"],
  ['{{ node_ip + 1 }}', "'node_ip' is undefined"],
  ['{{ d.nope }}', "'d' has no attribute 'nope'"],
  ['{{ d.x.nope | upper }}', "'d.x' has no attribute 'nope'"],
  ['{% if node_ip %}x{% endif %}', "'node_ip' is undefined"],
  ['{% for i in node_list %}{{ i }}{% endfor %}', "'node_list' is undefined"],
  ['{{ l[7] }}', "'l' has no item 7"],
  ['{{ [] | first }}', 'the expression has no value (e.g. first of an empty list)'],
  ['x{{ [] | max }}', 'the expression has no value (e.g. first of an empty list)'],
  ['{{ nothing.attr }}', "'nothing' is None and has no attribute 'attr'"],
];
for (const [tpl, msg] of undefinedCases) {
  test(`undefined: ${tpl}`, () => {
    try {
      t.render(tpl, vars);
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, TemplateError);
      assert.is((e as Error).message, msg);
      assert.is((e as TemplateError).exitCode, 2);
    }
  });
}

test("the variable's name is on the error", () => {
  const e = thrown(() => t.render('{{ node_ip }}', vars), 'rendering an undefined variable');
  assert.instance(e, TemplateError);
  assert.is((e as TemplateError).variable, 'node_ip');
});

// ...while default/defined/undefined still see undefined values.
const soft: [string, unknown][] = [
  ['{{ node_ip | default("10.0.0.1") }}', '10.0.0.1'],
  ['{{ node_ip | d(5) }}', 5],
  ['{{ nothing | default("x") }}', null],
  ['{{ "" | default("x", true) }}', 'x'],
  ['{{ node_ip is defined }}', false],
  ['{{ node_ip is undefined }}', true],
  ['{{ d.x.y is defined }}', true],
  ['{{ d.x.z is defined }}', false],
  ['{{ d.q.r.s is defined }}', false],
  ['{{ missing.attr is undefined }}', true],
  ['{{ d.nope | default({}) }}', {}],
  ['{{ [] | first | default("none") }}', 'none'],
  ['{{ (d.nope | default({})).x | default(1) }}', 1],
];
for (const [tpl, want] of soft) {
  test(`soft undefined: ${tpl}`, () => assert.equal(t.render(tpl, vars), want));
}

test('a variable marked UNRESOLVED raises its error where used and is undefined to is defined/default', () => {
  const bad = { [UNRESOLVED]: new TemplateError("'base' is undefined", 'base') };
  const v = { dir: bad, d: { dir: bad } };
  assert.throws(() => t.render('{{ dir }}', v), /'base' is undefined/);
  assert.throws(() => t.evaluate('dir == "x"', v), /'base' is undefined/);
  assert.throws(() => t.render('{{ d.dir }}', v), /'base' is undefined/);
  assert.is(t.evaluate('dir is defined', v), false);
  assert.is(t.evaluate('d.dir is defined', v), false);
  assert.is(t.render('{{ dir | default("fallback") }}', v), 'fallback');
});

test('evaluate and condition: bare expressions with Jinja2 truthiness', () => {
  assert.is(t.evaluate('n * 2', vars), 6);
  assert.equal(t.evaluate('l | select("odd") | list', vars), [1, 3]);
  assert.is(t.condition('n > 2 and res_ok is changed', vars), true);
  assert.is(t.condition('l | length == 0', vars), false);
  assert.is(t.condition('[]', vars), false);
  assert.is(t.condition('{}', vars), false);
  assert.is(t.condition('node_ip is defined', vars), false);
  assert.is(t.condition(true, vars), true);
  assert.is(t.condition('{{ flag }}', vars), false);
  assert.is(t.condition('{{ "no" }}', vars), false, 'a templated condition reading "no" is false');
  assert.throws(() => t.condition('node_ip == "x"', vars), /'node_ip' is undefined/);
});

test('syntax errors are TemplateErrors quoting the template', () => {
  try {
    t.render('{{ n + }}', vars);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TemplateError);
    assert.match((e as Error).message, /template syntax error in "\{\{ n \+ \}\}"/);
  }
});

test('compiled templates are cached by source (LRU)', () => {
  const c = new Templar({ cacheSize: 2 });
  for (let i = 0; i < 5; i++) c.render('{{ n }}', { n: i });
  assert.is(c.compiles, 1, 'same string compiled once for every host');
  c.render('{{ n + 1 }}', vars);
  c.render('{{ n + 2 }}', vars);
  assert.is(c.compiles, 3);
  c.render('{{ n + 2 }}', vars);
  assert.is(c.compiles, 3, 'recently used stays');
  c.render('{{ n }}', vars);
  assert.is(c.compiles, 4, 'least recently used was evicted');
});

test('autoescape is off', () => {
  assert.is(t.render('{{ "<a & b>" }}', vars), '<a & b>');
  assert.is(t.render('x{{ "<a>" }}', vars), 'x<a>');
});

test('computed variables: getters and get-only proxies', () => {
  const hostvars = new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => (k === 'm1' ? { ip: '10.0.0.1' } : undefined),
  });
  const lazy = Object.defineProperty({}, 'x', { enumerable: true, get: () => 42 });
  assert.is(t.render('{{ hostvars.m1.ip }}', { hostvars, lazy }), '10.0.0.1');
  assert.is(t.render("{{ hostvars['m1']['ip'] }}", { hostvars, lazy }), '10.0.0.1');
  assert.is(t.render('{{ lazy.x }}', { hostvars, lazy }), 42);
  assert.throws(() => t.render('{{ hostvars.m2.ip }}', { hostvars }), /'hostvars' has no attribute 'm2'/);
  assert.is(t.render('{{ hostvars.toString is defined }}', { hostvars }), false);
});

test('vars are not mutated and prototypes are unreachable', () => {
  const v = { o: { a: 1 } };
  assert.is(t.render('{{ o.constructor is defined }}', v), false);
  assert.is(t.render('{% set o = 5 %}{% set p = 6 %}{{ o }}{{ p }}', v), '56');
  assert.is(t.render('{% for o in [1] %}{{ o }}{% endfor %}', v), '1');
  assert.equal(v, { o: { a: 1 } });
});

test.run();
