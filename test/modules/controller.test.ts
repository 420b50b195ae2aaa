import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import assertModule, { truthy } from '../../src/modules/assert';
import debug from '../../src/modules/debug';
import fail from '../../src/modules/fail';
import meta from '../../src/modules/meta';
import set_fact from '../../src/modules/set_fact';
import { findModule, moduleNames, modules } from '../../src/modules/index';
import { ModuleError } from '../../src/errors';
import { makeContext, runModule } from './context';

const vars = { sans: ['10.254.0.1', '192.168.0.1'], n: 3, empty: [], name: 'kube01' };

test('assert: all conditions must hold; fail_msg and data on failure', async () => {
  const ctx = makeContext({ vars });
  const ok = await runModule(
    assertModule,
    { that: ["'10.254.0.1' in sans", 'n > 2', '{{ name == "kube01" }}', true] },
    ctx,
  );
  assert.is(ok.changed, false);
  assert.is(ok.result.msg, 'All assertions passed');
  try {
    await runModule(assertModule, { that: ['n > 2', 'empty'], fail_msg: 'no SANs' }, ctx);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.is((e as ModuleError).message, 'no SANs');
    assert.equal((e as ModuleError).data, { assertion: 'empty', evaluated_to: false });
  }
  await runModule(assertModule, { that: "'172.16.0.1' in sans" }, ctx).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /Assertion failed/),
  );
  assert.is(assertModule.controllerOnly, true);
});

test('truthy follows Jinja2/Python', () => {
  for (const v of [false, 0, '', null, undefined, [], {}]) assert.is(truthy(v), false, JSON.stringify(v));
  for (const v of [true, 1, 'x', 'false', [0], { a: 1 }]) assert.is(truthy(v), true, JSON.stringify(v));
});

test('debug: msg, var (defined and not), verbosity', async () => {
  assert.equal((await runModule(debug, { msg: 'hi' }, makeContext())).result, { msg: 'hi' });
  assert.equal((await runModule(debug, {}, makeContext())).result, { msg: 'Hello world!' });
  assert.equal((await runModule(debug, { var: 'sans' }, makeContext({ vars }))).result, { sans: vars.sans });
  assert.equal((await runModule(debug, { var: 'nope' }, makeContext({ vars }))).result, {
    nope: 'VARIABLE IS NOT DEFINED!',
  });
  const quiet = await runModule(
    debug,
    { msg: 'x', verbosity: 2 },
    makeContext({ vars: { ansible_verbosity: 1 } }),
  );
  assert.equal(quiet.result, { skipped_reason: 'Verbosity threshold not met.' });
  const loud = await runModule(
    debug,
    { msg: 'x', verbosity: 2 },
    makeContext({ vars: { ansible_verbosity: 2 } }),
  );
  assert.equal(loud.result, { msg: 'x' });
});

test('set_fact: ansible_facts, cacheable ignored, bad names refused', async () => {
  const r = await runModule(set_fact, { a: 1, b: { c: [2] }, cacheable: true }, makeContext());
  assert.equal(r.result, { ansible_facts: { a: 1, b: { c: [2] } } });
  assert.is(r.changed, false);
  await runModule(set_fact, { 'bad-name': 1 }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /invalid variable name/),
  );
});

test('fail and meta', async () => {
  await runModule(fail, { msg: 'stop here' }, makeContext()).then(
    () => assert.unreachable(),
    (e) => {
      assert.instance(e, ModuleError);
      assert.is((e as Error).message, 'stop here');
    },
  );
  await runModule(fail, {}, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.is((e as Error).message, 'Failed as requested from task'),
  );
  assert.equal((await runModule(meta, { _raw_params: 'flush_handlers' }, makeContext())).result, {
    _meta: 'flush_handlers',
  });
  assert.is(meta.args.safeParse({ _raw_params: 'reboot' }).success, false);
});

test('args take Ansible-style strings for booleans and integers', () => {
  const w = findModule('wait_for')!.args.parse({ port: '6443', timeout: '5' });
  assert.is(w.port, 6443);
  assert.is(w.timeout, 5);
  const c = findModule('copy')!.args.parse({ content: 'x', dest: '/x', backup: 'yes', force: 'no' });
  assert.is(c.backup, true);
  assert.is(c.force, false);
  assert.is(findModule('copy')!.args.safeParse({ content: 'x', dest: '/x', backup: 'maybe' }).success, false);
  assert.is(findModule('wait_for')!.args.safeParse({ port: '0' }).success, false);
});

test('registry: every first-set module is found by short name and FQCN, args are described', () => {
  const mine = [
    'command',
    'shell',
    'raw',
    'copy',
    'template',
    'file',
    'stat',
    'lineinfile',
    'slurp',
    'fetch',
    'systemd',
    'wait_for',
    'uri',
    'assert',
    'debug',
    'set_fact',
    'fail',
    'meta',
  ];
  for (const name of mine) {
    assert.ok(moduleNames().includes(name), name);
    assert.is(findModule(`ansible.builtin.${name}`), (modules as Record<string, unknown>)[name]);
    // every field of the args has a description (docs and JSON Schema come from it)
    const schema = z.toJSONSchema(findModule(name)!.args, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, { description?: string }>;
      description?: string;
    };
    if (schema.properties) {
      for (const [k, v] of Object.entries(schema.properties))
        assert.ok(v.description, `${name}.${k} lacks .describe()`);
    } else assert.ok(schema.description, `${name} lacks a description`);
  }
});

test.run();
