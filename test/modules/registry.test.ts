/**
 * The module registry loads a module on first use: a playbook pays for the modules it names. The alias
 * table (known without loading) must match what each module declares, and every name still resolves.
 */
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findModule, MODULE_ALIASES, moduleNames, modules } from '../../src/modules/index';

const modulesDir = path.resolve(__dirname, '../../src/modules');
const loadedModules = () =>
  Object.keys(require.cache)
    .filter((f) => path.dirname(f) === modulesDir)
    .map((f) => path.basename(f).replace(/\.[cm]?[tj]s$/, ''));

test('looking up one module loads that module, not the whole registry', () => {
  assert.not.ok(loadedModules().includes('x509_reissue'), 'nothing loaded yet');
  assert.is(findModule('ansible.builtin.stat')?.name, 'stat');
  const loaded = loadedModules();
  assert.ok(loaded.includes('stat'));
  assert.not.ok(loaded.includes('x509_reissue'), `loaded: ${loaded.join(', ')}`);
  assert.not.ok(loaded.includes('kubectl'));
  assert.is(findModule('no_such_module'), undefined);
  assert.is(findModule('constructor'), undefined);
  assert.is(findModule('toString'), undefined);
  assert.not.ok(loadedModules().includes('kubectl'), 'an unknown name loads nothing');
});

test('every name, FQCN and alias resolves to its module; the alias table matches the modules', () => {
  for (const name of moduleNames()) {
    const def = findModule(name);
    assert.ok(def, name);
    assert.is(def, modules[name as keyof typeof modules], `${name}: the same definition both ways`);
    assert.is(findModule(`ansible.builtin.${name}`), def);
    const declared = [...(def!.aliases ?? [])].sort();
    const table = [...(MODULE_ALIASES[name as keyof typeof MODULE_ALIASES] ?? [])].sort();
    assert.equal(table, declared, `${name}: MODULE_ALIASES lists its aliases`);
    for (const a of declared) assert.is(findModule(a), def, `${name} alias ${a}`);
  }
  assert.is(findModule('k8s_kubectl')?.name, 'kubectl');
  assert.is(Object.keys(modules).length, moduleNames().length);
});

test.run();
