import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { factVars, parseGatheredFacts } from '../../src/runner/gather-facts';

const out = `@@hostname
kube01
@@fqdn
kube01.lab.example
@@uname
Linux 6.1.0-18-amd64 x86_64
@@os
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
@@addr
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: eth0    inet 192.168.0.1/24 brd 192.168.0.255 scope global eth0\\       valid_lft forever
2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever
3: eth1    inet6 fd00::5/64 scope global \\       valid_lft forever
@@end
`;

test('parses hostname, OS, kernel and addresses', () => {
  const f = parseGatheredFacts(out);
  assert.is(f['hostname'], 'kube01');
  assert.is(f['fqdn'], 'kube01.lab.example');
  assert.is(f['distribution'], 'Debian');
  assert.is(f['distribution_version'], '12');
  assert.is(f['distribution_release'], 'bookworm');
  assert.is(f['os_family'], 'Debian');
  assert.is(f['kernel'], '6.1.0-18-amd64');
  assert.is(f['architecture'], 'x86_64');
  assert.equal(f['all_ipv4_addresses'], ['192.168.0.1']);
  // as Ansible: every address but the loopback's, link-local ones included
  assert.equal(f['all_ipv6_addresses'], ['fe80::1', 'fd00::5']);
  const v = factVars(f);
  assert.is(v['ansible_hostname'], 'kube01');
  assert.is((v['ansible_facts'] as Record<string, unknown>)['kernel'], '6.1.0-18-amd64');
});

test('falls back to hostname -I when ip is missing', () => {
  const f = parseGatheredFacts('@@hostname\nh\n@@addr\n@@hostnameI\n10.0.0.2 fd00::1 \n@@end\n');
  assert.equal(f['all_ipv4_addresses'], ['10.0.0.2']);
  assert.equal(f['all_ipv6_addresses'], ['fd00::1']);
});

test('interfaces, default route, mounts, processors and date as Ansible shapes them', () => {
  const f = parseGatheredFacts(
    [
      '@@link',
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '2: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc noqueue state UP\\    link/ether 02:fc:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
      '3: br-x: <BROADCAST,MULTICAST,PROMISC> mtu 1500 qdisc noop state DOWN\\    link/ether 02:aa:00:00:00:02 brd ff:ff:ff:ff:ff:ff',
      '@@addr',
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever',
      '2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever',
      '2: eth0    inet 192.0.2.9/24 brd 192.0.2.255 scope global secondary eth0\\       valid_lft forever',
      '2: eth0    inet6 fd00::2/64 scope global \\       valid_lft forever',
      '@@route4',
      '8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 ',
      '    cache ',
      '@@route6',
      '@@mounts',
      '/dev/vda / ext4 rw,relatime',
      'srv:/export /mnt/my\\040share nfs4 rw',
      '@@statfs',
      '4096 1000 250 64 16 4096 /',
      '@@cpuinfo',
      'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 0\ncpu cores\t: 4\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 0\ncpu cores\t: 4\n\nprocessor\t: 2\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 1\ncpu cores\t: 4\n\nprocessor\t: 3\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 1\ncpu cores\t: 4\n\nprocessor\t: 4\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 2\ncpu cores\t: 4\n\nprocessor\t: 5\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 2\ncpu cores\t: 4\n\nprocessor\t: 6\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 3\ncpu cores\t: 4\n\nprocessor\t: 7\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 0\nsiblings\t: 8\ncore id\t: 3\ncpu cores\t: 4\n\nprocessor\t: 8\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 0\ncpu cores\t: 4\n\nprocessor\t: 9\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 0\ncpu cores\t: 4\n\nprocessor\t: 10\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 1\ncpu cores\t: 4\n\nprocessor\t: 11\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 1\ncpu cores\t: 4\n\nprocessor\t: 12\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 2\ncpu cores\t: 4\n\nprocessor\t: 13\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 2\ncpu cores\t: 4\n\nprocessor\t: 14\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 3\ncpu cores\t: 4\n\nprocessor\t: 15\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nphysical id\t: 1\nsiblings\t: 8\ncore id\t: 3\ncpu cores\t: 4\n',
      '@@nproc',
      '16',
      '@@date',
      '2026|12|03|07|05|09|1796281509|UTC|+0000|Thursday|4|48|4|123456789',
      '@@utc',
      '2026-12-03T07:05:09|20261203T070509',
      '@@end',
    ].join('\n'),
  );
  assert.equal(f['interfaces'], ['lo', 'eth0', 'br-x']);
  assert.equal(f['eth0'], {
    device: 'eth0',
    active: true,
    promisc: false,
    type: 'ether',
    mtu: 1400,
    macaddress: '02:fc:00:00:00:01',
    ipv4: {
      address: '192.0.2.2',
      broadcast: '192.0.2.255',
      netmask: '255.255.255.0',
      network: '192.0.2.0',
      prefix: '24',
    },
    ipv4_secondaries: [
      {
        address: '192.0.2.9',
        broadcast: '192.0.2.255',
        netmask: '255.255.255.0',
        network: '192.0.2.0',
        prefix: '24',
      },
    ],
    ipv6: [{ address: 'fd00::2', prefix: '64', scope: 'global' }],
  });
  assert.equal((f['br_x'] as Record<string, unknown>)['promisc'], true, 'ansible_br_x: - becomes _');
  assert.equal(f['all_ipv4_addresses'], ['192.0.2.2', '192.0.2.9']);
  assert.equal(f['default_ipv4'], {
    interface: 'eth0',
    address: '192.0.2.2',
    gateway: '192.0.2.1',
    broadcast: '192.0.2.255',
    netmask: '255.255.255.0',
    network: '192.0.2.0',
    prefix: '24',
    alias: 'eth0',
    macaddress: '02:fc:00:00:00:01',
    mtu: 1400,
    type: 'ether',
  });
  assert.equal(f['default_ipv6'], {}, 'no IPv6 default route: {} as in Ansible');
  assert.equal(f['mounts'], [
    {
      mount: '/',
      device: '/dev/vda',
      fstype: 'ext4',
      options: 'rw,relatime',
      size_total: 4096000,
      size_available: 1024000,
      block_size: 4096,
      block_total: 1000,
      block_available: 250,
      block_used: 750,
      inode_total: 64,
      inode_available: 16,
      inode_used: 48,
    },
    { mount: '/mnt/my share', device: 'srv:/export', fstype: 'nfs4', options: 'rw' },
  ]);
  // Ansible's /proc/cpuinfo counting: 2 sockets x 4 cores x 2 threads
  assert.equal(
    [
      f['processor_count'],
      f['processor_cores'],
      f['processor_threads_per_core'],
      f['processor_vcpus'],
      f['processor_nproc'],
    ],
    [2, 4, 2, 16, 16],
  );
  const dt = f['date_time'] as Record<string, string>;
  assert.equal(
    [dt['iso8601'], dt['iso8601_micro'], dt['epoch_int'], dt['weekday'], dt['tz_offset']],
    ['2026-12-03T07:05:09Z', '2026-12-03T07:05:09.123456Z', '1796281509', 'Thursday', '+0000'],
  );
});

test.run();
