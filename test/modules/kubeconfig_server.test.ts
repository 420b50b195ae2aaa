import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import kubeconfigServer from '../../src/modules/kubeconfig_server';
import { editKubeconfig } from '../../src/modules/kubeconfig-edit';
import { makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-kcfg-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const KC = `# kubeconfig of kubelet (written at install time)
apiVersion: v1
kind: Config
clusters:
  - name: kubernetes
    cluster:
      # the apiserver on the master's node address
      server: https://172.16.0.1:6443    # old node
      certificate-authority: /etc/pki/tls/kube01/ca.crt
  - name: "external"
    cluster: {server: 'https://203.0.113.5:443', insecure-skip-tls-verify: false}
  -   name: quoted
      cluster:
          server: "https://172.16.0.1:6443"
contexts: [{name: k, context: {cluster: kubernetes, user: kubelet}}]
current-context: k
users:
- name: kubelet
  user: {client-certificate: /x.crt}
`;

test('only the server bytes change, in their own quoting; only_in and clusters select', () => {
  const e = editKubeconfig(KC, { server: 'https://192.168.0.1:6443', only_in: ['172.16.0.0/24'] });
  assert.is(
    e.content,
    KC.replace('server: https://172.16.0.1:6443    #', 'server: https://192.168.0.1:6443    #').replace(
      'server: "https://172.16.0.1:6443"',
      'server: "https://192.168.0.1:6443"',
    ),
  );
  assert.equal(
    e.servers.map((s) => [s.cluster, s.line, s.before]),
    [
      ['kubernetes', 8, 'https://172.16.0.1:6443'],
      ['quoted', 14, 'https://172.16.0.1:6443'],
    ],
  );
  const one = editKubeconfig(KC, { server: 'https://10.0.0.1:6443', clusters: ['external'] });
  assert.is(one.content, KC.replace("'https://203.0.113.5:443'", "'https://10.0.0.1:6443'"));
  const none = editKubeconfig(KC, { server: 'https://192.168.0.1:6443', only_in: ['10.0.0.0/8'] });
  assert.is(none.changed, false);
  assert.throws(() => editKubeconfig(KC, { server: 'ftp://x' }), /http\(s\) URL/);
  assert.throws(() => editKubeconfig(KC, { server: 'https://u:p@x' }), /without credentials/);
  assert.throws(() => editKubeconfig('a: [', { server: 'https://x' }), /not valid YAML \(line 1/);
  assert.throws(() => editKubeconfig('a: 1\n', { server: 'https://x' }), /no clusters: list/);
});

test('apply: diff, backup, mode kept; second run no change; check mode never writes', async () => {
  const f = path.join(dir, 'kubelet.kubeconfig');
  await fsp.writeFile(f, KC);
  await fsp.chmod(f, 0o600);
  const a = { path: f, server: 'https://192.168.0.1:6443', only_in: '172.16.0.0/24', backup: true };
  const check = await runModule(kubeconfigServer, a, makeContext({ check: true }));
  assert.is(check.changed, true);
  assert.is(await fsp.readFile(f, 'utf8'), KC);
  const r = await runModule(kubeconfigServer, a, makeContext());
  assert.is(r.changed, true);
  assert.match(
    r.plan.changes[0]!.describe,
    /kubernetes server https:\/\/172\.16\.0\.1:6443 → https:\/\/192\.168\.0\.1:6443, quoted server/,
  );
  assert.is(r.plan.changes[0]!.diff!.before, KC);
  assert.is((await fsp.stat(f)).mode & 0o777, 0o600);
  assert.is(await fsp.readFile(String(r.result.backup), 'utf8'), KC);
  const again = await runModule(
    kubeconfigServer,
    { ...a, only_in: undefined, clusters: 'kubernetes,quoted' },
    makeContext(),
  );
  assert.is(again.changed, false);
});

test.run();
