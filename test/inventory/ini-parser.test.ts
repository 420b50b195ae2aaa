import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryError } from '../../src/errors';
import { InventoryData } from '../../src/inventory/inventory-data';
import { parseIniInventory } from '../../src/inventory/ini-parser';
import { shlexSplit } from '../../src/shlex';

function parse(text: string): InventoryData {
  const inv = new InventoryData();
  parseIniInventory(text, 'hosts.ini', inv);
  return inv.finalize();
}

function parseError(text: string): InventoryError {
  try {
    parse(text);
  } catch (e) {
    assert.instance(e, InventoryError);
    return e as InventoryError;
  }
  throw new Error('expected an InventoryError');
}

test('shlex split keeps quotes out, comments off, and columns', () => {
  assert.equal(
    shlexSplit(`h1 a='x y' b="q\\"t" c=d#comment`, { comments: true }).map((t) => [t.text, t.col]),
    [
      ['h1', 0],
      ['a=x y', 3],
      ['b=q"t', 11],
      ['c=d', 20],
    ],
  );
});

test('hosts, groups, inline vars typed like Ansible', () => {
  const inv = parse(`
lone ansible_host=10.0.0.9
[masters]
kube01 ansible_host=192.168.0.1 ansible_port=22 cert='/etc/pki/tls/kube01/server.crt' debug=True n="5" name='a b'
kube02:2222
[masters:vars]
ansible_user = root
retries = 3
flag = FALSE
msg = hello world # not a comment
`);
  assert.equal([...inv.hosts.keys()], ['lone', 'kube01', 'kube02']);
  assert.equal(inv.groups.get('masters')!.hosts, ['kube01', 'kube02']);
  assert.equal(inv.groups.get('ungrouped')!.hosts, ['lone']);
  const v = inv.hostVars('kube01');
  assert.is(v.ansible_host, '192.168.0.1');
  assert.is(v.ansible_port, 22);
  assert.is(v.cert, '/etc/pki/tls/kube01/server.crt');
  assert.is(v.debug, true);
  assert.is(v.n, 5, 'shlex removes the quotes before literal_eval, as in Ansible');
  assert.is(v.name, 'a b');
  assert.is(v.ansible_user, 'root');
  assert.is(v.retries, 3);
  assert.is(v.flag, 'FALSE');
  assert.is(v.msg, 'hello world # not a comment');
  assert.is(inv.hostVars('kube02').ansible_port, 2222);
  assert.equal(inv.hostVars('kube01').group_names, ['masters']);
});

test('children nest groups; ranges expand', () => {
  const inv = parse(`
[web]
web[01:03]
[db]
db-[a:b]
[prod:children]
web
db
[prod:vars]
env=prod
`);
  assert.equal(inv.groupHosts('prod'), ['web01', 'web02', 'web03', 'db-a', 'db-b']);
  assert.equal(inv.hosts.get('web02')!.groups.sort(), ['all', 'prod', 'web']);
  assert.is(inv.hostVars('db-b').env, 'prod');
  assert.equal(inv.groups.get('all')!.children.sort(), ['prod', 'ungrouped']);
});

const errors: [string, string, RegExp, string?][] = [
  ['[web\nh1', 'hosts.ini:1:1', /invalid section header/],
  ['[web:bogus]\nh1', 'hosts.ini:1:6', /unknown type "bogus"/],
  ['[web]\nh1 ansible_host', 'hosts.ini:2:4', /expected key=value/],
  ['[web]\n  h1 a=1 b="open', 'hosts.ini:2:10', /No closing quotation/],
  ['[web]\nnode[3:1]', 'hosts.ini:2:5', /begin <= end/],
  ['[web:vars]\nx=1', 'hosts.ini:1:1', /undefined group "web"/],
  ['[p:children]\nnope', 'hosts.ini:2:1', /includes undefined group "nope"/],
  ['[a]\nh\n[a:vars]\njust words', 'hosts.ini:4:1', /expected key=value/],
  ['[a:children]\nb\n[b:children]\na', 'hosts.ini:4:1', /dependency loop/],
];
for (const [text, where, re] of errors) {
  test(`error at ${where}: ${re}`, () => {
    const e = parseError(text);
    assert.equal(`${e.loc!.file}:${e.loc!.line}:${e.loc!.col}`, where);
    assert.match(e.message, re);
    assert.ok(e.message.startsWith(where), e.message);
    assert.is(e.exitCode, 4);
  });
}

test('a group defined after its children reference is fine', () => {
  const inv = parse('[p:children]\nc\n[c]\nh1\n[c:vars]\nk=v');
  assert.equal(inv.groupHosts('p'), ['h1']);
  assert.is(inv.hostVars('h1').k, 'v');
});

test.run();
