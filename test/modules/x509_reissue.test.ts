import { execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import reissue, { certKey, installCommand, X509_TMP_ROOT } from '../../src/modules/x509_reissue';
import { parseCertificate } from '../../src/x509/cert';
import { GOOD_SANS, localContext, makePki, reissueArgs, runModule, type Pki } from '../x509/fake-context';

let pki: Pki;
test.before.each(() => {
  pki = makePki();
  chmodSync(path.join(pki.dir, 'server.crt'), 0o640);
});
test.after.each(() => pki.cleanup());

const args = () => reissueArgs(pki);

function checksums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    out[f] =
      createHash('sha256')
        .update(readFileSync(path.join(dir, f)))
        .digest('hex') + statSync(path.join(dir, f)).mode;
  }
  return out;
}

test('check mode: the semantic SAN diff, nothing touched', async () => {
  const before = checksums(pki.dir);
  const r = await runModule(reissue, localContext({ check: true }), args());
  assert.is(r.changes.length, 1);
  assert.is(r.changes[0]!.describe, 'SAN +IP:10.254.0.1 -IP:172.16.0.1 (key reused, CA kube01-ca)');
  assert.match(r.changes[0]!.diff!.after, /IP:10\.254\.0\.1/);
  assert.not.ok(r.applied);
  assert.equal(checksums(pki.dir), before);
});

test('run: new cert with exactly the wanted SANs, same key, same CA, mode kept; backup kept; second run no change', async () => {
  const old = readFileSync(path.join(pki.dir, 'server.crt'), 'utf8');
  const ctx = localContext();
  const r = await runModule(reissue, ctx, args());
  assert.ok(r.applied);
  const now = readFileSync(path.join(pki.dir, 'server.crt'), 'utf8');
  const c = parseCertificate(now);
  const o = parseCertificate(old);
  assert.equal(c.sans.ip, ['10.254.0.1', '192.168.0.1']);
  assert.ok(c.sans.dns.includes('kubernetes.default.svc.cluster.local') && c.sans.dns.includes('kube01'));
  assert.is(c.publicKeySha256, o.publicKeySha256);
  assert.is(c.issuerCN, 'kube01-ca');
  assert.is(c.subjectCN, 'kube-apiserver');
  assert.ok(c.keyUsage.includes('keyEncipherment') && c.extendedKeyUsage.includes('serverAuth'));
  assert.is(statSync(path.join(pki.dir, 'server.crt')).mode & 0o777, 0o640);
  const backup = String(r.result.backup);
  assert.match(backup, /server\.crt\.\d{8}T\d{6}Z\.bak$/);
  assert.is(readFileSync(backup, 'utf8'), old);
  assert.not.ok(readdirSync(pki.dir).some((f) => f.includes('remediate-new') || f.endsWith('.srl')));
  // the private temp dir is gone
  const tmp = ctx.commands.find((c) => c.startsWith('rm -rf '))!.slice(7);
  assert.throws(() => statSync(tmp));
  // second run: facts were invalidated, the new cert covers everything
  const again = await runModule(reissue, localContext(), args());
  assert.is(again.changes.length, 0);
  assert.equal(again.result.missing, []);
});

async function refusal(setup: () => void, reason: RegExp) {
  setup();
  const before = checksums(pki.dir);
  for (const check of [true, false]) {
    try {
      await runModule(reissue, localContext({ check }), args());
      assert.unreachable('should refuse');
    } catch (e) {
      assert.instance(e, ModuleError);
      assert.match((e as Error).message, reason);
      assert.match((e as Error).message, /nothing was changed/);
      assert.ok((e as ModuleError).hint);
    }
  }
  assert.equal(checksums(pki.dir), before);
}

test('refuses a key that does not match the cert (check and run), files byte-identical', () =>
  refusal(() => {
    execSync('openssl genpkey -algorithm RSA -out server.key 2>/dev/null', { cwd: pki.dir });
  }, /key-mismatch.*does not match/));

test('refuses when the CA key is missing', () =>
  refusal(() => rmSync(path.join(pki.dir, 'ca.key')), /ca-key-missing/));

test('refuses a cert that does not verify against the CA', () =>
  refusal(() => {
    const other = makePki();
    writeFileSync(path.join(pki.dir, 'ca.crt'), readFileSync(path.join(other.dir, 'ca.crt')));
    writeFileSync(path.join(pki.dir, 'ca.key'), readFileSync(path.join(other.dir, 'ca.key')));
    other.cleanup();
  }, /ca-verify/));

test('a healthy cert is left alone even without the CA key', async () => {
  pki.issue(GOOD_SANS);
  rmSync(path.join(pki.dir, 'ca.key'));
  const before = checksums(pki.dir);
  const r = await runModule(reissue, localContext(), args());
  assert.is(r.changes.length, 0);
  assert.equal(checksums(pki.dir), before);
});

test('extra_sans and an expiring cert are reasons to re-issue', async () => {
  pki.issue(GOOD_SANS, { days: 5 });
  const r = await runModule(reissue, localContext({ check: true }), { ...args(), renew_before_days: 30 });
  assert.match(r.changes[0]!.describe, /^renew: expires .* \(key reused, CA kube01-ca\)$/);
  const x = await runModule(reissue, localContext({ check: true }), {
    ...args(),
    extra_sans: ['api.example.com'],
  });
  assert.is(x.changes[0]!.describe, 'SAN +DNS:api.example.com (key reused, CA kube01-ca)');
});

const leftovers = (cert: string) =>
  readdirSync(X509_TMP_ROOT).filter((f) => f.startsWith(`remediate-x509.${certKey('localhost', cert)}.`));

test('temp dir: named by the plan (the steps shown are those run), 0700, removed after success', async () => {
  const a = args();
  const chk = await runModule(reissue, localContext({ check: true }), a);
  const shown = chk.changes[0]!.steps.map((s) => (s.kind === 'exec' ? s.cmd.display : s.kind));
  assert.not.ok(shown.some((d) => d.includes('$TMP')));
  const mkdir = chk.changes[0]!.steps.find((s) => s.id === 'mkdir');
  assert.ok(mkdir && mkdir.kind === 'exec');
  const tmp = /mkdir -m 0700 -- (\S+)$/.exec(mkdir.cmd.display)![1]!;
  execSync(mkdir.cmd.script, { shell: '/bin/sh' });
  assert.is(statSync(tmp).mode & 0o777, 0o700);
  rmSync(tmp, { recursive: true });
  await runModule(reissue, localContext(), a);
  assert.equal(leftovers(String(a.cert)), []);
});

test('a failing re-issue leaves the PKI dir as it was and no temp dir', async () => {
  const tpl = path.join(pki.dir, 'nosans.conf.j2');
  // a csr.conf without the SANs: the new certificate fails the declared check, nothing is installed
  writeFileSync(
    tpl,
    readFileSync(path.resolve(__dirname, '../../templates/csr.conf.j2'), 'utf8').replace(
      /subjectAltName = @alt_names/g,
      '',
    ),
  );
  const before = checksums(pki.dir);
  const a: Record<string, unknown> = { ...args(), csr_template: tpl };
  await runModule(reissue, localContext(), a).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /failed verification/),
  );
  assert.equal(checksums(pki.dir), before);
  assert.equal(leftovers(String(a.cert)), []);
});

test('leftover temp dirs of killed runs are removed by the next run', async () => {
  const a = args();
  const mine = path.join(X509_TMP_ROOT, `remediate-x509.${certKey('localhost', String(a.cert))}.killed`);
  const old = path.join(X509_TMP_ROOT, 'remediate-x509.AbC123');
  const fresh = path.join(X509_TMP_ROOT, `remediate-x509.other${process.pid}`);
  for (const d of [mine, old, fresh]) mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(mine, 'csr.conf'), 'x');
  const hoursAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(old, hoursAgo, hoursAgo);
  try {
    await runModule(reissue, localContext(), a);
    assert.not.ok(existsSync(mine), 'this certificate’s leftover');
    assert.not.ok(existsSync(old), 'anyone’s leftover older than an hour');
    assert.ok(existsSync(fresh), 'a recent dir of another run is left alone');
  } finally {
    for (const d of [mine, old, fresh]) rmSync(d, { recursive: true, force: true });
  }
});

test('install on a full disk: the certificate intact, no 0-byte backup or staged file left', () => {
  const cert = path.join(pki.dir, 'server.crt');
  const old = readFileSync(cert);
  const fresh = path.join(pki.dir, 'new.crt');
  writeFileSync(fresh, old.toString() + '\n'.repeat(2048));
  const backup = path.join(pki.dir, 'server.crt.20260101T000000Z.bak');
  const cmd = installCommand(cert, backup, fresh);
  // ulimit -f: writes past 2 KiB fail with EFBIG, as on a full disk (SIGXFSZ ignored so the write errors)
  const r = spawnSync('/bin/sh', ['-c', `trap '' XFSZ; ulimit -f 4; ${cmd.script}`], { encoding: 'utf8' });
  assert.is.not(r.status, 0);
  assert.equal(readFileSync(cert), old);
  assert.not.ok(existsSync(backup), 'no backup of a certificate that was not replaced');
  assert.not.ok(existsSync(`${cert}.remediate-new`), 'no staged file');
  rmSync(fresh);
  // and when it works: backup = old, cert = new
  const ok = path.join(pki.dir, 'ok.crt');
  writeFileSync(ok, 'new\n');
  assert.is(spawnSync('/bin/sh', ['-c', installCommand(cert, backup, ok).script]).status, 0);
  assert.equal(readFileSync(backup), old);
  assert.is(readFileSync(cert, 'utf8'), 'new\n');
  rmSync(ok);
});

test.run();
