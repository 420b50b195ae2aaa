// x509_info, x509_key_match and x509_sans: the read-only certificate modules, on a real openssl PKI.
import { execSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import x509Info from '../../src/modules/x509_info';
import keyMatch from '../../src/modules/x509_key_match';
import x509Sans from '../../src/modules/x509_sans';
import { localContext, makePki, runModule, type Pki } from '../x509/fake-context';

let pki: Pki;
test.before.each(() => {
  pki = makePki();
});
test.after.each(() => pki.cleanup());
const p = (f: string) => path.join(pki.dir, f);

test('x509_info: fields, CA signature, never a change; the private key is never read', async () => {
  const ctx = localContext();
  const r = await runModule(x509Info, ctx, { path: p('server.crt'), ca_path: p('ca.crt') });
  assert.is(r.changes.length, 0);
  assert.is(r.result.common_name, 'kube-apiserver');
  assert.is(r.result.ca_common_name, 'kube01-ca');
  assert.is(r.result.signed_by_ca, true);
  assert.is(r.result.valid_now, true);
  assert.equal((r.result.sans as { ip: string[] }).ip, ['172.16.0.1', '192.168.0.1']);
  assert.ok(ctx.commands.every((c) => !c.includes('.key')));
  const missing = await runModule(x509Info, localContext(), { path: p('nope.crt'), missing_ok: true });
  assert.is(missing.result.exists, false);
  try {
    await runModule(x509Info, localContext(), { path: p('nope.crt') });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModuleError);
  }
});

test('x509_key_match: only hashes travel; mismatch reported or failed on request', async () => {
  const r = await runModule(keyMatch, localContext(), { cert: p('server.crt'), key: p('server.key') });
  assert.is(r.result.match, true);
  assert.match(String(r.result.key_public_key_sha256), /^[0-9a-f]{64}$/);
  execSync('openssl genpkey -algorithm RSA -out server.key 2>/dev/null', { cwd: pki.dir });
  const ctx = localContext();
  const bad = await runModule(keyMatch, ctx, { cert: p('server.crt'), key: p('server.key') });
  assert.is(bad.result.match, false);
  // the only command touching the key derives its public key on the target
  assert.ok(
    ctx.commands.filter((c) => c.includes('server.key')).every((c) => /openssl pkey .* -pubout/.test(c)),
  );
  try {
    await runModule(keyMatch, localContext(), {
      cert: p('server.crt'),
      key: p('server.key'),
      fail_on_mismatch: true,
    });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /does not match/);
  }
  rmSync(p('server.key'));
  try {
    await runModule(keyMatch, localContext(), { cert: p('server.crt'), key: p('server.key') });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /does not exist/);
  }
});

test('x509_key_match: an encrypted key is unreadable, no passphrase prompt', async () => {
  execSync('openssl pkey -in server.key -aes256 -passout pass:pw -out enc.key', { cwd: pki.dir });
  try {
    await runModule(keyMatch, localContext(), { cert: p('server.crt'), key: p('enc.key') });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /cannot be read by openssl/);
  }
});

test('x509_sans: wanted set, missing and stale against the current cert', async () => {
  const r = await runModule(x509Sans, localContext(), {
    service_cidr: '10.254.0.0/24',
    node_ip: '192.168.0.1',
    hostname: ['kube01'],
    path: p('server.crt'),
  });
  assert.is(r.result.service_ip, '10.254.0.1');
  assert.equal(r.result.missing, ['IP:10.254.0.1']);
  assert.equal(r.result.stale, ['IP:172.16.0.1']);
  assert.is(r.result.covered, false);
  assert.is(r.result.summary, 'SAN +IP:10.254.0.1 -IP:172.16.0.1');
  const noCert = await runModule(x509Sans, localContext(), {
    service_cidr: '10.96.0.0/12',
    node_ip: ['10.0.0.5'],
  });
  assert.equal((noCert.result.wanted as { ip: string[] }).ip, ['10.96.0.1', '10.0.0.5']);
});

test.run();
