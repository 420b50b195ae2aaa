/**
 * The headline job end to end, on real labs (network + mount namespaces, real sshd, openssl s_server
 * apiservers): `--check` changes nothing and lists diffs/refusals; a real run fixes `sans` clusters,
 * refuses `key-mismatch` / `no-ca-key` leaving their files byte-identical, leaves `healthy` alone and
 * reports `unreachable`, also repairs a stale `default/kubernetes` clusterIP (`svc-clusterip`); a second
 * run changes nothing; a `bad-restart` cluster is rolled back.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labDown, labUp, labVerify, type LabFault, type LabInfo } from '../../src/lab';
import { runCli, type CliResult } from '../helpers/cli';
import { checksums } from '../helpers/lab-checksums';

const PLAYBOOK = 'playbooks/fix-apiserver-sans.yml';
const root = mkdtempSync(path.join(tmpdir(), 'remediate-e2e-'));
const fleetDir = path.join(root, 'fleet');
const rollbackDir = path.join(root, 'rollback');
let fleet: LabInfo;
let rollback: LabInfo;

/** `checksums`, and it must include the server certificate the fix replaces. */
function checksumsWithCert(lab: LabInfo, cluster: string): Record<string, string> {
  const out = checksums(lab, cluster);
  const crt = path.join(lab.dir, 'clusters', cluster, 'etc/pki/tls/kube01/server.crt');
  assert.ok(
    out[crt],
    `${cluster}: the checksums include its server certificate (${Object.keys(out).length} files)`,
  );
  return out;
}
const allChecksums = (lab: LabInfo) =>
  Object.fromEntries(lab.clusters.map((c) => [c.name, checksumsWithCert(lab, c.name)]));

const host = (cluster: string) => `kube01.${cluster}`;
function clustersWith(lab: LabInfo, f: LabFault): string[] {
  return lab.clusters.filter((c) => c.faults.includes(f)).map((c) => c.name);
}
const fixable = () =>
  fleet.clusters
    .filter((c) => c.faults.every((f) => f === 'sans' || f === 'svc-clusterip'))
    .map((c) => c.name);

interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}
function recap(out: string): Record<string, Recap> {
  const r: Record<string, Recap> = {};
  const re = /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
  for (const m of out.matchAll(re))
    r[m[1]!] = { ok: +m[2]!, changed: +m[3]!, unreachable: +m[4]!, failed: +m[5]! };
  return r;
}

/** Like assert.match, but shows the whole CLI output when it fails. */
function has(out: string, re: RegExp): void {
  assert.ok(re.test(out), `expected ${re} in:\n${out}`);
}

function run(lab: LabInfo, ...extra: string[]): Promise<CliResult> {
  return runCli(['run', PLAYBOOK, '-i', lab.inventory, '--no-retry-file', ...extra], { timeoutMs: 240_000 });
}

test.before(async () => {
  // both at once: concurrent labs must not disturb each other (nor anything else on the host)
  try {
    [fleet, rollback] = await Promise.all([
      labUp({
        dir: fleetDir,
        clusters: 7,
        faults: 'sans=2,svc-clusterip=1,healthy=1,key-mismatch=1,no-ca-key=1,unreachable=1',
      }),
      labUp({ dir: rollbackDir, clusters: 1, faults: 'bad-restart=1' }),
    ]);
  } catch (e) {
    await teardown(); // a half-built lab must not outlive the test
    throw e;
  }
});

async function teardown(): Promise<void> {
  await Promise.allSettled([labDown({ dir: fleetDir }), labDown({ dir: rollbackDir })]);
  rmSync(root, { recursive: true, force: true });
}

test.after(teardown);

let original: Record<string, Record<string, string>>;

test('--check: SAN diff per host, refusals with reasons, unreachable listed; nothing changes on any cluster', async () => {
  original = allChecksums(fleet);
  const r = await run(fleet, '--check');
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out);
  for (const c of fixable()) {
    has(
      out,
      new RegExp(
        `changed: \\[${host(c)}\\]\\n\\s+~ SAN \\+IP:10\\.254\\.0\\.1 -IP:172\\.16\\.0\\.1 \\(key reused, CA `,
      ),
    );
  }
  // the restart goes through the systemd module, so --check shows it as the change a run would make
  for (const c of fixable())
    has(out, new RegExp(`changed: \\[${host(c)}\\]\\n\\s+~ restart kube-apiserver\\.service`));
  for (const c of [...clustersWith(fleet, 'healthy'), ...clustersWith(fleet, 'key-mismatch')])
    assert.not.match(out, new RegExp(`changed: \\[${host(c)}\\]\\n\\s+~ restart`));
  for (const c of clustersWith(fleet, 'svc-clusterip'))
    has(out, new RegExp(`changed: \\[${host(c)}\\]\\n\\s+~ kubectl delete service/kubernetes`));
  for (const c of clustersWith(fleet, 'key-mismatch'))
    has(out, new RegExp(`${host(c)}\\]: FAILED! => \\{.*"msg": "refused \\(key-mismatch\\)`));
  for (const c of clustersWith(fleet, 'no-ca-key'))
    has(out, new RegExp(`${host(c)}\\]: FAILED! => \\{.*"msg": "refused \\(ca-key-missing\\)`));
  const rc = recap(out);
  for (const c of clustersWith(fleet, 'unreachable')) assert.is(rc[host(c)]!.unreachable, 1);
  for (const c of clustersWith(fleet, 'healthy'))
    assert.equal([rc[host(c)]!.changed, rc[host(c)]!.failed], [0, 0]);
  assert.equal(allChecksums(fleet), original);
});

test('run: sans clusters fixed and verified, refused ones byte-identical, healthy untouched, exit 2', async () => {
  const r = await run(fleet);
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out);
  const rc = recap(out);
  const verify = Object.fromEntries((await labVerify({ dir: fleetDir })).map((v) => [v.cluster, v]));
  for (const c of fixable()) {
    assert.ok(verify[c]!.ok, `${c}: ${verify[c]!.detail}\n${out}`);
    // the same checksums see the fix: so "byte-identical" below compares what the master really has
    assert.not.equal(checksumsWithCert(fleet, c), original[c], `${c}: the fix shows in its files`);
    assert.equal([rc[host(c)]!.failed, rc[host(c)]!.unreachable], [0, 0]);
    assert.ok(rc[host(c)]!.changed > 0);
    const pki = path.join(fleet.dir, 'clusters', c, 'etc/pki/tls/kube01');
    assert.ok(
      readdirSync(pki).some((f) => /^server\.crt\.\d{8}T\d{6}Z\.bak$/.test(f)),
      'backup kept',
    );
  }
  for (const c of [...clustersWith(fleet, 'key-mismatch'), ...clustersWith(fleet, 'no-ca-key')]) {
    assert.is(rc[host(c)]!.failed, 1);
    assert.equal(checksumsWithCert(fleet, c), original[c], `${c} files changed`);
  }
  for (const c of clustersWith(fleet, 'healthy')) {
    assert.equal([rc[host(c)]!.changed, rc[host(c)]!.failed], [0, 0]);
    assert.equal(checksumsWithCert(fleet, c), original[c]);
    assert.ok(verify[c]!.ok);
  }
  for (const c of clustersWith(fleet, 'unreachable')) assert.is(rc[host(c)]!.unreachable, 1);
});

test('second run: changed=0 on every host', async () => {
  const r = await run(fleet);
  const rc = recap(r.stdout);
  assert.is(Object.keys(rc).length, fleet.clusters.length, r.stdout);
  for (const [h, c] of Object.entries(rc)) assert.is(c.changed, 0, `${h} changed on the second run`);
});

test('rollback: the apiserver does not verify after the restart -> old cert restored, host failed', async () => {
  const c = rollback.clusters[0]!.name;
  const crt = path.join(rollback.dir, 'clusters', c, 'etc/pki/tls/kube01/server.crt');
  const before = readFileSync(crt);
  const r = await run(rollback, '-e', 'tls_retries=1', '-e', 'tls_delay=1');
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out);
  has(out, /changed: \[kube01\.c001\]\n\s+~ SAN \+IP:10\.254\.0\.1/);
  assert.match(
    out,
    /FAILED! => \{.*"msg": "rolled back: after the restart the apiserver did not verify for 10\.254\.0\.1 .*IP address mismatch.*the previous certificate was restored from \/etc\/pki\/tls\/kube01\/server\.crt\.\d{8}T\d{6}Z\.bak/,
  );
  assert.is(recap(out)[host(c)]!.failed, 1);
  // restarted with the new certificate, then again with the old one (both by the systemd module)
  assert.is(out.match(/^\s+~ restart kube-apiserver\.service$/gm)?.length, 2, out);
  assert.ok(readFileSync(crt).equals(before), 'the original certificate is back, byte for byte');
});

test.run();
