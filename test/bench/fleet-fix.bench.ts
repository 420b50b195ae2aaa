/**
 * The headline job on a fleet: `remediate run playbooks/fix-apiserver-sans.yml` on a lab of N `sans`
 * clusters, against a baseline of the same steps (with the same checks: key match, CA verify, SAN check,
 * backup, re-issue, verify, atomic replace, restart, TLS check for the Service VIP, pod recreation and
 * readiness, WordPress) done by a plain sequential `for host; do ssh host sh -s < fix.sh; done` loop.
 * Each side gets a fresh lab; both must leave every cluster passing `lab verify`.
 * Run: npx tsx test/bench/fleet-fix.bench.ts [N]   (default 20; needs root)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labDown, labUp, labVerify, type LabInfo } from '../../src/lab';
import { runCli } from '../helpers/cli';

/** What an operator's shell script for one master looks like when it does the careful steps. */
export const FIX_SH = String.raw`set -eu
P=/etc/pki/tls/kube01; VIP=10.254.0.1; NODE=192.168.0.1
[ "$(openssl x509 -in $P/server.crt -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" = \
  "$(openssl pkey -in $P/server.key -pubout -outform DER | sha256sum)" ] || { echo key mismatch >&2; exit 1; }
openssl verify -CAfile $P/ca.crt $P/server.crt >/dev/null
test -r $P/ca.key
if openssl x509 -in $P/server.crt -noout -checkip $VIP | grep -q 'does match'; then echo already fine; exit 0; fi
T=$(umask 077; mktemp -d)
cat > $T/csr.conf <<EOF
[ req ]
prompt = no
default_md = sha256
req_extensions = req_ext
distinguished_name = dn
[ dn ]
CN = kube-apiserver
[ req_ext ]
subjectAltName = @alt_names
[ alt_names ]
DNS.1 = kubernetes
DNS.2 = kubernetes.default
DNS.3 = kubernetes.default.svc
DNS.4 = kubernetes.default.svc.cluster
DNS.5 = kubernetes.default.svc.cluster.local
DNS.6 = kube01
IP.1 = $VIP
IP.2 = $NODE
[ v3_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment,dataEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = @alt_names
EOF
openssl req -new -key $P/server.key -out $T/server.csr -config $T/csr.conf
openssl x509 -req -in $T/server.csr -CA $P/ca.crt -CAkey $P/ca.key -set_serial 0x$(openssl rand -hex 15) \
  -days 3650 -extensions v3_ext -extfile $T/csr.conf -out $T/server.crt 2>/dev/null
openssl verify -CAfile $P/ca.crt $T/server.crt >/dev/null
openssl x509 -in $T/server.crt -noout -checkip $VIP | grep -q 'does match'
cp -p $P/server.crt $P/server.crt.$(date -u +%Y%m%dT%H%M%SZ).bak
cp -p $P/server.crt $P/server.crt.new && cat $T/server.crt > $P/server.crt.new && mv -f $P/server.crt.new $P/server.crt
rm -rf $T
systemctl restart kube-apiserver.service
i=0; until openssl s_client -connect $NODE:6443 -CAfile $P/ca.crt -verify_ip $VIP -verify_return_error </dev/null >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 10 ] || { echo TLS check failed >&2; exit 1; }; sleep 2; done
kubectl delete -f /root/manifests/kube-dns/kube-dns.yml && kubectl create -f /root/manifests/kube-dns/kube-dns.yml
kubectl wait --for=condition=Ready pod -l k8s-app=kube-dns -n kube-system --timeout=180s
kubectl delete -f /root/manifests/wordpress && kubectl create -f /root/manifests/wordpress
kubectl wait --for=condition=Ready pod -l app=wordpress --timeout=180s
curl -sS -o /dev/null --max-time 5 http://$NODE:30080/
`;

async function withLab<T>(n: number, fn: (lab: LabInfo) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fleet-fix-bench-${n}-`));
  try {
    return await fn(await labUp({ dir, clusters: n }));
  } finally {
    await labDown({ dir }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function verified(lab: LabInfo): Promise<number> {
  return (await labVerify({ dir: lab.dir })).filter((v) => v.ok).length;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20);
  const forks = String(Math.min(n, 50));
  const run = (lab: LabInfo) =>
    runCli(['run', 'playbooks/fix-apiserver-sans.yml', '-i', lab.inventory, '-f', forks, '--no-retry-file'], {
      timeoutMs: 1_800_000,
    });
  const ours = await withLab(n, async (lab) => {
    const t0 = Date.now();
    const r = await run(lab);
    const ms = Date.now() - t0;
    if (r.code !== 0) console.error(r.stdout.slice(-3000), r.stderr.slice(-2000));
    const t1 = Date.now();
    const again = await run(lab);
    if (again.code !== 0) console.error('second run:', again.stdout.slice(-3000), again.stderr.slice(-2000));
    return { ms, secondMs: Date.now() - t1, code: r.code, secondCode: again.code, ok: await verified(lab) };
  });
  const base = await withLab(n, async (lab) => {
    const t0 = Date.now();
    let failed = 0;
    for (const c of lab.clusters) {
      const r = spawnSync('ssh', ['-F', lab.sshConfig, `kube01.${c.name}`, 'sh -s'], {
        input: FIX_SH,
        encoding: 'utf8',
      });
      if (r.status !== 0) {
        failed++;
        console.error(
          `baseline ${c.name}: exit ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`,
        );
      }
    }
    return { ms: Date.now() - t0, failed, ok: await verified(lab) };
  });
  const s = (ms: number) => (ms / 1000).toFixed(1) + 's';
  console.log(
    `clusters=${n} remediate(-f ${forks})=${s(ours.ms)} exit=${ours.code} verified=${ours.ok}/${n} ` +
      `second-run=${s(ours.secondMs)} exit=${ours.secondCode} | ssh loop=${s(base.ms)} failed=${base.failed} ` +
      `verified=${base.ok}/${n} | ratio loop/remediate=${(base.ms / ours.ms).toFixed(2)}x`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
