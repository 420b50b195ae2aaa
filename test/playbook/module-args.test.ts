import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findModule } from '../../src/modules/index';
import { argNames, checkArgs, freeFormArgs, splitArgs } from '../../src/playbook/module-args';
import { editDistance, nearest } from '../../src/suggest';

const splits: [string, string[]][] = [
  ['a=1 b=2', ['a=1', 'b=2']],
  ['msg="hello world" x=1', ['msg="hello world"', 'x=1']],
  ["msg='it''s' y", ["msg='it''s'", 'y']],
  ['msg={{ a | default("x y") }} z=1', ['msg={{ a | default("x y") }}', 'z=1']],
  ['  padded   words ', ['padded', 'words']],
  ['cmd="a \\" b"', ['cmd="a \\" b"']],
];
for (const [input, want] of splits) {
  test(`splitArgs ${input}`, () => assert.equal(splitArgs(input), want));
}

test('splitArgs: an unbalanced quote is an error', () => {
  assert.throws(() => splitArgs('msg="oops'), /unbalanced " quote/);
});

const freeForm: [module: string, input: string, want: Record<string, unknown>][] = [
  ['command', 'ls -l /tmp', { _raw_params: 'ls -l /tmp' }],
  ['command', 'touch /x creates=/x', { _raw_params: 'touch /x', creates: '/x' }],
  ['command', 'chdir=/tmp ls', { _raw_params: 'ls', chdir: '/tmp' }],
  ['shell', 'echo a=b | cat', { _raw_params: 'echo a=b | cat' }],
  ['shell', 'echo "x  y"', { _raw_params: 'echo "x  y"' }],
  ['meta', 'flush_handlers', { _raw_params: 'flush_handlers' }],
  ['file', 'path=/x state=touch mode=0644', { path: '/x', state: 'touch', mode: '0644' }],
  ['wait_for', 'port=6443 timeout=30', { port: 6443, timeout: 30 }],
  ['lineinfile', 'path=/x line="a b" create=yes', { path: '/x', line: 'a b', create: true }],
  ['debug', 'msg="{{ x }} and {{ y }}"', { msg: '{{ x }} and {{ y }}' }],
];
for (const [m, input, want] of freeForm) {
  test(`freeFormArgs ${m}: ${input}`, () => assert.equal(freeFormArgs(findModule(m)!, input), want));
}

test('freeFormArgs: a module without free-form wants key=value', () => {
  assert.throws(() => freeFormArgs(findModule('file')!, '/tmp/x'), /takes key=value arguments/);
});

test('argNames sees through aliases (preprocess) and finds _raw_params', () => {
  assert.ok(argNames(findModule('file')!.args)?.includes('state'));
  assert.ok(argNames(findModule('command')!.args)?.includes('_raw_params'));
  assert.is(argNames(findModule('set_fact')!.args), undefined, 'set_fact takes any key');
});

test('checkArgs: lenient accepts templates for any type, strict does not', () => {
  const wf = findModule('wait_for')!;
  assert.is(checkArgs(wf, { port: '{{ p }}' }, true).problem, undefined);
  assert.match(
    checkArgs(wf, { port: '{{ p }}' }, false).problem!.message,
    /argument 'port': expected number/,
  );
  const p = checkArgs(findModule('stat')!, { path: '/x', follw: true }, true).problem!;
  assert.equal(p.path, ['follw']);
  assert.is(p.key, true);
  assert.match(p.message, /did you mean 'follow'\?/);
});

const distances: [string, string, number][] = [
  ['become', 'become', 0],
  ['becom', 'become', 1],
  ['bceome', 'become', 1],
  ['comand', 'command', 1],
  ['kitten', 'sitting', 3],
];
for (const [a, b, d] of distances) {
  test(`editDistance(${a}, ${b}) = ${d}`, () => assert.is(editDistance(a, b), d));
}

test('nearest: close names only', () => {
  assert.is(nearest('whn', ['when', 'with_items']), 'when');
  assert.is(nearest('registr', ['register', 'retries']), 'register');
  assert.is(nearest('xyz', ['when', 'become']), undefined);
});

test('Ansible argument aliases pass the unknown-argument check (file dest=, blockinfile content=)', () => {
  assert.is(checkArgs(findModule('file')!, { dest: '/tmp/x', state: 'touch' }, true).problem, undefined);
  assert.is(checkArgs(findModule('blockinfile')!, { path: '/tmp/x', content: 'a' }, true).problem, undefined);
  assert.match(
    checkArgs(findModule('file')!, { dset: '/tmp/x' }, true).problem?.message ?? '',
    /no argument 'dset'/,
  );
});

test.run();
