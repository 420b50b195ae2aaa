import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryError } from '../../src/errors';
import { loadInventory } from '../../src/inventory';

const FIX = path.resolve(__dirname, '../fixtures/inventory');

async function loadError(sources: string[]): Promise<InventoryError> {
  try {
    await loadInventory(sources);
  } catch (e) {
    assert.instance(e, InventoryError);
    return e as InventoryError;
  }
  throw new Error('expected an InventoryError');
}

test('no sources: implicit localhost with the local connection', async () => {
  const inv = await loadInventory([]);
  assert.equal(inv.select('all'), ['localhost']);
  assert.is(inv.hostVars('localhost').ansible_connection, 'local');
});

test('a directory source: INI + YAML + subdirectory merged in name order; junk skipped', async () => {
  const inv = await loadInventory([path.join(FIX, 'site')]);
  assert.equal(
    [...inv.hosts.keys()],
    ['kube01', 'kube02', 'node1', 'node2', 'node3', 'kube03', 'bastion', 'node4'],
  );
  assert.equal(inv.select('masters'), ['kube01', 'kube02', 'kube03']);
  assert.equal(inv.select('workers'), ['node1', 'node2', 'node3', 'node4']);
  assert.not.ok(inv.groups.has('this'));
  // .ini, like Ansible's other INVENTORY_IGNORE_EXTS, is skipped inside a directory
  assert.not.ok(inv.groups.has('ignored_ini'), '15-skipped.ini is not read');
  assert.not.ok(inv.hosts.has('ini-host'));
});

test('group_vars/ and host_vars/ beside the source: files, NAME/ dirs, json', async () => {
  const inv = await loadInventory([path.join(FIX, 'site')]);
  const k1 = inv.hostVars('kube01');
  assert.is(k1.cert_dir, '/etc/pki/tls', 'group_vars/all.yml');
  assert.is(k1.env, 'prod-file', 'group_vars/prod.yml beats [prod:vars]');
  assert.is(k1.a, 1);
  assert.is(k1.b, 2);
  assert.is(k1.shared, 'b', 'prod/ files merge in sorted order');
  assert.is(k1.role, 'host-file', 'host_vars/kube01.yml beats the inline var');
  assert.is(inv.hostVars('kube02').role, 'masters-json');
  assert.is(inv.hostVars('bastion').env, 'all-file');
  assert.not.ok(inv.hosts.has('nosuchhost'));
});

test('a file source, and the playbook directory on top', async () => {
  const inv = await loadInventory([path.join(FIX, 'site/10-hosts')], {
    playbookDir: path.join(FIX, 'playbook'),
  });
  assert.is(inv.hostVars('node1').env, 'playbook-file');
  assert.is(inv.hostVars('node1').cert_dir, '/etc/pki/tls');
});

test('several sources merge in order; a host list with commas', async () => {
  const inv = await loadInventory([path.join(FIX, 'site/10-hosts'), 'extra1,extra2,']);
  assert.equal(inv.select('ungrouped'), ['extra1', 'extra2']);
  assert.equal(inv.select('prod').length, 5);
});

test('errors: missing source, bad INI line, broken YAML — all located, exit 4', async () => {
  const missing = await loadError(['/nonexistent/inventory']);
  assert.match(missing.message, /does not exist/);
  assert.ok(missing.hint);
  const ini = await loadError([path.join(FIX, 'bad/hosts.ini')]);
  assert.match(ini.message, /bad\/hosts\.ini:4:1: expected key=value/);
  const yml = await loadError([path.join(FIX, 'bad/broken.yml')]);
  assert.match(yml.message, /bad\/broken\.yml:\d+:\d+: /);
  assert.is(yml.exitCode, 4);
});

test.run();
