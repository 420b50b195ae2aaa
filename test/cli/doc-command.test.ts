/** `remediate doc MODULE` / `doc -l`: the module reference generated from the args schemas. */
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { moduleDoc, renderModuleDoc, type ModuleDoc } from '../../src/cli/doc-command';
import { main } from '../../src/cli/main';
import { findModule, moduleNames } from '../../src/modules/index';

async function doc(...args: string[]) {
  let out = '';
  let err = '';
  const o = new PassThrough();
  o.on('data', (d: Buffer) => (out += d.toString()));
  const e = new PassThrough();
  e.on('data', (d: Buffer) => (err += d.toString()));
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(['node', 'remediate', 'doc', ...args], {
    out: o,
    err: e,
    stdin,
    cwd: process.cwd(),
    env: {},
  });
  return { code, out, err };
}

test('every registered module renders, and every option has a description and a type', () => {
  const names = moduleNames();
  assert.ok(names.length >= 40, `${names.length} modules`);
  for (const n of names) {
    const d = moduleDoc(findModule(n)!);
    const text = renderModuleDoc(d);
    assert.ok(text.startsWith(`> ${n.toUpperCase()}    (ansible.builtin.${n}`), n);
    assert.ok(d.description.length > 10, `${n}: module description`);
    for (const o of d.options) {
      assert.ok(o.description && o.description.length > 3, `${n}.${o.name} has no .describe() text`);
      assert.ok(o.type, `${n}.${o.name}: no type`);
      assert.ok(text.includes(`\n${o.required ? '=' : '-'} ${o.name}\n`), `${n}.${o.name} rendered`);
    }
  }
});

test('doc copy: required and optional options, defaults, types', async () => {
  const r = await doc('copy');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^> COPY {4}\(ansible\.builtin\.copy\)\n/);
  assert.match(r.out, /OPTIONS \(= is mandatory\):/);
  assert.match(
    r.out,
    /\n= dest\n {8}Absolute path of the file on the target[^\n]*\n(?: {8}[^\n]*\n)*? {8}type: str\n/,
  );
  assert.match(
    r.out,
    /\n- backup\n {8}Keep a copy of the old file[^\n]*\n {8}default: false\n {8}type: bool\n/,
  );
  assert.match(
    r.out,
    /\n- content\n {8}Text to write to dest \(instead of src\)\n {8}default: null\n {8}type: str\n/,
  );
});

test('doc file: argument aliases and choices; doc ansible.builtin.systemd finds the FQCN', async () => {
  const f = await doc('file');
  assert.match(f.out, /\n= path\n[^=]*? {8}aliases: \[dest, name\]\n/);
  assert.match(f.out, /\n- state\n[^=]*? {8}choices: \[file, directory, absent, touch, link, hard\]\n/);
  const s = await doc('ansible.builtin.systemd');
  assert.is(s.code, 0);
  assert.match(s.out, /^> SYSTEMD /);
  assert.match(s.out, /\n- daemon_reload\n/);
});

test('doc command: free-form modules say so; doc set_fact: options of any name', async () => {
  assert.match((await doc('command')).out, /Takes free-form arguments: `command: ARGS`/);
  assert.match((await doc('set_fact')).out, /Takes options of any name/);
});

test('doc -l lists every module with its description', async () => {
  const r = await doc('-l');
  assert.is(r.code, 0);
  const lines = r.out.trim().split('\n');
  assert.is(lines.length, moduleNames().length);
  assert.ok(lines.some((l) => /^copy\s+Copy a file, a directory or inline content/.test(l)));
});

test('doc --json: the same data, machine-readable', async () => {
  const r = await doc('--json', 'lineinfile');
  const [d] = JSON.parse(r.out) as ModuleDoc[];
  assert.is(d!.name, 'lineinfile');
  const create = d!.options.find((o) => o.name === 'create')!;
  assert.equal([create.type, create.default, create.required], ['bool', false, false]);
});

test('doc of an unknown module: exit 5 with a suggestion', async () => {
  const r = await doc('cpy');
  assert.is(r.code, 5);
  assert.match(r.err, /error: module "cpy" not found — did you mean 'copy'\?/);
});

test.run();
