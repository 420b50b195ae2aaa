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

test.run();
