import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  endpointKey,
  parseJumpList,
  parseSshArgs,
  resolveSshEndpoint,
  splitArgs,
} from '../../src/transport/ssh-config';

const dir = mkdtempSync(join(tmpdir(), 'rm-sshcfg-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const cfg = join(dir, 'config');
writeFileSync(
  cfg,
  `Host bastion1
  HostName 10.0.0.1
  User jump
  Port 2201
  ProxyJump edge

Host edge
  HostName 192.0.2.1
  User edgeuser

Host m-*
  User admin
  IdentityFile ~/.ssh/fleet_key
  ConnectTimeout 7
  ServerAliveInterval 5
  ProxyJump bastion1
  StrictHostKeyChecking accept-new

Host m-direct
  ProxyJump none

Match host 10.9.*
  User matched
  Port 2022

Host *
  UserKnownHostsFile ${dir}/kh
`,
);

test('inventory variables win over ssh_config; ssh_config fills the rest', () => {
  const e = resolveSshEndpoint('m-1', { ansible_host: 'm-1', ansible_port: 2222 }, { sshConfigFile: cfg });
  assert.is(e.hostname, 'm-1');
  assert.is(e.port, 2222);
  assert.is(e.user, 'admin');
  assert.equal(e.identityFiles, [join(homedir(), '.ssh/fleet_key')]);
  assert.is(e.connectTimeoutMs, 7000);
  assert.is(e.keepaliveIntervalMs, 5000);
  assert.is(e.hostKeyChecking, 'accept-new');
  assert.ok(e.knownHostsFiles.includes(join(dir, 'kh')));
});

test('ProxyJump chains resolve recursively: edge then bastion1', () => {
  const e = resolveSshEndpoint('m-1', {}, { sshConfigFile: cfg });
  assert.equal(
    e.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`),
    ['edgeuser@192.0.2.1:22', 'jump@10.0.0.1:2201'],
  );
  assert.is(endpointKey(e), 'edgeuser@192.0.2.1:22>jump@10.0.0.1:2201>admin@m-1:22');
});

test('ProxyJump none disables a jump set by a broader Host block only when it comes first', () => {
  // First obtained value wins in ssh_config: m-* (bastion1) comes before m-direct.
  const e = resolveSshEndpoint('m-direct', {}, { sshConfigFile: cfg });
  assert.is(e.jumps.length, 2);
  const none = resolveSshEndpoint('x', { jump: 'none' }, { sshConfigFile: cfg });
  assert.is(none.jumps.length, 0);
});

test('Match host applies to the HostName', () => {
  const e = resolveSshEndpoint('db', { ansible_host: '10.9.1.1' }, { sshConfigFile: cfg });
  assert.is(e.user, 'matched');
  assert.is(e.port, 2022);
});

test('ansible_ssh_common_args -J and native jump list; CLI -u below inventory', () => {
  const a = resolveSshEndpoint(
    'h',
    { ansible_host: '10.1.1.1', ansible_ssh_common_args: '-J ops@b1:2200,b2' },
    { sshConfigFile: cfg, user: 'cli' },
  );
  assert.equal(
    a.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`),
    ['ops@b1:2200', `${a.jumps[1]!.user}@b2:22`],
  );
  assert.is(a.user, 'cli');
  const b = resolveSshEndpoint(
    'h',
    { ansible_user: 'inv', jump: ['b1', 'root@b2'] },
    { sshConfigFile: cfg, user: 'cli' },
  );
  assert.is(b.user, 'inv');
  assert.equal(
    b.jumps.map((j) => j.hostname),
    ['b1', 'b2'],
  );
});

test('ProxyCommand ssh -W and -o options in common args', () => {
  const o = parseSshArgs(`-o ProxyCommand="ssh -W %h:%p -q ops@bastion -p 2200" -o StrictHostKeyChecking=no`);
  assert.is(o.proxyjump, 'ops@bastion:2200');
  assert.is(o.stricthostkeychecking, 'no');
  const e = resolveSshEndpoint(
    'h',
    { ansible_ssh_common_args: '-o StrictHostKeyChecking=no' },
    { sshConfigFile: cfg },
  );
  assert.is(e.hostKeyChecking, 'off');
});

test('host key checking variables map to policies', () => {
  assert.is(
    resolveSshEndpoint('h', { ansible_ssh_host_key_checking: false }, { sshConfigFile: cfg }).hostKeyChecking,
    'off',
  );
  assert.is(
    resolveSshEndpoint('h', { ansible_host_key_checking: 'True' }, { sshConfigFile: cfg }).hostKeyChecking,
    'strict',
  );
  assert.is(resolveSshEndpoint('h', {}, { sshConfigFile: cfg }).hostKeyChecking, 'strict');
  assert.is(
    resolveSshEndpoint('h', { host_key_checking: 'accept-new' }, { sshConfigFile: cfg }).hostKeyChecking,
    'accept-new',
  );
});

test('jump specs and argument splitting', () => {
  assert.equal(parseJumpList('a@b:1,c'), [
    { user: 'a', host: 'b', port: 1 },
    { user: undefined, host: 'c', port: undefined },
  ]);
  assert.equal(parseJumpList('none'), []);
  assert.throws(() => parseJumpList('a@@'), /invalid jump host/);
  assert.equal(splitArgs(`-o "A B" 'c d' e`), ['-o', 'A B', 'c d', 'e']);
});

test('a missing -F file is a usage error', () => {
  assert.throws(
    () => resolveSshEndpoint('h', {}, { sshConfigFile: join(dir, 'nope') }),
    /ssh config file not found/,
  );
});

test('IdentityFile tokens are expanded', () => {
  const e = resolveSshEndpoint(
    'h',
    { ansible_host: 'm9', ansible_user: 'ops', ansible_ssh_private_key_file: '%d/keys/%r@%h_%%' },
    { sshConfigFile: cfg },
  );
  assert.equal(e.identityFiles, [join(homedir(), 'keys/ops@m9_%')]);
});

test('secrets from variables are kept as Secret', () => {
  const e = resolveSshEndpoint('h', { ansible_password: 'pw' }, { sshConfigFile: cfg });
  assert.is(String(e.password), '***');
  assert.is(e.password!.reveal(), 'pw');
});

test.run();
