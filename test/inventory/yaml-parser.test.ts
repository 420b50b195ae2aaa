import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryError } from '../../src/errors';
import { InventoryData } from '../../src/inventory/inventory-data';
import { parseYamlInventory, parseYamlVars } from '../../src/inventory/yaml-parser';

function parse(text: string): InventoryData {
  const inv = new InventoryData();
  parseYamlInventory(text, 'inv.yml', inv);
  return inv.finalize();
}

function where(text: string): string {
  try {
    parse(text);
  } catch (e) {
    assert.instance(e, InventoryError);
    const l = (e as InventoryError).loc!;
    return `${l.line}:${l.col} ${(e as Error).message}`;
  }
  throw new Error('expected an InventoryError');
}

test('all: hosts, vars, children (nested), ranges and ports', () => {
  const inv = parse(`
all:
  vars:
    ansible_user: root
    enabled: yes
  hosts:
    bastion:
  children:
    masters:
      hosts:
        kube[01:02]:
          cert_dir: /etc/pki/tls
        kube03:2222:
      vars:
        role: master
      children:
        canary:
          hosts:
            kube01:
    workers:
      hosts: node1
`);
  assert.equal([...inv.hosts.keys()], ['bastion', 'kube01', 'kube02', 'kube03', 'node1']);
  assert.equal(inv.groups.get('ungrouped')!.hosts, ['bastion']);
  assert.equal(inv.groupHosts('masters'), ['kube01', 'kube02', 'kube03']);
  const v = inv.hostVars('kube01');
  assert.is(v.ansible_user, 'root');
  assert.is(v.enabled, true, 'YAML 1.1 like PyYAML: yes is a boolean');
  assert.is(v.cert_dir, '/etc/pki/tls');
  assert.is(v.role, 'master');
  assert.equal(v.group_names, ['canary', 'masters']);
  assert.is(inv.hostVars('kube03').ansible_port, 2222);
  assert.equal(inv.groupHosts('workers'), ['node1']);
});

test('top-level groups other than all; empty groups and hosts', () => {
  const inv = parse('web:\n  hosts:\n    w1:\n    w2: {}\ndb:\n');
  assert.equal(inv.groupHosts('web'), ['w1', 'w2']);
  assert.ok(inv.groups.has('db'));
  assert.equal(inv.groups.get('all')!.children.sort(), ['db', 'ungrouped', 'web']);
});

test('errors carry line:col from the YAML source', () => {
  assert.match(where('all:\n  hosts:\n    h1: [1, 2]\n'), /^3:9 .*host "h1" must map/);
  assert.match(where('all:\n  children:\n    web:\n      hosts: 5\n'), /^4:14 /);
  assert.match(where('all:\n  hosts:\n    h[5:1]:\n'), /^3:6 .*begin <= end/);
  assert.match(where('all:\n  hosts:\n  h1: : :\n'), /^\d+:\d+ /);
  assert.match(where('- a\n- b\n'), /^1:1 .*mapping of group names/);
  assert.match(where('plugin: aws_ec2\n'), /^1:1 .*plugins are not supported/);
});

test("unknown keys in a group: skipped with Ansible 2.14's warnings, located", () => {
  // ansible-inventory -i y.yml --list prints these warnings (texts from ansible-core 2.14) and goes on
  const inv = new InventoryData();
  parseYamlInventory(
    'all:\n  hosts:\n    h1:\n  hostz:\n    h2:\n  n: 5\n  s: text\n  l: [1]\n  b: true\n  f: 1.5\n  e:\n',
    'i.yml',
    inv,
  );
  assert.equal(inv.groupHosts('all'), ['h1'], 'h2 under the unknown key is not a host');
  assert.equal(inv.warnings, [
    'Skipping unexpected key (hostz) in group (all), only "vars", "children" and "hosts" are valid (i.yml:4:3 — did you mean \'hosts\'?)',
    "Skipping key (n) in group (all) as it is not a mapping, it is a <class 'int'> (i.yml:6:3)",
    "Skipping key (s) in group (all) as it is not a mapping, it is a <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> (i.yml:7:3)",
    "Skipping key (l) in group (all) as it is not a mapping, it is a <class 'ansible.parsing.yaml.objects.AnsibleSequence'> (i.yml:8:3)",
    "Skipping key (b) in group (all) as it is not a mapping, it is a <class 'bool'> (i.yml:9:3)",
    "Skipping key (f) in group (all) as it is not a mapping, it is a <class 'float'> (i.yml:10:3)",
  ]);
});

test('vars files: mapping or empty; anything else is located', () => {
  assert.equal(parseYamlVars('a: 1\nb: [x]\n', 'v.yml'), { a: 1, b: ['x'] });
  assert.equal(parseYamlVars('', 'v.yml'), {});
  assert.throws(() => parseYamlVars('- 1\n', 'v.yml'), /v\.yml:1:1: a vars file must be a mapping/);
});

test('group_vars/host_vars read booleans as PyYAML does (Ansible): y/n stay strings, yes/on are true', () => {
  // python3 -c "import yaml; print(yaml.safe_load('a: y\\nb: n\\nc: yes\\nd: Off\\ne: 0777\\n'))"
  assert.equal(parseYamlVars('a: y\nb: n\nc: yes\nd: Off\ne: 0777\n', 'v.yml'), {
    a: 'y',
    b: 'n',
    c: true,
    d: false,
    e: 511,
  });
  const inv = new InventoryData();
  parseYamlInventory('all:\n  hosts:\n    h1:\n      flag: n\n      on_: on\n', 'i.yml', inv);
  const v = inv.hostVars('h1');
  assert.equal([v.flag, v.on_], ['n', true]);
});

test.run();
