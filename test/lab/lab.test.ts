/**
 * The lab end to end: two labs side by side (4 + 4 clusters), faults checked from inside with plain
 * `ssh`, the scenario's manual fix applied to one cluster, `labVerify` passing only there, and `labDown`
 * leaving no namespace, link, process, mount, file or slot behind. Needs root, iproute2, sshd, openssl.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { labDown, labStatus, labUp, labVerify, type LabInfo } from '../../src/lab';
import { listNamespaces, pidsInNamespaces } from '../../src/lab/netns';
import { readState, REGISTRY } from '../../src/lab/state';

const test = suite('lab');
const dirA = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-a-'));
const dirB = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-b-')), 'nested');
let labA: LabInfo;
/**
 * The host's routes, minus other labs' (other tests may bring labs up and down meanwhile: a link deleted
 * while `ip route` lists shows as `ifN`, its name already gone).
 */
const hostRoutes = () =>
  spawnSync('ip', ['route', 'show', 'table', 'all'])
    .stdout.toString()
    .split('\n')
    .filter((l) => !/ dev (rlab\d|if\d+ )/.test(l))
    .sort()
    .join('\n');
const hostRoutesBefore = hostRoutes();

function ssh(dir: string, host: string, script: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    'ssh',
    ['-F', path.join(dir, 'ssh_config'), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', host, 'sh -s'],
    { input: script, encoding: 'utf8', timeout: 60000 },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FIX = `set -e
cd /etc/pki/tls/kube01
cat > csr.conf <<'CONF'
[ req ]
prompt = no
default_md = sha256
req_extensions = v3_ext
distinguished_name = dn
[ dn ]
CN = kube-apiserver
[ alt_names ]
DNS.1 = kubernetes
DNS.2 = kubernetes.default
DNS.3 = kubernetes.default.svc
DNS.4 = kubernetes.default.svc.cluster
DNS.5 = kubernetes.default.svc.cluster.local
DNS.6 = kube01
IP.1 = 192.168.0.1
IP.2 = 10.254.0.1
[ v3_ext ]
basicConstraints=CA:FALSE
keyUsage=keyEncipherment,dataEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=@alt_names
CONF
cp server.crt server.crt.orig
openssl req -new -key server.key -out server.csr -config csr.conf
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 10000 -extensions v3_ext -extfile csr.conf
systemctl restart kube-apiserver.service
`;
const TLS_CHECK =
  'openssl s_client -connect 192.168.0.1:6443 -CAfile /etc/pki/tls/kube01/ca.crt -verify_ip 10.254.0.1 -verify_return_error </dev/null >/dev/null 2>&1 && echo TLS-OK || echo TLS-FAIL\n';
const RECREATE = `set -e
kubectl delete -f /root/manifests/kube-dns/kube-dns.yml && kubectl create -f /root/manifests/kube-dns/kube-dns.yml
kubectl wait --for=condition=Ready pod -l k8s-app=kube-dns -n kube-system --timeout=20s
kubectl delete -f /root/manifests/wordpress/ && kubectl create -f /root/manifests/wordpress/
`;

test.after(async () => {
  await labDown({ dir: dirA }).catch(() => undefined);
  await labDown({ dir: dirB }).catch(() => undefined);
  fs.rmSync(dirA, { recursive: true, force: true });
  fs.rmSync(path.dirname(dirB), { recursive: true, force: true });
});

test('two labs come up side by side; the second from a CLI-like child that exits and releases stdout', async () => {
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      'tsx/cjs',
      '-e',
      `require('./src/lab').labUp({ dir: ${JSON.stringify(dirB)}, clusters: 4, faults: 'healthy,key-mismatch,no-ca-key,svc-clusterip' }).then(() => console.log('UP'))`,
    ],
    { encoding: 'utf8', timeout: 90000 },
  );
  labA = await labUp({ dir: dirA, clusters: 4, faults: 'sans=2,bad-restart=1,unreachable=1' });
  assert.is(child.status, 0, child.stderr);
  assert.match(child.stdout, /UP/);
  const a = readState(dirA)!;
  const b = readState(dirB)!;
  assert.is.not(a.slot, b.slot);
  assert.is.not(a.clusters[0].address, b.clusters[0].address);
  assert.equal(
    labA.clusters.map((c) => c.faults.join('+')),
    ['sans', 'sans', 'sans+bad-restart', 'sans+unreachable'],
  );
  const inv = fs.readFileSync(labA.inventory, 'utf8');
  // the host routes only the lab's own 198.18.0.0/15 slice to the bridge: nothing for the scenario's ranges
  const routes = spawnSync('ip', ['route', 'show', 'table', 'all']).stdout.toString();
  assert.not.match(routes, /^(local |broadcast )?(192\.168\.0|10\.254\.0|172\.16\.0)\./m);
  assert.match(inv, /^\[masters\]$/m);
  assert.match(inv, /^\[c004\]\nkube01\.c004$/m);
  assert.match(
    inv,
    new RegExp(
      `kube01\\.c001 ansible_host=${a.clusters[0].address} ansible_user=root ansible_ssh_private_key_file=${dirA}/id_ed25519 remediate_known_hosts=${dirA}/known_hosts node_ip=192.168.0.1 service_cidr=10.254.0.0/24 pki_dir=/etc/pki/tls/kube01 lab_cluster=c001`,
    ),
  );
});

test('the scenario is really there: old SANs, kube-dns 2/3 with the x509 log, WordPress broken', () => {
  const r = ssh(
    dirA,
    'c001',
    `
    openssl x509 -in /etc/pki/tls/kube01/server.crt -noout -checkip 10.254.0.1
    kubectl get pod -n kube-system
    kubectl -n kube-system logs $(kubectl get pod -n kube-system -o jsonpath='{.items[0].metadata.name}') kubedns
    kubectl logs $(kubectl get pod -l app=wordpress -o jsonpath='{.items[0].metadata.name}')
    systemctl is-active kube-apiserver.service
    hostname; ip route get 172.16.0.1 2>&1; ip -o addr show dev lo
  `,
  );
  assert.is(r.code, 0, r.err);
  assert.match(r.out, 'does NOT match');
  assert.match(r.out, /kube-dns-\S+\s+2\/3\s+Running/);
  assert.match(
    r.out,
    'Failed to list *v1.Service: Get https://10.254.0.1:443/api/v1/services?resourceVersion=0: x509: certificate is valid for 172.16.0.1, 192.168.0.1, not 10.254.0.1',
  );
  assert.match(r.out, 'getaddrinfo failed: Temporary failure in name resolution');
  assert.match(r.out, /^active$/m);
  assert.match(r.out, /^kube01$/m);
  assert.match(r.out, /unreachable/); // no route out of the namespace to the old node range
  assert.match(r.out, /192\.168\.0\.1\/32/);
});

test('status and verify before any fix: nothing answers; the unreachable cluster has no sshd', async () => {
  const st = await labStatus({ dir: dirA });
  assert.equal(
    st.map((s) => s.sshUp),
    [true, true, true, false],
  );
  assert.equal(st[3].faults, ['sans', 'unreachable']);
  assert.is(st[0].kubeDns, '2/3 Running');
  const v = await labVerify({ dir: dirA });
  assert.equal(
    v.map((x) => x.ok),
    [false, false, false, false],
  );
  const r = ssh(dirA, 'c004', 'true');
  assert.is.not(r.code, 0);
});

test('the manual fix over plain ssh makes verify pass for that cluster only', async () => {
  const r = ssh(dirA, 'c001', FIX + TLS_CHECK + RECREATE + 'kubectl get pod -A\n');
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, 'TLS-OK');
  assert.match(r.out, /kube-dns-\S+\s+3\/3/);
  assert.match(r.out, /wordpress-\S+\s+1\/1/);
  const v = await labVerify({ dir: dirA });
  assert.equal(
    v.map((x) => x.ok),
    [true, false, false, false],
    JSON.stringify(v),
  );
  assert.match(v[0].detail, 'HTTP 200');
  const one = await labVerify({ dir: dirA, cluster: 'c002' });
  assert.is(one.length, 1);
  assert.not.ok(one[0].ok);
  const st = await labStatus({ dir: dirA });
  assert.equal(st[0].faults, ['healthy']);
  assert.ok(st[0].wordpress);
});

test('pods keep the health they were created with: recreating kube-dns alone does not heal WordPress', async () => {
  const r = ssh(dirA, 'c002', FIX + RECREATE.split('\n').slice(0, 3).join('\n') + '\nkubectl get pod\n');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /wordpress-\S+\s+0\/1/);
  assert.not.ok((await labVerify({ dir: dirA, cluster: 'c002' }))[0].ok);
});

test('bad-restart: a correct fix still fails the post-restart check; restoring the original bytes heals it', () => {
  const r = ssh(dirA, 'c003', FIX + TLS_CHECK + 'systemctl is-active kube-apiserver\n');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, 'TLS-FAIL');
  assert.match(r.out, /^active$/m);
  const back = ssh(
    dirA,
    'c003',
    `set -e
    cd /etc/pki/tls/kube01
    cp server.crt.orig server.crt
    systemctl restart kube-apiserver.service
    openssl s_client -connect 192.168.0.1:6443 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256
    openssl x509 -in server.crt.orig -noout -fingerprint -sha256`,
  );
  assert.is(back.code, 0, back.err);
  const [served, orig] = back.out.trim().split('\n');
  assert.is(served, orig);
});

test('key-mismatch, no-ca-key, svc-clusterip and healthy in the second lab', async () => {
  const st = await labStatus({ dir: dirB });
  assert.equal(
    st.map((s) => s.faults.join('+')),
    ['healthy', 'sans+key-mismatch', 'sans+no-ca-key', 'sans+svc-clusterip'],
  );
  assert.equal(
    st.map((s) => s.apiserver),
    ['active', 'active', 'active', 'active'],
  );
  const v = await labVerify({ dir: dirB });
  assert.equal(
    v.map((x) => x.ok),
    [true, false, false, false],
  );
  const km = ssh(
    dirB,
    'c002',
    'systemctl restart kube-apiserver.service; echo rc=$?; systemctl is-active kube-apiserver.service',
  );
  assert.match(km.out, 'rc=1');
  assert.match(km.out, /^failed$/m);
  const nk = ssh(dirB, 'c003', 'ls /etc/pki/tls/kube01');
  assert.not.match(nk.out, 'ca.key');
  assert.match(nk.out, 'ca.crt');
  // svc-clusterip is sans plus a stale Service address: the headline fix alone makes WordPress answer, and
  // lab verify passes once the stale Service is recreated too
  const fixed = ssh(dirB, 'c004', FIX + RECREATE);
  assert.is(fixed.code, 0, fixed.err);
  const half = (await labVerify({ dir: dirB, cluster: 'c004' }))[0];
  assert.not.ok(half.ok);
  assert.match(half.detail, /WordPress answered .*; still broken: svc-clusterip/);
  const svc = ssh(
    dirB,
    'c004',
    `
    kubectl get svc kubernetes -n default -o jsonpath='{.spec.clusterIP}'; echo
    kubectl delete svc kubernetes -n default
    kubectl get svc kubernetes -n default -o jsonpath='{.spec.clusterIP}'; echo`,
  );
  assert.equal(svc.out.trim().split('\n'), ['192.168.0.1', 'service "kubernetes" deleted', '10.254.0.1']);
  assert.ok((await labVerify({ dir: dirB, cluster: 'c004' }))[0].ok);
});

test('down leaves nothing behind, is safe twice, and up works again afterwards', async () => {
  const a = readState(dirA)!;
  const b = readState(dirB)!;
  const namespaces = [...a.clusters, ...b.clusters].map((c) => c.ns);
  await labDown({ dir: dirA });
  await labDown({ dir: dirB });
  await labDown({ dir: dirA });
  assert.equal(listNamespaces(`rlab${a.slot}-`), []);
  assert.equal(listNamespaces(`rlab${b.slot}-`), []);
  assert.equal(pidsInNamespaces(namespaces), []);
  assert.not.ok(fs.existsSync(`/sys/class/net/${a.bridge}`));
  assert.not.ok(fs.existsSync(`/sys/class/net/${b.bridge}`));
  assert.equal(fs.readdirSync(dirA), []);
  assert.not.ok(fs.existsSync(dirB), 'the lab created dirB, so down removes it');
  assert.not.ok(fs.existsSync(path.join(REGISTRY, `slot-${a.slot}`)));
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  assert.not.match(mounts, dirA);
  const ps = spawnSync('ps', ['-eo', 'args']).stdout.toString();
  assert.not.match(ps, dirA);
  assert.is(hostRoutes(), hostRoutesBefore);
  const ours = new RegExp(` dev (${a.bridge}|${b.bridge})(v\\d+)? `);
  assert.not.match(spawnSync('ip', ['route', 'show', 'table', 'all']).stdout.toString(), ours);
  const again = await labUp({ dir: dirA, clusters: 1, faults: 'healthy' });
  assert.ok((await labVerify({ dir: again.dir }))[0].ok);
  await labDown({ dir: dirA });
  assert.equal(listNamespaces(`rlab${readState(dirA)?.slot ?? a.slot}-`), []);
});

test.run();
