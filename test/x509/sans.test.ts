import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import {
  describeSanDiff,
  diffSans,
  firstServiceIp,
  normalizeIp,
  sameSans,
  wantedApiserverSans,
} from '../../src/x509/sans';

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

test.run();
