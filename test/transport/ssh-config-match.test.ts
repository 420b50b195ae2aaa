/**
 * ssh_config `Match` criteria against OpenSSH itself: for each host, `ssh -G -F FILE HOST` (the installed
 * client; -G connects nowhere, but it does run `Match exec` commands) gives the expected user, hostname and
 * port, and resolveSshEndpoint must agree — `exec "cmd"` with OpenSSH's % tokens (%h %p %r %u %n %l %d),
 * negated, after earlier predicates; `host`, `originalhost`, `user`, `localuser`, `all`, `canonical`, `final`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveSshEndpoint } from '../../src/transport/ssh-config';

const dir = mkdtempSync(join(tmpdir(), 'rm-sshmatch-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'flag-f1.example'), '');
const me = userInfo().username;

const conf = join(dir, 'match.conf');
writeFileSync(
  conf,
  `Host f*
  HostName %h.example
Match exec "test -f ${dir}/flag-%h"
  Port 2201
Host p*
  Port 2222
Match originalhost p* exec "test %p = 2222"
  User pexec
Match exec "test %n = n1 -a %u = ${me} -a -d %d -a %l = ${hostname()}"
  User tokens
Match !exec "false" originalhost neg*
  Port 2203
Match exec "test %r = deploy"
  Port 2204
Match originalhost o1 user deploy
  HostName o1.deploy
Match localuser ${me} originalhost lu*
  Port 2205
Match canonical originalhost c*
  Port 2206
Match host q*.final final
  Port 2207
Host q*
  HostName %h.final
Match all
  User fallback
`,
);
const confNoFinal = join(dir, 'nofinal.conf');
writeFileSync(confNoFinal, 'Match canonical\n  Port 2208\nMatch all\n  User x\n');
// no exec/canonical/final: Match host sees the HostName set before it, %h expanded
const confHost = join(dir, 'host.conf');
writeFileSync(
  confHost,
  'Host hh*\n  HostName %h.lan\nMatch host hh1.lan\n  Port 2209\nMatch host hh*\n  User hu\n',
);

function sshG(file: string, host: string, user?: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', file, ...(user ? ['-l', user] : []), host], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, HOME: homedir() },
  });
  const o: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [k, ...v] = line.split(' ');
    if (k && !(k in o)) o[k] = v.join(' ');
  }
  return o;
}

const cases: [string, string, string | undefined][] = [
  [conf, 'f1', undefined],
  [conf, 'f2', undefined],
  [conf, 'p1', undefined],
  [conf, 'n1', undefined],
  [conf, 'neg1', undefined],
  [conf, 'o1', 'deploy'],
  [conf, 'x1', 'deploy'],
  [conf, 'lu1', undefined],
  [conf, 'c1', undefined],
  [conf, 'q1', undefined],
  [conf, 'other', undefined],
  [confNoFinal, 'h1', undefined],
  [confHost, 'hh1', undefined],
  [confHost, 'hh2', undefined],
];
for (const [file, host, user] of cases) {
  test(`Match: ${host}${user ? ` as ${user}` : ''} (${file.split('/').pop()}) resolves as ssh -G says`, () => {
    const want = sshG(file, host, user);
    const e = resolveSshEndpoint(host, user ? { ansible_user: user } : {}, { sshConfigFile: file });
    assert.equal(
      { user: e.user, hostname: e.hostname, port: String(e.port) },
      { user: want.user, hostname: want.hostname, port: want.port },
    );
  });
}

test.run();
