import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryData } from '../../src/inventory/inventory-data';

/**
 * all ─┬─ prod ── web ── canary      (depths 1, 2, 3)
 *      └─ zeta (priority 10) ; alpha  (depth 1 siblings)
 * host h is in canary, zeta and alpha.
 */
function fixture(): InventoryData {
  const inv = new InventoryData();
  inv.addHost('h', 'canary', '/inv/hosts');
  inv.addHost('h', 'zeta');
  inv.addHost('h', 'alpha');
  inv.addHost('other', 'web');
  inv.addChild('prod', 'web');
  inv.addChild('web', 'canary');
  inv.setGroupVars('all', { v: 'all', a: 'all', files: 'inline-all' });
  inv.setGroupVars('prod', { v: 'prod', p: 'prod' });
  inv.setGroupVars('web', { v: 'web', p: 'web' });
  inv.setGroupVars('canary', { v: 'canary' });
  inv.setGroupVars('alpha', { s: 'alpha', v: 'alpha' });
  inv.setGroupVars('zeta', { s: 'zeta', ansible_group_priority: 10 });
  return inv.finalize();
}

test('groups deeper in the tree win, then priority, then name; the host wins over all', () => {
  const inv = fixture();
  const v = inv.hostVars('h');
  assert.is(v.v, 'canary', 'depth 3 beats depth 2 and 1');
  assert.is(v.p, 'web');
  assert.is(v.a, 'all');
  assert.is(v.s, 'zeta', 'priority 10 beats alpha at the same depth despite the name');
  assert.not.ok('ansible_group_priority' in v);
  inv.setHostVars('h', { v: 'host' });
  assert.is(inv.finalize().hostVars('h').v, 'host');
});

test('name decides at equal depth and priority', () => {
  const inv = new InventoryData();
  inv.addHost('h', 'b');
  inv.addHost('h', 'a');
  inv.setGroupVars('a', { x: 'a' });
  inv.setGroupVars('b', { x: 'b' });
  assert.is(inv.finalize().hostVars('h').x, 'b');
});

test('group_vars files beat inline group vars; host_vars files beat inline host vars; playbook dirs beat both', () => {
  const inv = fixture();
  inv.setGroupVars('prod', { fromfile: 'prod-file', v: 'prod-file' }, 'inventory-dir');
  inv.setGroupVars('all', { files: 'all-file' }, 'inventory-dir');
  inv.setHostVars('h', { hv: 'inline' });
  inv.setHostVars('h', { hv: 'file' }, 'inventory-dir');
  inv.setHostVars('other', { hv: 'inline' });
  inv.setGroupVars('web', { pb: 'inv' }, 'inventory-dir');
  inv.setGroupVars('web', { pb: 'playbook' }, 'playbook-dir');
  inv.finalize();
  const v = inv.hostVars('h');
  // Ansible: inventory group_vars/ files (any group) come after all inline group vars
  assert.is(v.v, 'prod-file');
  assert.is(v.files, 'all-file');
  assert.is(v.hv, 'file');
  assert.is(v.pb, 'playbook');
  assert.is(inv.hostVars('other').hv, 'inline');
});

test('magic variables', () => {
  const inv = new InventoryData();
  inv.addHost('kube01.example.com', 'masters', '/srv/inv/hosts');
  inv.addHost('lone');
  inv.finalize();
  const v = inv.hostVars('kube01.example.com');
  assert.is(v.inventory_hostname, 'kube01.example.com');
  assert.is(v.inventory_hostname_short, 'kube01');
  assert.equal(v.group_names, ['masters']);
  assert.is(v.inventory_dir, '/srv/inv');
  assert.equal((v.groups as Record<string, string[]>).all, ['kube01.example.com', 'lone']);
  assert.equal((v.groups as Record<string, string[]>).ungrouped, ['lone']);
  assert.equal(inv.hostVars('lone').group_names, ['ungrouped'], "Ansible 2.14: ['ungrouped']");
  assert.equal(inv.hosts.get('lone')!.groups, ['all', 'ungrouped']);
  assert.not.ok('inventory_hostname' in inv.inventoryVars('lone'));
});

test('cycles are refused', () => {
  const inv = new InventoryData();
  assert.is(inv.addChild('a', 'b'), undefined);
  assert.match(inv.addChild('b', 'a') ?? '', /loop/);
  assert.match(inv.addChild('a', 'a') ?? '', /loop/);
});

test.run();
