import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import {
  inventoryGraph,
  inventoryHostVars,
  inventoryJson,
  inventoryList,
  inventoryYaml,
} from '../../src/cli/inventory-output';
import { InventoryData } from '../../src/inventory/inventory-data';
import { parseIniInventory } from '../../src/inventory/ini-parser';

function inv(): InventoryData {
  const i = new InventoryData();
  parseIniInventory(
    `lone
[masters]
kube01 ansible_host=192.168.0.1
[workers]
node2
node1
[k8s:children]
masters
workers
[k8s:vars]
cluster=one
[empty]
`,
    'h.ini',
    i,
  );
  return i.finalize();
}

test('--graph: children then hosts, both sorted, ungrouped and empty groups shown', () => {
  assert.is(
    inventoryGraph(inv()),
    [
      '@all:',
      '  |--@empty:',
      '  |--@k8s:',
      '  |  |--@masters:',
      '  |  |  |--kube01',
      '  |  |--@workers:',
      '  |  |  |--node1',
      '  |  |  |--node2',
      '  |--@ungrouped:',
      '  |  |--lone',
      '',
    ].join('\n'),
  );
});

test('--list: groups with hosts/children, vars merged under _meta.hostvars', () => {
  const l = inventoryList(inv()) as Record<string, any>;
  assert.equal(l.all, { children: ['empty', 'k8s', 'ungrouped'] });
  assert.equal(l.workers, { hosts: ['node2', 'node1'] });
  assert.equal(l.ungrouped, { hosts: ['lone'] });
  assert.equal(l._meta.hostvars.kube01, { cluster: 'one', ansible_host: '192.168.0.1' });
  assert.not.ok('lone' in l._meta.hostvars);
  assert.not.ok('empty' in l);
});

test('--list / --host JSON: keys sorted at every level, indent 4, as ansible-inventory prints them', () => {
  const text = inventoryJson(inventoryList(inv()));
  const topKeys = [...text.matchAll(/^ {4}"([^"]+)":/gm)].map((m) => m[1]);
  assert.equal(topKeys, ['_meta', 'all', 'k8s', 'masters', 'ungrouped', 'workers']);
  assert.match(
    text,
    '"kube01": {\n                "ansible_host": "192.168.0.1",\n                "cluster": "one"\n',
  );
  assert.is(
    inventoryJson({ b: [{ z: 1, a: 2 }], a: null }),
    '{\n    "a": null,\n    "b": [\n        {\n            "a": 2,\n            "z": 1\n        }\n    ]\n}\n',
  );
});

test('--list --yaml is a YAML inventory that loads back the same', () => {
  const y = parse(inventoryYaml(inv()));
  assert.equal(y.all.children.k8s.children.masters.hosts.kube01, {
    cluster: 'one',
    ansible_host: '192.168.0.1',
  });
  assert.equal(Object.keys(y.all.children.ungrouped.hosts), ['lone']);
});

test('--host / --list / --yaml never print passwords: secret-named variables show as ***', () => {
  const i = new InventoryData();
  parseIniInventory(
    'h1 ansible_password=hunter2 ansible_become_pass=sudo123 ansible_user=ops api_token=t0k\n',
    'h.ini',
    i,
  );
  const data = i.finalize();
  const want = { ansible_password: '***', ansible_become_pass: '***', ansible_user: 'ops', api_token: '***' };
  assert.equal(inventoryHostVars(data, 'h1'), want);
  assert.equal(
    (inventoryList(data) as { _meta: { hostvars: Record<string, unknown> } })._meta.hostvars['h1'],
    want,
  );
  const y = inventoryYaml(data);
  for (const s of ['hunter2', 'sudo123', 't0k']) assert.not.ok(y.includes(s), y);
});

test.run();
