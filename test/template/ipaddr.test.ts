import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Templar } from '../../src/template/index';

const t = new Templar();
const vars = {
  svc_cidr: '10.254.0.0/24',
  node: '192.168.10.21/24',
  v6: '2001:db8::1/64',
  addrs: ['10.0.0.1', 'x', '::1'],
};

const cases: [string, unknown][] = [
  // the headline: the kubernetes service IP is the first address of the service CIDR
  ["'10.254.0.0/24' | ansible.utils.ipaddr('1') | ansible.utils.ipaddr('address')", '10.254.0.1'],
  ["svc_cidr | ipaddr('1')", '10.254.0.1/24'],
  ["svc_cidr | ipaddr('-1')", '10.254.0.255/24'],
  ['svc_cidr | ipaddr(1)', '10.254.0.1/24'],
  ["svc_cidr | ipaddr('network')", '10.254.0.0'],
  ["node | ipaddr('network')", '192.168.10.0'],
  ["node | ipaddr('netmask')", '255.255.255.0'],
  ["node | ipaddr('prefix')", 24],
  ["node | ipaddr('address')", '192.168.10.21'],
  ["node | ipaddr('host')", '192.168.10.21/24'],
  ["'192.168.10.21' | ipaddr('host')", '192.168.10.21/32'],
  ["svc_cidr | ipaddr('host')", false],
  ["svc_cidr | ipaddr('address')", false],
  ["node | ipaddr('size')", 256],
  ["node | ipaddr('subnet')", '192.168.10.0/24'],
  ["svc_cidr | ipaddr('net')", '10.254.0.0/24'],
  ["node | ipaddr('broadcast')", '192.168.10.255'],
  ["'10.0.0.1' | ipaddr", '10.0.0.1'],
  ["'10.0.0.300' | ipaddr", false],
  ["'not an ip' | ipaddr", false],
  ["'10.0.0.1/33' | ipaddr", false],
  ["'10.0.0.1' | ipaddr('10.0.0.0/8')", '10.0.0.1'],
  ["'11.0.0.1' | ipaddr('10.0.0.0/8')", false],
  ["'10.0.0.1/255.255.0.0' | ipaddr('prefix')", 16],
  ["v6 | ipaddr('address')", '2001:db8::1'],
  ["v6 | ipaddr('network')", '2001:db8::'],
  ["v6 | ipaddr('prefix')", 64],
  ["'2001:db8::/64' | ipaddr('1') | ipaddr('address')", '2001:db8::1'],
  ['addrs | ipaddr', ['10.0.0.1', '::1']],
  ['addrs | ipv4', ['10.0.0.1']],
  ['addrs | ipv6', ['::1']],
  ["'10.0.0.1' | ipv6", false],
  ["'10.0.0.1' | ansible.utils.ipv4", '10.0.0.1'],
  ["'10.0.0.1' | ipmath(5)", '10.0.0.6'],
  ["'10.0.1.0/24' | ipmath(-1)", '10.0.0.255'],
  ["'10.0.0.0/24' | ansible.utils.ipmath(10)", '10.0.0.10'],
  ["'10.0.0.0/24' | nthhost(10)", '10.0.0.10'],
  ["'10.0.0.0/30' | nthhost(9)", false],
  ["'10.0.0.0/8' | network_in_network('10.1.0.0/16')", true],
  ["'10.0.0.0/8' | ansible.utils.network_in_network('11.0.0.0/16')", false],
  ["'10.0.0.0/8' | network_in_network('10.2.3.4')", true],
  ["'10.0.0.0/24' | ipsubnet(26)", '4'],
  ["'10.0.0.0/24' | ansible.utils.ipsubnet(26, 2)", '10.0.0.64/26'],
  ["'10.0.0.5' | ipaddr('private')", '10.0.0.5'],
  ["'8.8.8.8' | ipaddr('private')", false],
  ["'8.8.8.8' | ipaddr('public')", '8.8.8.8'],
];
for (const [expr, want] of cases) {
  test(`{{ ${expr} }}`, () => assert.equal(t.evaluate(expr, vars), want));
}

test('ipaddr works as a validity test in conditions', () => {
  assert.is(t.condition("'10.0.0.1' | ipaddr", vars), true);
  assert.is(t.condition("'10.0.0' | ipaddr", vars), false);
});

test('inside a larger string', () => {
  assert.is(t.render("IP.2 = {{ svc_cidr | ipaddr('1') | ipaddr('address') }}", vars), 'IP.2 = 10.254.0.1');
});

test.run();
