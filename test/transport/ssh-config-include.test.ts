/**
 * ssh_config `Include` and the system-wide /etc/ssh/ssh_config, checked against OpenSSH itself: for each
 * host, `ssh -G -F main.conf HOST` (the installed client, which connects nowhere with -G) gives the
 * expected user, hostname, port, identity file and connect timeout, and resolveSshEndpoint must agree.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secret } from '../../src/command';
import { checkSshArgs, loadSshConfig, resolveSshEndpoint } from '../../src/transport/ssh-config';

const dir = mkdtempSync(join(tmpdir(), 'rm-sshinc-'));
const home = join(dir, 'home');
const savedHome = process.env.HOME;
test.after(() => {
  process.env.HOME = savedHome;
  rmSync(dir, { recursive: true, force: true });
});
const inc = join(dir, 'inc');
mkdirSync(inc);
mkdirSync(join(home, '.ssh'), { recursive: true });
writeFileSync(join(inc, 'top-a.conf'), 'Host a1\n  User ua\n  Port 2001\n');
writeFileSync(join(inc, 'top-b.conf'), 'Host a*\n  User ub\n  HostName %h.example\n');
writeFileSync(join(inc, 'web.conf'), 'Port 2200\n');
writeFileSync(join(inc, 'db-hosts.conf'), 'Host db1\n  HostName 10.1.1.1\nHost *\n  ConnectTimeout 9\n');
writeFileSync(join(inc, 'm.conf'), 'Match originalhost m* user deploy\n  Port 2400\n');
const main = join(dir, 'main.conf');
writeFileSync(
  main,
  `# a glob at top level, an Include inside Host blocks (with and without Host lines of its own), a missing file
Include ${inc}/top-*.conf
Host web*
  Include ${inc}/web.conf ${inc}/missing.conf
  User webuser
Host db*
  Include ${inc}/db-hosts.conf
  Port 2300
Host m*
  User=deploy
  Include=${inc}/m.conf
Host *
  User fallback
  IdentityFile ${dir}/id_default
`,
);

/** What OpenSSH computes for a host: the keys the endpoint has. */
function sshG(file: string, host: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', file, host], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const o: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [k, ...v] = line.split(' ');
    if (k && !(k in o)) o[k] = v.join(' ');
  }
  return o;
}

for (const host of ['a1', 'a2', 'web1', 'db1', 'db2', 'm1', 'other']) {
  test(`Include: ${host} resolves as ssh -G says`, () => {
    const want = sshG(main, host);
    const e = resolveSshEndpoint(host, {}, { sshConfigFile: main });
    assert.equal(
      {
        user: e.user,
        hostname: e.hostname,
        port: String(e.port),
        identityfile: e.identityFiles[0],
        connecttimeout: e.connectTimeoutMs === 10_000 ? 'none' : String(e.connectTimeoutMs / 1000),
      },
      {
        user: want.user,
        hostname: want.hostname,
        port: want.port,
        identityfile: want.identityfile,
        connecttimeout: want.connecttimeout,
      },
    );
  });
}

test('Include: the cases above are not vacuous (OpenSSH took values from included files)', () => {
  assert.is(sshG(main, 'a1').port, '2001');
  assert.is(sshG(main, 'a2').hostname, 'a2.example');
  assert.is(sshG(main, 'web1').port, '2200');
  assert.is(sshG(main, 'db1').hostname, '10.1.1.1');
  assert.is(sshG(main, 'db2').connecttimeout, '9');
  assert.is(sshG(main, 'other').connecttimeout, 'none');
  assert.is(sshG(main, 'm1').port, '2400');
});

test('Include: a relative path is relative to ~/.ssh for a user config (-F too)', () => {
  process.env.HOME = home;
  try {
    writeFileSync(join(home, '.ssh', 'rel.conf'), 'Host r1\n  Port 2500\n');
    const f = join(dir, 'rel-main.conf');
    writeFileSync(f, 'Include rel.conf\n');
    assert.is(resolveSshEndpoint('r1', {}, { sshConfigFile: f }).port, 2500);
  } finally {
    process.env.HOME = savedHome;
  }
});

test('Include: an edited included file is read again', () => {
  const f = join(dir, 'edit-main.conf');
  const part = join(inc, 'edit.conf');
  writeFileSync(part, 'Host e1\n  Port 2601\n');
  writeFileSync(f, `Include ${inc}/edit.conf\n`);
  assert.is(resolveSshEndpoint('e1', {}, { sshConfigFile: f }).port, 2601);
  writeFileSync(part, 'Host e1\n  Port 26020\n');
  assert.is(resolveSshEndpoint('e1', {}, { sshConfigFile: f }).port, 26020);
  // a new file in a globbed directory is seen too
  const g = join(dir, 'glob-main.conf');
  mkdirSync(join(dir, 'd'));
  writeFileSync(g, `Include ${dir}/d/*.conf\n`);
  assert.is(resolveSshEndpoint('e2', {}, { sshConfigFile: g }).port, 22);
  writeFileSync(join(dir, 'd', 'x.conf'), 'Host e2\n  Port 2603\n');
  assert.is(resolveSshEndpoint('e2', {}, { sshConfigFile: g }).port, 2603);
});

test('Include: a file that includes itself is a located error, not a hang', () => {
  const f = join(dir, 'loop.conf');
  writeFileSync(f, `Host *\n  Port 2222\nInclude ${f}\n`);
  assert.throws(() => loadSshConfig(f), /loop\.conf:3: Include nested too deep/);
});

test('system ssh_config: read after ~/.ssh/config, first value wins; not read with -F', () => {
  process.env.HOME = home;
  try {
    const sys = join(dir, 'system_ssh_config');
    const sysInc = join(dir, 'system.d');
    mkdirSync(sysInc);
    writeFileSync(join(sysInc, '10-port.conf'), 'Host s2\n  Port 2702\n');
    writeFileSync(sys, `Include ${sysInc}/*.conf\nHost *\n  User sysuser\n  Port 2700\n  ConnectTimeout 4\n`);
    writeFileSync(join(home, '.ssh', 'config'), 'Host s1\n  User me\n  Port 2701\n');
    const s1 = resolveSshEndpoint('s1', {}, { systemSshConfigFile: sys });
    assert.equal([s1.user, s1.port, s1.connectTimeoutMs], ['me', 2701, 4000]);
    const s2 = resolveSshEndpoint('s2', {}, { systemSshConfigFile: sys });
    assert.equal([s2.user, s2.port], ['sysuser', 2702]);
    // -F FILE: only that file (OpenSSH ignores the system-wide file then)
    const only = join(dir, 'only.conf');
    writeFileSync(only, 'Host s1\n  Port 2799\n');
    const f = resolveSshEndpoint('s1', {}, { sshConfigFile: only, systemSshConfigFile: sys });
    assert.equal([f.port, f.connectTimeoutMs], [2799, 10_000]);
  } finally {
    process.env.HOME = savedHome;
  }
});

test('--ssh-common-args / --ssh-extra-args are defaults under the inventory variables; -k is a default password', () => {
  const d = {
    sshConfigFile: main,
    sshCommonArgs: '-o Port=2801 -o ServerAliveInterval=7 -o ServerAliveCountMax=4',
    sshExtraArgs: '-l cliuser',
    password: secret('pw'),
  };
  const e = resolveSshEndpoint('other', {}, d);
  assert.equal([e.port, e.user, e.keepaliveIntervalMs, e.keepaliveCountMax], [2801, 'cliuser', 7000, 4]);
  assert.is(e.password?.reveal(), 'pw');
  const v = resolveSshEndpoint(
    'other',
    { ansible_ssh_common_args: '-o Port=2802', ansible_ssh_extra_args: '', ansible_password: 'own' },
    d,
  );
  assert.equal([v.port, v.user, v.password?.reveal()], [2802, 'cliuser', 'own']);
});

test('checkSshArgs: honoured options pass, connection sharing is ignored, the rest is refused', () => {
  assert.equal(checkSshArgs('-o ProxyJump=b1 -J b2 -p 22 -o UserKnownHostsFile=/x -oConnectTimeout=3'), {
    problems: [],
    ignored: [],
  });
  assert.equal(checkSshArgs('-C -o ControlMaster=auto -o ControlPersist=60s').ignored, [
    '-C',
    '-o ControlMaster',
    '-o ControlPersist',
  ]);
  const bad = checkSshArgs('-o ForwardAgent=yes -L 80:x:80 -o');
  assert.is(bad.problems.length, 3, bad.problems.join('; '));
  assert.match(bad.problems[0]!, /-o ForwardAgent is not supported \(supported: Port, User, IdentityFile/);
});

test.run();
