/**
 * x509_reissue / x509_sans on the PKIs real clusters have besides the scenario's: IPv6 addresses, EC
 * keys, an intermediate CA (alone or as a chain file), certificates carrying extra names, an expired CA;
 * and one args → wanted-SANs mapping for both modules. Real openssl on temp files.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as path from 'node:path';
import forge from 'node-forge';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import tlsCheck from '../../src/modules/tls_check';
import reissue from '../../src/modules/x509_reissue';
import x509Sans, { wantedSansOf } from '../../src/modules/x509_sans';
import { parseCertificate } from '../../src/x509/cert';
import { GOOD_SANS, localContext, makePki, reissueArgs, runModule, type Pki } from '../x509/fake-context';

let pki: Pki;
test.before.each(() => {
  pki = makePki();
});
test.after.each(() => pki.cleanup());

const openssl = (...a: string[]) =>
  execFileSync('openssl', a, { cwd: pki.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const f = (n: string) => path.join(pki.dir, n);

const args = (extra: Record<string, unknown> = {}) => reissueArgs(pki, extra);

async function refusedWith(a: Record<string, unknown>, re: RegExp): Promise<void> {
  try {
    await runModule(reissue, localContext(), a);
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('expected a refusal');
}

test('one mapping from args to wanted SANs serves x509_sans and x509_reissue', async () => {
  const a = args({
    node_ip: ['192.168.0.1', 'fd00::0:1'],
    extra_sans: 'api.example.com, 203.0.113.7',
    cluster_domain: 'corp.local',
  });
  const wanted = wantedSansOf(x509Sans.args.parse(a));
  assert.equal(wanted.ip, ['10.254.0.1', '192.168.0.1', 'fd00::1', '203.0.113.7']);
  assert.ok(
    wanted.dns.includes('kubernetes.default.svc.corp.local') && wanted.dns.includes('api.example.com'),
  );
  const s = await runModule(x509Sans, localContext(), a);
  assert.equal(s.result.wanted, wanted);
  const r = await runModule(reissue, localContext({ check: true }), a);
  assert.equal(r.result.wanted, [...wanted.ip.map((i) => `IP:${i}`), ...wanted.dns.map((d) => `DNS:${d}`)]);
});

test('IPv6: node address and service range; the new cert carries them, a second run changes nothing', async () => {
  const a = args({ service_cidr: 'fd00:10:96::/112', node_ip: ['192.168.0.1', '2001:db8::10'] });
  const r = await runModule(reissue, localContext(), a);
  assert.ok(r.applied);
  const c = parseCertificate(readFileSync(f('server.crt'), 'utf8'));
  assert.equal(c.sans.ip, ['fd00:10:96::1', '192.168.0.1', '2001:db8::10']);
  const again = await runModule(reissue, localContext(), a);
  assert.is(again.changes.length, 0);
});

test('EC key and EC CA: re-issued with the same key', async () => {
  openssl(
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.crt', '-subj', '/CN=kube01-ca', '-days', '3650',
  ); // prettier-ignore
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'server.key');
  pki.issue('DNS:kubernetes,IP:172.16.0.1');
  const before = parseCertificate(readFileSync(f('server.crt'), 'utf8'));
  const r = await runModule(reissue, localContext(), args());
  assert.ok(r.applied);
  const after = parseCertificate(readFileSync(f('server.crt'), 'utf8'));
  assert.is(after.publicKeySha256, before.publicKeySha256);
  assert.ok(after.sans.ip.includes('10.254.0.1'));
});

/** root CA → intermediate CA (signs the serving cert); ca.crt = the intermediate, chain.crt = both. */
function intermediatePki(): void {
  openssl(
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-subj',
    '/CN=root-ca', '-days', '3650',
  ); // prettier-ignore
  writeFileSync(f('int.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl('req', '-new', '-key', 'ca.key', '-subj', '/CN=kube01-intermediate', '-out', 'int.csr');
  openssl(
    'x509', '-req', '-in', 'int.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-set_serial', '0x77',
    '-days', '3650', '-extfile', 'int.cnf', '-out', 'ca.crt',
  ); // prettier-ignore
  writeFileSync(f('chain.crt'), readFileSync(f('ca.crt'), 'utf8') + readFileSync(f('root.crt'), 'utf8'));
  pki.issue('DNS:kubernetes,IP:172.16.0.1');
}

test('an intermediate CA, alone or as a chain file, signs and verifies the new cert', async () => {
  intermediatePki();
  for (const ca of ['ca.crt', 'chain.crt']) {
    pki.issue('DNS:kubernetes,IP:172.16.0.1');
    const r = await runModule(reissue, localContext(), args({ ca_cert: f(ca) }));
    assert.ok(r.applied, ca);
    const c = parseCertificate(readFileSync(f('server.crt'), 'utf8'));
    assert.ok(c.issuer.includes('kube01-intermediate'), ca);
    assert.ok(c.sans.ip.includes('10.254.0.1'), ca);
  }
  // A server with the new cert verifies against the intermediate alone, as Kubernetes clients see it.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', 'server.crt', '-key', 'server.key', '-quiet'], { cwd: pki.dir, stdio: 'ignore' }); // prettier-ignore
  try {
    const check = {
      host: '127.0.0.1',
      port,
      ca_file: f('ca.crt'),
      verify_ip: '10.254.0.1',
      retries: 30,
      delay: 0.1,
    };
    const r = await runModule(tlsCheck, localContext(), check);
    assert.is(r.result.verified, true, String(r.result.error));
  } finally {
    server.kill();
  }
});

test('extra names already in the cert: kept when in extra_sans, a visible removal with keep_sans none', async () => {
  pki.issue(`${GOOD_SANS},DNS:api.example.com,IP:203.0.113.7`);
  const extra = { extra_sans: ['api.example.com', '203.0.113.7'] };
  assert.is((await runModule(reissue, localContext({ check: true }), args(extra))).changes.length, 0);
  // Covered already: extra names alone are no reason to re-issue.
  assert.is((await runModule(reissue, localContext({ check: true }), args())).changes.length, 0);
  pki.issue('DNS:kubernetes,DNS:api.example.com,IP:172.16.0.1,IP:203.0.113.7');
  const dropped = await runModule(reissue, localContext({ check: true }), args({ keep_sans: 'none' }));
  assert.match(dropped.changes[0]!.describe, /-IP:203\.0\.113\.7 .*-DNS:api\.example\.com /);
  const r = await runModule(reissue, localContext(), args(extra));
  assert.ok(r.applied);
  const c = parseCertificate(readFileSync(f('server.crt'), 'utf8'));
  assert.ok(c.sans.dns.includes('api.example.com') && c.sans.ip.includes('203.0.113.7'));
  assert.not.ok(c.sans.ip.includes('172.16.0.1'));
});

test('an expired CA: refused with what to do, nothing changed', async () => {
  // Same key and name as the scenario's CA, so server.crt still verifies by signature.
  const key = forge.pki.privateKeyFromPem(readFileSync(f('ca.key'), 'utf8'));
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date('2015-01-01T00:00:00Z');
  ca.validity.notAfter = new Date('2016-01-01T00:00:00Z');
  ca.setSubject([{ name: 'commonName', value: 'kube01-ca' }]);
  ca.setIssuer([{ name: 'commonName', value: 'kube01-ca' }]);
  ca.setExtensions([{ name: 'basicConstraints', cA: true }]);
  ca.sign(key, forge.md.sha256.create());
  writeFileSync(f('ca.crt'), forge.pki.certificateToPem(ca));
  const before = readFileSync(f('server.crt'), 'utf8');
  await refusedWith(args(), /refused \(ca-expired\): CA certificate .*ca\.crt is not valid now/);
  assert.is(readFileSync(f('server.crt'), 'utf8'), before);
});

test('paths with spaces, quotes and $() stay data in every command (facts, sign, verify, install)', async () => {
  const hostile = path.join(pki.dir, `pki dir 'q' "d" $(touch PWNED) \`touch PWNED2\``);
  mkdirSync(hostile);
  for (const n of ['ca.crt', 'ca.key', 'server.crt', 'server.key']) copyFileSync(f(n), path.join(hostile, n));
  const h = (n: string) => path.join(hostile, n);
  const a = args({ cert: h('server.crt'), key: h('server.key'), ca_cert: h('ca.crt'), ca_key: h('ca.key') });
  const ctx = localContext();
  const r = await runModule(reissue, ctx, { ...a, backup_dir: hostile });
  assert.ok(r.applied);
  assert.ok(parseCertificate(readFileSync(h('server.crt'), 'utf8')).sans.ip.includes('10.254.0.1'));
  assert.ok(existsSync(String(r.result.backup)), 'backup written in the hostile dir');
  for (const dir of [pki.dir, hostile, process.cwd()])
    for (const bad of ['PWNED', 'PWNED2']) assert.not.ok(existsSync(path.join(dir, bad)), `${bad} in ${dir}`);
  // The private keys were never read: no command printed them whole.
  assert.not.ok(
    ctx.commands.some((c) => /cat [^|;]*\.key/.test(c)),
    ctx.commands.join('\n'),
  );
});

test('a subject that would be openssl config syntax in csr.conf is refused, nothing changed', async () => {
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:172.16.0.1\n');
  const subj = '/CN=kube-apiserver/O=evil$HOME';
  openssl('req', '-new', '-key', 'server.key', '-subj', subj, '-out', 'server.csr');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-days', '30', '-extfile', 'ext.cnf', '-out', 'server.crt'); // prettier-ignore
  const before = readFileSync(f('server.crt'), 'utf8');
  await refusedWith(
    args(),
    /subject O of .*server\.crt \("evil\$HOME"\) holds characters that cannot go into csr\.conf/,
  );
  assert.is(readFileSync(f('server.crt'), 'utf8'), before);
});

test.run();
