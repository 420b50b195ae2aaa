import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import { isCurrentlyValid, isSignedBy, parseCertificate, splitPem } from '../../src/x509/cert';
import { makePki, type Pki } from './fake-context';

let pki: Pki;
test.before(() => {
  pki = makePki();
});
test.after(() => pki.cleanup());

const read = (f: string) => readFileSync(path.join(pki.dir, f), 'utf8');

test('parses subject, issuer, serial, SANs, EKU of an openssl-made certificate', () => {
  const c = parseCertificate(read('server.crt'));
  assert.is(c.subjectCN, 'kube-apiserver');
  assert.is(c.issuerCN, 'kube01-ca');
  assert.is(c.serial, '1001');
  assert.equal(c.sans.ip, ['172.16.0.1', '192.168.0.1']);
  assert.ok(c.sans.dns.includes('kubernetes.default.svc.cluster.local'));
  assert.equal(c.extendedKeyUsage, ['serverAuth', 'clientAuth']);
  assert.not.ok(c.isCA);
  assert.ok(parseCertificate(read('ca.crt')).isCA);
  assert.ok(isCurrentlyValid(c, new Date()));
  assert.not.ok(isCurrentlyValid(c, new Date(), 400));
});

test('public key hash equals what openssl computes from the private key on the target', () => {
  const c = parseCertificate(read('server.crt'));
  const h = execSync('openssl pkey -in server.key -pubout -outform DER | sha256sum', {
    cwd: pki.dir,
    encoding: 'utf8',
  });
  assert.is(c.publicKeySha256, h.split(' ')[0]);
  const fp = execSync('openssl x509 -in server.crt -noout -fingerprint -sha256', {
    cwd: pki.dir,
    encoding: 'utf8',
  });
  assert.is(c.fingerprintSha256, fp.split('=')[1]!.replace(/:/g, '').trim().toLowerCase());
});

test('signature check against the right and a wrong CA', () => {
  assert.ok(isSignedBy(read('server.crt'), read('ca.crt')));
  assert.not.ok(isSignedBy(read('ca.crt'), read('server.crt')));
  const other = makePki();
  try {
    assert.not.ok(isSignedBy(read('server.crt'), readFileSync(path.join(other.dir, 'ca.crt'), 'utf8')));
  } finally {
    other.cleanup();
  }
});

test('EC certificates parse too (forge reads only RSA keys; Node fills in)', () => {
  execSync(
    'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.crt -subj /CN=ec -addext subjectAltName=IP:10.0.0.1,DNS:ec.local -days 2 2>/dev/null',
    { cwd: pki.dir },
  );
  const c = parseCertificate(read('ec.crt'));
  assert.equal(c.sans, { dns: ['ec.local'], ip: ['10.0.0.1'] });
  assert.is(c.subjectCN, 'ec');
  const h = execSync('openssl pkey -in ec.key -pubout -outform DER | sha256sum', {
    cwd: pki.dir,
    encoding: 'utf8',
  });
  assert.is(c.publicKeySha256, h.split(' ')[0]);
});

test('not a certificate: ModuleError naming the source; bundles split', () => {
  assert.throws(
    () => parseCertificate('hello', 'kube01:/x.crt'),
    (e: unknown) => e instanceof ModuleError && /kube01:\/x.crt/.test(String(e)),
  );
  assert.is(splitPem(read('server.crt') + read('ca.crt')).length, 2);
});

test.run();
