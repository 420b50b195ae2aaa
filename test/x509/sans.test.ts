import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModuleError } from '../../src/errors';
import { parseCertificate } from '../../src/x509/cert';
import {
  describeKept,
  describeSanDiff,
  diffSans,
  firstServiceIp,
  isSanName,
  normalizeIp,
  sameSans,
  sanReasonLines,
  sanTokens,
  wantedApiserverSans,
  type SanPolicy,
} from '../../src/x509/sans';
import { makePki, OLD_SANS } from './fake-context';

const firstIps: [string, string][] = [
  ['10.254.0.0/24', '10.254.0.1'],
  ['192.168.0.0/24', '192.168.0.1'],
  ['10.96.0.0/12', '10.96.0.1'],
  ['10.96.5.7/12', '10.96.0.1'], // host bits set: still the range's first address
  ['10.0.0.255/31', '10.0.0.255'],
  ['10.0.0.9/32', '10.0.0.9'],
  ['fd00:10:96::/112', 'fd00:10:96::1'],
];
for (const [cidr, want] of firstIps) {
  test(`first service IP of ${cidr} is ${want}`, () => assert.is(firstServiceIp(cidr), want));
}

test('a bad service_cidr is a ModuleError with a hint', () => {
  assert.throws(
    () => firstServiceIp('10.254.0.0'),
    (e: unknown) => e instanceof ModuleError && /not a CIDR/.test((e as Error).message),
  );
});

test('the scenario: wanted SANs for kube01 after the migration', () => {
  const w = wantedApiserverSans({
    serviceCidr: '10.254.0.0/24',
    nodeIps: ['192.168.0.1'],
    hostnames: ['kube01'],
    clusterDomain: 'cluster.local',
    extraSans: [],
  });
  assert.equal(w.ip, ['10.254.0.1', '192.168.0.1']);
  assert.equal(w.dns, [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster',
    'kubernetes.default.svc.cluster.local',
    'kube01',
  ]);
});

test('extra_sans are sorted into IPs and names, duplicates dropped, junk refused', () => {
  const w = wantedApiserverSans({
    serviceCidr: '10.254.0.0/24',
    nodeIps: ['192.168.0.1'],
    hostnames: ['KUBE01', '192.168.0.1'],
    clusterDomain: 'corp.example.',
    extraSans: ['api.example.com', '10.254.0.1', '::ffff:203.0.113.9'],
  });
  assert.ok(w.dns.includes('kubernetes.default.svc.corp.example'));
  assert.ok(w.dns.includes('kube01'));
  assert.ok(w.dns.includes('api.example.com'));
  assert.equal(w.ip, ['10.254.0.1', '192.168.0.1', '203.0.113.9']);
  assert.throws(() =>
    wantedApiserverSans({
      serviceCidr: '10.254.0.0/24',
      nodeIps: ['x'],
      hostnames: [],
      clusterDomain: 'c',
      extraSans: [],
    }),
  );
  assert.throws(() =>
    wantedApiserverSans({
      serviceCidr: '10.254.0.0/24',
      nodeIps: [],
      hostnames: [],
      clusterDomain: 'c',
      extraSans: ['a b'],
    }),
  );
  // Host names go into csr.conf: openssl config syntax (new lines, sections, $vars) is refused.
  for (const bad of ['kube01\n[ v3_ext ]\nbasicConstraints = CA:TRUE', 'k$HOME', 'a b'])
    assert.throws(
      () =>
        wantedApiserverSans({
          serviceCidr: '10.254.0.0/24',
          nodeIps: [],
          hostnames: [bad],
          clusterDomain: 'c',
          extraSans: [],
        }),
      /hostname: .* is not a DNS name/,
    );
  const u = wantedApiserverSans({
    serviceCidr: '10.254.0.0/24',
    nodeIps: [],
    hostnames: ['master_1'],
    clusterDomain: 'c',
    extraSans: [],
  });
  assert.ok(u.dns.includes('master_1'));
});

test('diff: missing and stale, IPs compared canonically, names case-free', () => {
  const d = diffSans(
    { ip: ['172.16.0.1', '192.168.0.1'], dns: ['Kubernetes', 'kube01'] },
    { ip: ['10.254.0.1', '192.168.0.1'], dns: ['kubernetes', 'kube01'] },
  );
  assert.equal(d.missing, ['IP:10.254.0.1']);
  assert.equal(d.stale, ['IP:172.16.0.1']);
  assert.not.ok(d.covered);
  assert.is(describeSanDiff(d), 'SAN +IP:10.254.0.1 -IP:172.16.0.1');
  assert.ok(diffSans({ ip: ['fd00::0:1'], dns: [] }, { ip: ['fd00::1'], dns: [] }).covered);
  assert.ok(sameSans({ ip: ['a::1'].map(normalizeIp), dns: ['x'] }, { ip: ['a:0::1'], dns: ['X'] }));
  assert.is(describeSanDiff(diffSans({ ip: [], dns: ['a'] }, { ip: [], dns: ['a'] })), 'SAN unchanged');
});

// ---- keep_sans / stale_cidrs: which unwanted SANs a re-issue drops, which it keeps, and why ----

/** After the migration: old node IP, the new node IP (once the old Service VIP), an old Service IP, a
 * load balancer's name and an outside address clients use. */
const CURRENT = {
  ip: ['172.16.0.1', '192.168.0.1', '192.168.0.53', '203.0.113.7'],
  dns: ['kubernetes', 'kube01', 'API.example.com'],
};
const WANTED = { ip: ['10.254.0.1', '192.168.0.1'], dns: ['kubernetes', 'kube01'] };
const OLD_RANGES = ['172.16.0.0/24', '192.168.0.0/24'];

const keepCases: Array<{
  name: string;
  policy: SanPolicy;
  stale: string[];
  kept: string[];
  reason: Record<string, RegExp>;
}> = [
  {
    name: 'none: exactly the wanted set (stale_cidrs ignored)',
    policy: { keep: 'none', staleCidrs: OLD_RANGES },
    stale: ['IP:172.16.0.1', 'IP:192.168.0.53', 'IP:203.0.113.7', 'DNS:api.example.com'],
    kept: [],
    reason: { 'DNS:api.example.com': /keep_sans: none/ },
  },
  {
    name: 'dns (default): DNS names kept, every unwanted IP dropped',
    policy: { keep: 'dns', staleCidrs: [] },
    stale: ['IP:172.16.0.1', 'IP:192.168.0.53', 'IP:203.0.113.7'],
    kept: ['DNS:api.example.com'],
    reason: { 'DNS:api.example.com': /DNS name.*kept/, 'IP:203.0.113.7': /no stale_cidrs/ },
  },
  {
    name: 'dns + stale_cidrs: only IPs inside the old ranges dropped; the new node IP inside one is wanted and wins',
    policy: { keep: 'dns', staleCidrs: OLD_RANGES },
    stale: ['IP:172.16.0.1', 'IP:192.168.0.53'],
    kept: ['IP:203.0.113.7', 'DNS:api.example.com'],
    reason: {
      'IP:172.16.0.1': /^inside stale_cidrs 172\.16\.0\.0\/24$/,
      'IP:192.168.0.53': /^inside stale_cidrs 192\.168\.0\.0\/24$/,
      'IP:203.0.113.7': /^outside stale_cidrs 172\.16\.0\.0\/24, 192\.168\.0\.0\/24, kept$/,
    },
  },
  {
    name: 'all: nothing dropped, only added',
    policy: { keep: 'all', staleCidrs: OLD_RANGES },
    stale: [],
    kept: ['IP:172.16.0.1', 'IP:192.168.0.53', 'IP:203.0.113.7', 'DNS:api.example.com'],
    reason: { 'IP:172.16.0.1': /keep_sans: all/ },
  },
];

for (const c of keepCases) {
  test(`keep_sans ${c.name}`, () => {
    const d = diffSans(CURRENT, WANTED, c.policy);
    assert.equal(d.missing, ['IP:10.254.0.1']);
    assert.equal(d.stale, c.stale);
    assert.equal(d.kept, c.kept);
    assert.not.ok(d.covered);
    assert.equal(Object.keys(d.reasons).sort(), [...c.stale, ...c.kept].sort());
    assert.not.ok('IP:192.168.0.1' in d.reasons, 'a wanted SAN is neither stale nor kept');
    for (const [t, re] of Object.entries(c.reason)) assert.match(d.reasons[t]!, re, t);
    // the re-issued certificate: wanted + kept, nothing else
    assert.equal(sanTokens(d.target).sort(), [...sanTokens(WANTED), ...c.kept].sort());
    // idempotent: a certificate carrying that target is covered, keeps the same extras, drops nothing
    const again = diffSans(d.target, WANTED, c.policy);
    assert.ok(again.covered);
    assert.equal(again.missing, []);
    assert.equal(again.stale, []);
    assert.equal(again.kept, c.kept);
    // the describe pieces
    assert.is(describeSanDiff(d), `SAN +IP:10.254.0.1 ${c.stale.map((t) => `-${t}`).join(' ')}`.trim());
    assert.is(describeKept(d), c.kept.length ? `kept ${c.kept.join(', ')}` : '');
    assert.is(sanReasonLines(d).length, c.stale.length + c.kept.length);
  });
}

test('stale_cidrs: IPv6 ranges and IPv4 addresses side by side; mapped IPv4 matches its range', () => {
  const d = diffSans(
    { ip: ['fd00:1::5', '2001:db8::9', '172.16.0.9'], dns: [] },
    { ip: ['10.254.0.1'], dns: [] },
    { keep: 'dns', staleCidrs: ['fd00:1::/64', '::ffff:172.16.0.0/120'] },
  );
  assert.equal(d.stale, ['IP:fd00:1::5', 'IP:172.16.0.9']);
  assert.equal(d.kept, ['IP:2001:db8::9']);
  const v4 = diffSans(
    { ip: ['172.16.0.9'], dns: [] },
    { ip: [], dns: [] },
    { keep: 'dns', staleCidrs: ['172.16.0.0/16'] },
  );
  assert.equal(v4.stale, ['IP:172.16.0.9']);
});

test('a stale_cidrs entry that is not a CIDR is a ModuleError naming it, with a hint', () => {
  for (const bad of ['172.16.0.0', '172.16.0.0/33', 'old-nodes'])
    assert.throws(
      () => diffSans(CURRENT, WANTED, { keep: 'dns', staleCidrs: ['192.168.0.0/24', bad] }),
      (e: unknown) =>
        e instanceof ModuleError &&
        e.message === `stale_cidrs: ${JSON.stringify(bad)} is not a CIDR` &&
        /172\.16\.0\.0\/24/.test(e.hint ?? ''),
    );
});

test('a real openssl certificate: the scenario cert plus a load balancer name, dns policy with the old ranges', () => {
  const pki = makePki();
  try {
    pki.issue(`${OLD_SANS},DNS:api.example.com,IP:203.0.113.7`);
    const cert = parseCertificate(readFileSync(path.join(pki.dir, 'server.crt'), 'utf8'));
    const wanted = wantedApiserverSans({
      serviceCidr: '10.254.0.0/24',
      nodeIps: ['192.168.0.1'],
      hostnames: ['kube01'],
      clusterDomain: 'cluster.local',
      extraSans: [],
    });
    const d = diffSans(cert.sans, wanted, { keep: 'dns', staleCidrs: OLD_RANGES });
    assert.equal(d.missing, ['IP:10.254.0.1']);
    assert.equal(d.stale, ['IP:172.16.0.1']);
    assert.equal(d.kept, ['IP:203.0.113.7', 'DNS:api.example.com']);
  } finally {
    pki.cleanup();
  }
});

test('isSanName: names and host names yes, openssl config syntax no', () => {
  for (const ok of ['api.example.com', '*.example.com', 'master_1', 'kube01']) assert.ok(isSanName(ok), ok);
  for (const bad of ['a b', 'a$b', 'a\nb', 'a#b', 'a"b', '']) assert.not.ok(isSanName(bad), bad);
});

test.run();
