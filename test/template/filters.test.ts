import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Templar } from '../../src/template/index';

const t = new Templar();
const vars = {
  l: [3, 1, 2, 1],
  words: ['b', 'A', 'c'],
  nested: [1, [2, [3, [4]]]],
  users: [
    { name: 'ann', uid: 1000, admin: true, home: { dir: '/home/ann' } },
    { name: 'bob', uid: 50, admin: false, home: { dir: '/home/bob' } },
  ],
  d: { a: 1, b: 2 },
  d2: { b: 3, c: { x: 1 } },
  text: 'IP: 10.0.0.5 and 10.0.0.6',
  path: '/etc/kubernetes/pki/apiserver.crt',
  json: '{"a": [1, 2]}',
  yaml: 'a: 1\nb: [x, y]\n',
  res_failed: { failed: true, changed: false, rc: 1 },
  res_changed: { failed: false, changed: true, rc: 0 },
  res_skipped: { skipped: true, changed: false },
  hosts: { m1: { ip: '10.0.0.1' }, m2: { ip: '10.0.0.2' } },
};

// [expression, expected]
const cases: [string, unknown][] = [
  // default / d / mandatory / bool / int / float / string
  ['missing | default(1)', 1],
  ['missing | d("x")', 'x'],
  ['0 | default(5, true)', 5],
  ['"" | default("x", boolean=true)', 'x'],
  ['"" | default("x", boolean=false)', ''],
  ['"x" | mandatory', 'x'],
  ['"yes" | bool', true],
  ['"off" | bool', false],
  ['1 | bool', true],
  ['"42" | int', 42],
  ['"4.7" | int', 4],
  ['"zz" | int(7)', 7],
  ['"0x1F" | int(0, 16)', 31],
  ['"2.5" | float', 2.5],
  ['true | string', 'True'],
  ['l | string', '[3, 1, 2, 1]'],
  // strings
  ['"AbC" | lower', 'abc'],
  ['"AbC" | upper', 'ABC'],
  ['"  x  " | trim', 'x'],
  ['"a-b-c" | replace("-", "+")', 'a+b+c'],
  ['words | join(",")', 'b,A,c'],
  ['users | join(", ", attribute="name")', 'ann, bob'],
  ['"a b  c" | split', ['a', 'b', 'c']],
  ['"a,b" | split(",")', ['a', 'b']],
  // lists
  ['l | length', 4],
  ['d | count', 2],
  ['"abc" | length', 3],
  ['l | first', 3],
  ['l | last', 1],
  ['l | unique', [3, 1, 2]],
  ['[1, 2] | union([2, 3])', [1, 2, 3]],
  ['[1, 2, 3] | intersect([2, 3, 4])', [2, 3]],
  ['[1, 2, 3] | difference([2])', [1, 3]],
  ['l | min', 1],
  ['l | max', 3],
  ['users | max(attribute="uid") | attr("name") if false else (users | max(attribute="uid")).name', 'ann'],
  ['l | sort', [1, 1, 2, 3]],
  ['l | sort(reverse=true)', [3, 2, 1, 1]],
  ['words | sort', ['A', 'b', 'c']],
  ['users | sort(attribute="uid") | map(attribute="name") | list', ['bob', 'ann']],
  ['users | map(attribute="home.dir") | list', ['/home/ann', '/home/bob']],
  ['users | map(attribute="nope", default="-") | list', ['-', '-']],
  ['["1", "2"] | map("int") | list', [1, 2]],
  ['["a", "b"] | map("upper") | list', ['A', 'B']],
  ['["ab", "cb"] | map("regex_replace", "b$", "x") | list', ['ax', 'cx']],
  ['l | select("odd") | list', [3, 1, 1]],
  ['l | reject("odd") | list', [2]],
  ['[0, 1, "", "x"] | select | list', [1, 'x']],
  ['["kube-a", "etcd", "kube-b"] | select("match", "kube-") | list', ['kube-a', 'kube-b']],
  ['["a", "b"] | select("in", ["b"]) | list', ['b']],
  ['users | selectattr("admin") | map(attribute="name") | list', ['ann']],
  ['users | selectattr("uid", "gt", 100) | map(attribute="name") | list', ['ann']],
  ['users | selectattr("name", "equalto", "bob") | map(attribute="uid") | list', [50]],
  ['users | rejectattr("admin") | map(attribute="name") | list', ['bob']],
  ['nested | flatten', [1, 2, 3, 4]],
  ['nested | flatten(levels=1)', [1, 2, [3, [4]]]],
  [
    '[1, 2] | zip(["a", "b"]) | list',
    [
      [1, 'a'],
      [2, 'b'],
    ],
  ],
  ['words | reverse | list', ['c', 'A', 'b']],
  ['l | sum', 7],
  // regex
  ['text | regex_replace("10\\\\.0\\\\.0\\\\.(\\\\d+)", "host-\\\\1")', 'IP: host-5 and host-6'],
  ['"abc" | regex_replace("(?P<first>a)", "<\\\\g<first>>")', '<a>bc'],
  ['"ABC" | regex_replace("b", "x", ignorecase=true)', 'AxC'],
  ['text | regex_search("\\\\d+\\\\.\\\\d+\\\\.\\\\d+\\\\.\\\\d+")', '10.0.0.5'],
  ['text | regex_search("(\\\\d+)\\\\.(\\\\d+)", "\\\\2")', ['0']],
  ['text | regex_search("nomatch")', null],
  ['text | regex_findall("\\\\d+\\\\.\\\\d+\\\\.\\\\d+\\\\.(\\\\d+)")', ['5', '6']],
  ['"a.b" | regex_escape', 'a\\.b'],
  // encodings
  ['"hello" | b64encode', 'aGVsbG8='],
  ['"aGVsbG8=" | b64decode', 'hello'],
  // to_json / to_nice_json: byte for byte what Python's json.dumps (Ansible) writes
  ['d | to_json', '{"a": 1, "b": 2}'],
  ['{"b": [1, {"c": none}], "a": "é😀"} | to_json', '{"b": [1, {"c": null}], "a": "\\u00e9\\ud83d\\ude00"}'],
  ['{"a": 1.5, "t": true, "e": []} | to_json', '{"a": 1.5, "t": true, "e": []}'],
  ['{"a": [1]} | to_json(indent=2)', '{\n  "a": [\n    1\n  ]\n}'],
  ['{"b": 1, "a": 2} | to_json(sort_keys=true)', '{"a": 2, "b": 1}'],
  ['"é" | to_json(ensure_ascii=false)', '"é"'],
  ['d | to_nice_json', '{\n    "a": 1,\n    "b": 2\n}'],
  [
    '{"b": 1, "a": [1, 2], "c": {}} | to_nice_json',
    '{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1,\n    "c": {}\n}',
  ],
  ['json | from_json', { a: [1, 2] }],
  ['d | to_yaml', '{a: 1, b: 2}\n'], // PyYAML: a mapping of scalars in flow style
  ['yaml | from_yaml', { a: 1, b: ['x', 'y'] }],
  ['"it\'s" | quote', "'it'\\''s'"],
  ['"plain" | quote', 'plain'],
  // paths
  ['path | basename', 'apiserver.crt'],
  ['path | dirname', '/etc/kubernetes/pki'],
  // dicts
  [
    'd | dict2items',
    [
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ],
  ],
  ['d | dict2items(key_name="k", value_name="v") | items2dict(key_name="k", value_name="v")', { a: 1, b: 2 }],
  ['[{"key": "x", "value": 1}] | items2dict', { x: 1 }],
  ['d | combine(d2)', { a: 1, b: 3, c: { x: 1 } }],
  ['{"c": {"y": 2}} | combine(d2, recursive=true)', { c: { y: 2, x: 1 }, b: 3 }],
  ['{"l": [1]} | combine({"l": [2]}, list_merge="append")', { l: [1, 2] }],
  ['true | ternary("on", "off")', 'on'],
  [
    '[1, 2] | product(["a"]) | list',
    [
      [1, 'a'],
      [2, 'a'],
    ],
  ],
  ['["m1", "m2"] | map("extract", hosts, "ip") | list', ['10.0.0.1', '10.0.0.2']],
  ['"abc" | hash("sha256")', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['"abc" | checksum', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['"a-b" | ansible.builtin.regex_replace("-", "_")', 'a_b'],
  ['dict(a=1, b="x")', { a: 1, b: 'x' }],
  ['range(3) | list', [0, 1, 2]],
  ['"%s-%02d" | format("a", 5)', 'a-05'],
  ['"%5s|%-3d|%.2f" | format("x", 7, 3.14159)', '    x|7  |3.14'],
  ['"a.tar.gz" | splitext', ['a.tar', '.gz']],
  ['"https://10.0.0.1:6443/healthz?x=1" | urlsplit("hostname")', '10.0.0.1'],
  ['"https://[fd00::1]:6443/" | urlsplit("port")', 6443],
];

for (const [expr, want] of cases) {
  test(`{{ ${expr} }}`, () => assert.equal(t.evaluate(expr, vars), want));
}

// Jinja2/Ansible tests
const tests: [string, boolean][] = [
  ['missing is defined', false],
  ['missing is undefined', true],
  ['none is none', true],
  ['res_failed is failed', true],
  ['res_changed is failed', false],
  ['res_changed is succeeded', true],
  ['res_changed is success', true],
  ['res_changed is successful', true],
  ['res_changed is changed', true],
  ['res_failed is changed', false],
  ['res_skipped is skipped', true],
  ['res_changed is skipped', false],
  ['"kube-apiserver" is match("kube")', true],
  ['"kube-apiserver" is match("api")', false],
  ['"kube-apiserver" is search("api")', true],
  ['"kube-apiserver" is regex("^kube-\\\\w+$")', true],
  ['2 is in(l)', true],
  ['"x" is string', true],
  ['3 is number', true],
  ['d is mapping', true],
  ['l is iterable', true],
  ['"" is truthy', false],
  ['[] is falsy', true],
  ['"1.28.3" is version("1.28", ">=")', true],
  ['"1.9.0" is version("1.10.0", "lt")', true],
  ['"v1.30" is version("v1.30", "==")', true],
  ['3 is odd', true],
  ['4 is divisibleby 2', true],
  ['l is not sameas none', true],
  ['missing is not defined', true],
  ['l is not string', true],
  ['l is contains(2)', true],
];
for (const [expr, want] of tests) {
  test(`test: ${expr}`, () => assert.is(t.evaluate(expr, vars), want));
}

test('mandatory on undefined fails with its message', () => {
  assert.throws(() => t.evaluate('missing | mandatory("set missing")', vars), /set missing/);
});

test('a failing filter is a TemplateError naming the problem', () => {
  assert.throws(() => t.evaluate('"%%%" | b64decode', vars), /b64decode/);
  assert.throws(() => t.evaluate('"x" | nosuchfilter', vars), /nosuchfilter/);
});

test('filter and method errors never show the value (it may be secret)', () => {
  for (const expr of [
    'pw | from_json',
    'pw | ipmath(1)',
    '[1].index(pw)',
    'pw.index("x")',
    '5 | map("upper") | list',
  ]) {
    assert.throws(
      () => t.evaluate(expr, { pw: 'hunter2' }),
      (e: Error) => !e.message.includes('hunter2'),
      `${expr}: no value in the error`,
    );
  }
});

test.run();
