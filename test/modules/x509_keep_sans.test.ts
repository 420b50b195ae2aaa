/**
 * x509_reissue / x509_sans with `keep_sans` and `stale_cidrs`: a certificate's other names (a load
 * balancer's DNS name, an address outside the migrated ranges) survive a real re-issue with openssl;
 * `keep_sans: none` drops them; the second plan is "ok". Real openssl on temp files.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import reissue from '../../src/modules/x509_reissue';
import x509Sans from '../../src/modules/x509_sans';
import { parseCertificate } from '../../src/x509/cert';
import { localContext, makePki, OLD_SANS, reissueArgs, runModule, type Pki } from '../x509/fake-context';

let pki: Pki;
test.before.each(() => {
  pki = makePki();
  // the scenario's certificate, plus what clients outside the cluster use
  pki.issue(`${OLD_SANS},DNS:api.example.com,IP:203.0.113.7`);
});
test.after.each(() => pki.cleanup());

const f = (n: string) => path.join(pki.dir, n);
const OLD_RANGES = ['172.16.0.0/24', '192.168.0.0/24'];
const args = (extra: Record<string, unknown> = {}) => reissueArgs(pki, extra);
const sansArgs = (extra: Record<string, unknown> = {}) => {
  const { cert, key: _k, ca_cert: _c, ca_key: _ck, csr_template: _t, ...rest } = args(extra);
  return { ...rest, path: cert };
};
const current = () => parseCertificate(readFileSync(f('server.crt'), 'utf8'));

test('default (keep_sans dns): the describe line names what is kept; the DNS name survives a real re-issue; second plan ok', async () => {
  const check = await runModule(reissue, localContext({ check: true }), args());
  assert.is(
    check.changes[0]!.describe,
    'SAN +IP:10.254.0.1 -IP:172.16.0.1 -IP:203.0.113.7 (kept DNS:api.example.com; key reused, CA kube01-ca)',
  );
  const r = await runModule(reissue, localContext(), args());
  assert.ok(r.applied);
  const c = current();
  assert.ok(c.sans.dns.includes('api.example.com'));
  assert.ok(c.sans.dns.includes('kubernetes.default.svc.cluster.local'));
  assert.equal(c.sans.ip, ['10.254.0.1', '192.168.0.1']);
  const again = await runModule(reissue, localContext(), args());
  assert.is(again.changes.length, 0);
  assert.equal(again.result.missing, []);
  assert.equal(again.result.kept, ['DNS:api.example.com']);
  const s = await runModule(x509Sans, localContext(), sansArgs());
  assert.is(s.result.covered, true);
  assert.equal(s.result.kept, ['DNS:api.example.com']);
  assert.equal(s.result.stale, []);
});

test('stale_cidrs: only the old-range IP is dropped, the outside IP and the DNS name are kept, with reasons in the preview', async () => {
  const a = args({ stale_cidrs: OLD_RANGES });
  const check = await runModule(reissue, localContext({ check: true }), a);
  const ch = check.changes[0]!;
  assert.is(
    ch.describe,
    'SAN +IP:10.254.0.1 -IP:172.16.0.1 (kept IP:203.0.113.7, DNS:api.example.com; key reused, CA kube01-ca)',
  );
  assert.match(ch.diff!.after, /^# -IP:172\.16\.0\.1 {2}inside stale_cidrs 172\.16\.0\.0\/24$/m);
  assert.match(ch.diff!.after, /^# =IP:203\.0\.113\.7 {2}outside stale_cidrs .*, kept$/m);
  assert.match(ch.diff!.after, /^# =DNS:api\.example\.com {2}a DNS name, not wanted, kept/m);
  // x509_sans: the same rules, one function for both modules
  const s = await runModule(x509Sans, localContext(), sansArgs({ stale_cidrs: OLD_RANGES }));
  assert.equal(s.result.missing, ['IP:10.254.0.1']);
  assert.equal(s.result.stale, ['IP:172.16.0.1']);
  assert.equal(s.result.kept, ['IP:203.0.113.7', 'DNS:api.example.com']);
  assert.is(s.result.summary, 'SAN +IP:10.254.0.1 -IP:172.16.0.1 (kept IP:203.0.113.7, DNS:api.example.com)');
  // the real re-issue; 192.168.0.1 sits in an old range but is the new node address: wanted wins
  const r = await runModule(reissue, localContext(), a);
  assert.ok(r.applied);
  const c = current();
  assert.equal(c.sans.ip, ['10.254.0.1', '192.168.0.1', '203.0.113.7']);
  assert.ok(c.sans.dns.includes('api.example.com'));
  assert.is((await runModule(reissue, localContext(), a)).changes.length, 0);
});

test('keep_sans none: exactly the wanted set; the DNS name is dropped and shown as a removal', async () => {
  const a = args({ keep_sans: 'none', stale_cidrs: OLD_RANGES });
  const check = await runModule(reissue, localContext({ check: true }), a);
  assert.is(
    check.changes[0]!.describe,
    'SAN +IP:10.254.0.1 -IP:172.16.0.1 -IP:203.0.113.7 -DNS:api.example.com (key reused, CA kube01-ca)',
  );
  const r = await runModule(reissue, localContext(), a);
  assert.ok(r.applied);
  const c = current();
  assert.not.ok(c.sans.dns.includes('api.example.com'));
  assert.equal(c.sans.ip, ['10.254.0.1', '192.168.0.1']);
  assert.is((await runModule(reissue, localContext(), a)).changes.length, 0);
});

test('keep_sans all: only adds', async () => {
  const r = await runModule(reissue, localContext(), args({ keep_sans: 'all' }));
  assert.match(
    r.changes[0]!.describe,
    /^SAN \+IP:10\.254\.0\.1 \(kept IP:172\.16\.0\.1, IP:203\.0\.113\.7, /,
  );
  assert.equal(current().sans.ip, ['10.254.0.1', '192.168.0.1', '172.16.0.1', '203.0.113.7']);
});

test('a kept DNS SAN that cannot go into csr.conf is refused, nothing changed; keep_sans none fixes it', async () => {
  pki.issue(`${OLD_SANS},DNS:api!example.com`);
  const before = readFileSync(f('server.crt'), 'utf8');
  try {
    await runModule(reissue, localContext({ check: true }), args());
    assert.unreachable('expected a refusal');
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.match((e as Error).message, /carries the SAN DNS:"api!example\.com".*nothing was changed/);
    assert.match((e as ModuleError).hint ?? '', /keep_sans: none/);
  }
  assert.is(readFileSync(f('server.crt'), 'utf8'), before);
  assert.ok((await runModule(reissue, localContext(), args({ keep_sans: 'none' }))).applied);
});

test('bad args: keep_sans outside the enum, a stale_cidrs typo', async () => {
  assert.throws(() => reissue.args.parse(args({ keep_sans: 'some' })));
  try {
    await runModule(
      reissue,
      localContext({ check: true }),
      args({ stale_cidrs: '172.16.0.0/24, 192.168.0' }),
    );
    assert.unreachable('expected a refusal');
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.is((e as Error).message, 'stale_cidrs: "192.168.0" is not a CIDR');
  }
});

test.run();
