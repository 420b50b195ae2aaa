// The shipped playbook validates and the example inventory says what the README says (no lab needed).
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadInventory } from '../../src/inventory';
import { REPO_ROOT, runCli } from '../helpers/cli';

test('playbooks/fix-apiserver-sans.yml validates', async () => {
  const r = await runCli(['validate', 'playbooks/fix-apiserver-sans.yml']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ok: playbooks\/fix-apiserver-sans\.yml \(1 play/);
});

test('the migration playbooks validate (diagnosis, each fix, the one-command fix)', async () => {
  for (const [f, plays] of [
    ['diagnose-migration', 2],
    ['fix-cluster-dns', 1],
    ['fix-component-flags', 1],
    ['fix-dns-service', 1],
    ['fix-etcd', 1],
    ['fix-kubeconfig', 1],
    ['fix-migration', 10],
  ] as const) {
    const r = await runCli(['validate', `playbooks/${f}.yml`]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`ok: playbooks/${f}\\.yml \\(${plays} play`));
  }
});

test('example inventory: kube01 with the incident values; kubeadm paths on the kubeadm group', async () => {
  const inv = await loadInventory([path.join(REPO_ROOT, 'inventory')]);
  assert.equal(inv.select('masters'), ['kube01']);
  const v = inv.hostVars('kube01');
  assert.is(v.ansible_host, '192.168.0.1');
  assert.is(v.node_ip, '192.168.0.1');
  assert.is(v.pki_dir, '/etc/pki/tls/kube01');
  assert.is(v.service_cidr, '10.254.0.0/24');
  const kubeadm = inv.groups.get('kubeadm_masters')!;
  assert.is(kubeadm.vars.apiserver_cert, '/etc/kubernetes/pki/apiserver.crt');
  assert.is(kubeadm.vars.ca_key, '/etc/kubernetes/pki/ca.key');
});

test.run();
