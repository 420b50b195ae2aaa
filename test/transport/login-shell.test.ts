/**
 * The login shell and the command line, against a real OpenSSH sshd: sshd runs every command line with
 * the account's login shell. Scripts are POSIX sh, so they go as `exec /bin/sh -c SCRIPT sh` until the
 * connection's first command has reported the login shell; when it is /bin/sh the later ones go as the
 * line itself (one exec less per command). Either way a script sees the same shell: dash, `$0` = sh,
 * the session's leader as `$$`, and a timeout stops its process group.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../../src/command';
import { createSshTransportFactory, type SshTransportFactory } from '../../src/transport/ssh';
import type { Transport } from '../../src/transport/types';
import { loginVars, startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

let d: Sshd;
let f: SshTransportFactory;
let n = 0;
const sleepers: string[] = [];

test.before(async () => {
  d = await startSshd({ users: [TEST_USERS.nopasswd, TEST_USERS.bash] });
  f = createSshTransportFactory({ connectRetries: 0 });
});
test.after(async () => {
  await f?.closeAll();
  await d?.stop();
  for (const s of sleepers) for (const pid of running(s)) process.kill(Number(pid), 'SIGKILL');
});

function running(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

const host = (user: string): Transport =>
  f({ name: `shell${++n}`, vars: loginVars(d, { ansible_user: user }) });

/**
 * What the script's own shell is: the program name it was started with (argv[0]: sshd names a login shell
 * by its base name), `$0`, whether bash runs it, and whether it leads its session (`$$` is its group).
 */
const ARGV0 = `tr '\\0' '\\n' < /proc/$$/cmdline | head -n 1`;
const PROBE =
  `${ARGV0}; echo "0=$0"; ` +
  `[ -n "$BASH_VERSION" ] && echo bash || echo posix; ` +
  `read -r _ _ _ _ g _ < /proc/$$/stat; [ "$g" = $$ ] && echo leader; printf '%s\\n' "it's" '$HOME'`;

test('login shell /bin/sh: the first command goes through exec /bin/sh -c, the later ones as the line itself', async () => {
  const t = host(TEST_USERS.nopasswd);
  const outs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await t.exec(script(PROBE));
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stderr, '', 'the group-id line never shows');
    outs.push(r.stdout);
  }
  const rest = "0=sh\nposix\nleader\nit's\n$HOME\n";
  assert.is(outs[0], `/bin/sh\n${rest}`);
  assert.is(outs[1], `sh\n${rest}`);
  assert.is(outs[2], outs[1]);
  // stdin, exit codes and become work on the short line too
  const cat = await t.exec(script('cat; exit 3'), { stdin: 'in\n' });
  assert.equal([cat.code, cat.stdout], [3, 'in\n']);
  const root = await t.exec(script('id -un'), { become: { method: 'sudo', user: 'root' } });
  assert.equal([root.code, root.stdout], [0, 'root\n']);
});

test('login shell /bin/bash: every command runs under /bin/sh, never under bash', async () => {
  const t = host(TEST_USERS.bash);
  for (let i = 0; i < 3; i++) {
    const r = await t.exec(script(PROBE));
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, `/bin/sh\n0=sh\nposix\nleader\nit's\n$HOME\n`, `command ${i + 1}`);
  }
  const root = await t.exec(script('id -un'), { become: { method: 'sudo', user: 'root' } });
  assert.equal([root.code, root.stdout], [0, 'root\n']);
});

test('a command sent as the line itself is stopped with its process group on timeout', async () => {
  const t = host(TEST_USERS.nopasswd);
  assert.is((await t.exec(script('true'))).code, 0); // learns the login shell
  const s = `sleep 3${randomInt(100000, 999999)}`;
  sleepers.push(s);
  const r = await t.exec(script(`${ARGV0}; ${s} & ${s}`), { timeoutMs: 400 });
  assert.is(r.timedOut, true);
  assert.is(r.stdout, 'sh\n', 'ran as the login shell itself');
  assert.equal(running(s), [], 'no sleeper left on the host');
  assert.is((await t.exec(script('echo alive'))).stdout, 'alive\n');
});

test.run();
