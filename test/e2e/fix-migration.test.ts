/**
 * The whole migration end to end on real labs (network + mount namespaces, real sshd, openssl s_server
 * apiserver and etcd, component stand-ins that connect over TLS): the diagnosis finds exactly the planted
 * leftovers (none on a healthy cluster), changes no byte and names the right fix in its report;
 * fix-migration --check changes nothing; the real run makes `lab verify` pass on every fixable cluster and
 * leaves the refused one byte-identical; a second run changes nothing; a kubelet that does not come back
 * with the new --cluster-dns is rolled back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labDown, labStatus, labUp, labVerify, type LabFault, type LabInfo } from '../../src/lab';
import { runCli, type CliResult } from '../helpers/cli';
import { allChecksums, checksums } from '../helpers/lab-checksums';
import { holderPid, inClusterSh } from '../faults/lab-cluster';

const root = mkdtempSync(path.join(tmpdir(), 'remediate-mig-'));
const fleetDir = path.join(root, 'fleet');
const rollbackDir = path.join(root, 'rollback');
const report = path.join(root, 'report');
let fleet: LabInfo;
let rollback: LabInfo;

/** The diagnosis's finding id for each planted lab fault. */
const FINDING: Partial<Record<LabFault, string>> = {
  sans: 'apiserver-sans',
  'svc-clusterip': 'kubernetes-svc',
  'dns-svc-ip': 'dns-service',
  'cluster-dns': 'cluster-dns',
  kubeconfig: 'kubeconfig',
  'etcd-sans': 'etcd',
  flags: 'flags',
};
const FIX: Record<string, string> = {
  'apiserver-sans': 'playbooks/fix-apiserver-sans.yml',
  'kubernetes-svc': 'playbooks/fix-apiserver-sans.yml',
  'dns-service': 'playbooks/fix-dns-service.yml',
  'cluster-dns': 'playbooks/fix-cluster-dns.yml',
  kubeconfig: 'playbooks/fix-kubeconfig.yml',
  etcd: 'playbooks/fix-etcd.yml',
  flags: 'playbooks/fix-component-flags.yml',
};

const host = (cluster: string) => `kube01.${cluster}`;
const has = (out: string, re: RegExp) => assert.ok(re.test(out), `expected ${re} in:\n${out}`);

function recap(out: string): Record<string, { changed: number; failed: number; unreachable: number }> {
  const r: Record<string, { changed: number; failed: number; unreachable: number }> = {};
  const re = /^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
  for (const m of out.matchAll(re)) r[m[1]!] = { changed: +m[2]!, unreachable: +m[3]!, failed: +m[4]! };
  return r;
}

function run(lab: LabInfo, playbook: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['run', `playbooks/${playbook}.yml`, '-i', lab.inventory, '--no-retry-file', ...extra], {
    timeoutMs: 300_000,
  });
}

test.before(async () => {
  try {
    [fleet, rollback] = await Promise.all([
      labUp({
        dir: fleetDir,
        clusters: 5,
        faults: 'migrated-all=1,healthy=1,key-mismatch=1,cluster-dns=1,etcd-sans=1',
      }),
      labUp({ dir: rollbackDir, clusters: 2, faults: 'bad-kubelet=1,etcd-sans=1' }),
    ]);
  } catch (e) {
    await teardown();
    throw e;
  }
});

async function teardown(): Promise<void> {
  await Promise.allSettled([labDown({ dir: fleetDir }), labDown({ dir: rollbackDir })]);
  rmSync(root, { recursive: true, force: true });
}
test.after(teardown);

let original: Record<string, Record<string, string>>;
const byName = (name: string) => fleet.clusters.find((c) => c.name === name)!;
const fixable = () => fleet.clusters.filter((c) => !c.faults.includes('key-mismatch')).map((c) => c.name);

test('lab: status shows every planted class, only there', async () => {
  for (const s of await labStatus({ dir: fleetDir })) {
    const built = byName(s.name).faults;
    assert.equal([...s.faults].sort(), [...built].sort(), `${s.name}: ${s.faults} vs built ${built}`);
  }
});

test('diagnosis: exactly the planted leftovers, evidence and fix per finding, no byte changed', async () => {
  original = allChecksums(fleet);
  for (const c of fleet.clusters) assert.ok(Object.keys(original[c.name]!).length > 20, 'files checksummed');
  const check = await run(fleet, 'diagnose-migration', '--check', '-e', `report=${report}`);
  assert.is(check.code, 0, check.stdout + check.stderr);
  const r = await run(fleet, 'diagnose-migration', '-e', `report=${report}`);
  const out = r.stdout + r.stderr;
  assert.is(r.code, 0, out);
  assert.equal(allChecksums(fleet), original, 'the diagnosis changed a file on a master');
  for (const [h, c] of Object.entries(recap(out)))
    if (h !== 'localhost') assert.is(c.changed, 0, `${h} changed`);
  const rep = JSON.parse(readFileSync(report + '.json', 'utf8')) as {
    clusters: number;
    findings: { host: string; id: string; title: string; evidence: string; fix: string }[];
  };
  assert.is(rep.clusters, fleet.clusters.length);
  for (const c of fleet.clusters) {
    const want = [...new Set(c.faults.map((f) => FINDING[f]).filter(Boolean))].sort();
    const got = [...new Set(rep.findings.filter((f) => f.host === host(c.name)).map((f) => f.id))].sort();
    assert.equal(got, want, `${c.name} (${c.faults}): findings ${got}`);
  }
  for (const f of rep.findings) {
    assert.is(f.fix, FIX[f.id], `${f.id} names ${f.fix}`);
    assert.ok(f.evidence.length > 10, `${f.id} has evidence`);
  }
  const all = rep.findings.filter((f) => f.host === host('c001'));
  const ev = (id: string) => all.filter((f) => f.id === id).map((f) => f.evidence);
  assert.equal(ev('kubeconfig').filter((e) => / server: /.test(e)).length, 5, 'five kubeconfigs');
  // what runs counts too: the components a stale kubeconfig (or etcd's old URLs) keeps down
  assert.equal(
    ev('kubeconfig')
      .filter((e) => e.startsWith('systemctl is-active'))
      .sort(),
    ['kube-controller-manager', 'kube-proxy', 'kube-scheduler', 'kubelet'].map(
      (u) => `systemctl is-active ${u}.service: failed`,
    ),
  );
  assert.ok(ev('etcd').includes('systemctl is-active etcd.service: failed'), ev('etcd').join('\n'));
  assert.match(ev('cluster-dns')[0]!, /10-cluster-dns\.conf:3:.*--cluster-dns=192\.168\.0\.10/);
  assert.match(ev('dns-service')[0]!, /kube-dns\.yml:\d+:\s+clusterIP: 192\.168\.0\.10/);
  has(
    out,
    /"2 clusters: kubelet --cluster-dns 192\.168\.0\.10 \(old range\); fix: playbooks\/fix-cluster-dns\.yml"/,
  );
  has(out, /"1 clusters: no leftovers found",\n\s+"0 clusters not diagnosed"/);
  const md = readFileSync(report + '.md', 'utf8');
  assert.match(md, /\| 2 \| etcd certificate lacks 192\.168\.0\.1 .*\| `playbooks\/fix-etcd\.yml` \|/);
});

test('fix-migration --check: the plan per cluster, nothing changes', async () => {
  const r = await run(fleet, 'fix-migration', '--check', '-e', `report=${report}`);
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out); // key-mismatch is refused
  has(
    out,
    /changed: \[kube01\.c001\] => \(item=\/etc\/systemd\/system\/kubelet\.service\.d\/10-cluster-dns\.conf\)/,
  );
  has(out, /changed: \[kube01\.c001\]\n\s+~ restart etcd\.service/);
  has(out, /kube01\.c003\]: FAILED! => \{.*"msg": "refused \(key-mismatch\)/);
  const rc = recap(out);
  assert.is(rc[host('c002')]!.changed, 0, 'healthy cluster: no change planned');
  assert.equal(allChecksums(fleet), original, '--check changed a file');
});

test('fix-migration: every fixable cluster verifies end to end, the refused one is byte-identical', async () => {
  const r = await run(fleet, 'fix-migration', '-e', `report=${report}`);
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out);
  const verify = Object.fromEntries((await labVerify({ dir: fleetDir })).map((v) => [v.cluster, v]));
  const rc = recap(out);
  for (const c of fixable()) {
    assert.ok(verify[c]!.ok, `${c}: ${verify[c]!.detail}\n${out}`);
    assert.is(rc[host(c)]!.failed, 0, `${c} failed`);
  }
  assert.is(rc[host('c003')]!.failed, 1);
  assert.equal(checksums(fleet, 'c003'), original['c003'], 'refused cluster changed');
  assert.equal(checksums(fleet, 'c002'), original['c002'], 'healthy cluster changed');
});

test('second run: changed=0 on every master', async () => {
  const r = await run(fleet, 'fix-migration', '-e', `report=${report}`);
  const rc = recap(r.stdout);
  for (const c of fleet.clusters) assert.is(rc[host(c.name)]!.changed, 0, `${c.name}\n${r.stdout}`);
});

test('a run killed between the edit and the restart converges: the running flag decides', async () => {
  // c004 (cluster-dns) is fixed; put the old resolver back into the running kubelet, then the new file
  // back on disk without a restart: what an interrupted run leaves
  const dropIn = '/etc/systemd/system/kubelet.service.d/10-cluster-dns.conf';
  const script = `set -e
cp -p ${dropIn} /root/new.conf
sed -i 's/--cluster-dns=10.254.0.10/--cluster-dns=192.168.0.10/' ${dropIn}
systemctl restart kubelet.service
cp -p /root/new.conf ${dropIn} && rm /root/new.conf`;
  const r0 = spawnSync('ssh', ['-F', fleet.sshConfig, '-o', 'BatchMode=yes', host('c004'), 'sh -s'], {
    input: script,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r0.status, 0, r0.stderr);
  const [before] = await labStatus({ dir: fleetDir }).then((all) => all.filter((s) => s.name === 'c004'));
  assert.ok(before!.faults.includes('cluster-dns'), 'the running kubelet has the old flag');
  const r = await run(fleet, 'fix-cluster-dns', '--limit', host('c004'));
  const out = r.stdout + r.stderr;
  assert.is(r.code, 0, out);
  assert.not.match(
    out,
    /Set --cluster-dns.*\n(changed|ok): \[kube01\.c004\] => \(item/,
    'the file needed no edit',
  );
  has(out, /changed: \[kube01\.c004\]\n\s+~ restart kubelet\.service/);
  const [v] = await labVerify({ dir: fleetDir, cluster: 'c004' });
  assert.ok(v!.ok, v!.detail);
});

test('rollback: a kubelet that does not come back with the new --cluster-dns gets the old drop-in back', async () => {
  const c = rollback.clusters.find((x) => x.faults.includes('bad-kubelet'))!.name;
  const dropIn = path.join(
    rollback.dir,
    'clusters',
    c,
    'etc/systemd/system/kubelet.service.d/10-cluster-dns.conf',
  );
  const before = readFileSync(dropIn);
  const r = await run(rollback, 'fix-cluster-dns', '--limit', host(c));
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out);
  has(
    out,
    /FAILED! => \{.*"msg": "rolled back: the kubelet did not come back with --cluster-dns=10\.254\.0\.10/,
  );
  assert.ok(readFileSync(dropIn).equals(before), 'the drop-in is back, byte for byte');
  const s = (await labStatus({ dir: rollbackDir })).find((x) => x.name === c);
  assert.ok(s!.faults.includes('cluster-dns'), 'the kubelet still runs with the old flag');
  assert.not.ok(s!.faults.includes('kubeconfig'), 'every component runs again (the kubelet came back)');
});

test('rollback: etcd that cannot bind the new address gets its unit back as it was, both URL edits undone', async () => {
  const c = rollback.clusters.find((x) => x.faults.includes('etcd-sans'))!.name;
  const unit = path.join(rollback.dir, 'clusters', c, 'etc/systemd/system/etcd.service');
  const before = readFileSync(unit);
  // something else holds 192.168.0.1:2379: etcd on the new URLs exits like etcd ("bind: ...")
  const pid = holderPid(rollbackDir, c);
  const squat = (
    await inClusterSh(
      pid,
      'setsid socat TCP-LISTEN:2379,bind=192.168.0.1,reuseaddr,fork EXEC:/bin/true </dev/null >/dev/null 2>&1 & echo $!',
    )
  ).trim();
  try {
    const r = await run(rollback, 'fix-etcd', '--limit', host(c));
    const out = r.stdout + r.stderr;
    assert.is(r.code, 2, out);
    has(out, /rolled back: after the restart etcd did not verify for 192\.168\.0\.1/);
    // two edits of one file in the same second: each backup its own name, the oldest (the original) restored
    const edits = [...out.matchAll(/cp -p '?(\/etc\/systemd\/system\/etcd\.service\.\d+\.[^' ]+~)/g)].map(
      (m) => m[1],
    );
    assert.is(new Set(edits).size, 2, out);
    assert.ok(
      readFileSync(unit).equals(before),
      `etcd.service is back, byte for byte:\n${readFileSync(unit, 'utf8')}`,
    );
  } finally {
    await inClusterSh(pid, `kill ${squat}`);
  }
});

test.run();
