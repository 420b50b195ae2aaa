/**
 * Remote commands do not outlive their timeout or the run's abort (Ctrl-C): against a real OpenSSH sshd,
 * the command's whole process group is gone when exec returns (plain, with sudo/su become, with
 * children); the group-id line never shows in the captured output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script, secret } from '../../src/command';
import { createSshTransportFactory, type SshTransportFactory } from '../../src/transport/ssh';
import { ChannelLostError } from '../../src/transport/ssh-exec';
import {
  KILL_NOT_PERMITTED,
  killGroupScript,
  pgidPrelude,
  PgidLine,
} from '../../src/transport/ssh-process-group';
import type { BecomeOptions, Transport } from '../../src/transport/types';
import { settle } from '../helpers/settle';
import { loginVars, startSshd, TEST_PASSWORD, TEST_USERS, type Sshd } from '../helpers/sshd';

let d: Sshd;
let f: SshTransportFactory;
let n = 0;
const started: string[] = [];

/** A `sleep` whose argument is unique to this test run: `pgrep -f` finds exactly our processes. */
function uniqueSleep(): string {
  const s = `sleep 3${randomInt(100000, 999999)}`;
  started.push(s);
  return s;
}

function running(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const host = (extra: Record<string, unknown> = {}): Transport =>
  f({ name: `stop${++n}`, vars: loginVars(d, extra) });

const passwordHost = () =>
  host({
    ansible_user: TEST_USERS.password,
    ansible_password: TEST_PASSWORD,
    ansible_ssh_private_key_file: join(tmpdir(), 'no-such-key'),
  });

test.before(async () => {
  d = await startSshd();
  f = createSshTransportFactory({ connectRetries: 0 });
});
test.after(async () => {
  await f?.closeAll();
  await d?.stop();
  // Never leave a sleeper behind, even when an assertion failed.
  for (const s of started) for (const pid of running(s)) if (pid) process.kill(Number(pid), 'SIGKILL');
});

test('group-id line from dash: taken out whole or in pieces, other text untouched', () => {
  // The prelude, run by this machine's /bin/sh (dash): one marked line on stderr, nothing on stdout.
  const run = (prelude: string, leader: boolean) =>
    spawnSync(
      leader ? 'setsid' : '/bin/sh',
      [...(leader ? ['/bin/sh'] : []), '-c', `${prelude}echo out; echo err >&2`],
      {
        encoding: 'utf8',
      },
    );
  const r = run(pgidPrelude(false), true);
  assert.is(r.stdout, 'out\n');
  const nl = r.stderr.indexOf('\n') + 1;
  const [line, rest] = [r.stderr.slice(0, nl), r.stderr.slice(nl)];
  assert.match(line, /^REMEDIATE-PGID-[0-9a-f]+:\d+\n$/);
  assert.is(rest, 'err\n');
  const stream = `rc file says hi\n${line}err\n`;
  for (const size of [1, 3, 7, stream.length]) {
    const p = new PgidLine();
    let out = '';
    for (let i = 0; i < stream.length; i += size) out += p.filter(stream.slice(i, i + size));
    out += p.flush();
    assert.is(out, 'rc file says hi\nerr\n', `chunks of ${size}`);
    assert.is(p.pgid, r.pid, 'setsid: the shell leads its own group');
  }
  // With become the group id itself is read: here the shell is not a leader, its group is ours.
  const b = run(pgidPrelude(true), false);
  const pb = new PgidLine();
  assert.is(pb.filter(b.stderr), 'err\n');
  assert.is(b.stdout, 'out\n');
  assert.is(
    pb.pgid,
    Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)], { encoding: 'utf8' })),
  );
  assert.is.not(pb.pgid, b.pid);
  // Text that only looks like it passes through.
  const p = new PgidLine();
  assert.is(p.filter('REMEDIATE-PGID-x:12\nmore') + p.flush(), 'REMEDIATE-PGID-x:12\nmore');
  assert.ok(killGroupScript(1234).includes('kill -TERM -$g'));
  assert.throws(() => killGroupScript(1));
});

test('the kill script stops the group of a live member, or a group whose leader is gone', () => {
  // A group led by a shell that exits at once, leaving two sleepers: the script is given the dead leader.
  const s = uniqueSleep();
  const r = spawnSync('setsid', ['/bin/sh', '-c', `${s} >/dev/null 2>&1 & ${s} >/dev/null 2>&1 & echo $$`], {
    encoding: 'utf8',
  });
  const leader = Number(r.stdout.trim());
  assert.is(running(s).length, 2);
  const k = spawnSync('/bin/sh', ['-c', killGroupScript(leader)], { encoding: 'utf8' });
  assert.is(k.status, 0, k.stderr);
  assert.equal(running(s), []);
  // A member that is alive: its group is found from /proc, whatever id is given.
  const s2 = uniqueSleep();
  const r2 = spawnSync('setsid', ['/bin/sh', '-c', `${s2} >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  const member = Number(r2.stdout.trim());
  assert.is(spawnSync('/bin/sh', ['-c', killGroupScript(member)]).status, 0);
  assert.equal(running(s2), []);
});

test('timeout: the remote command and its process group are gone when exec returns', async () => {
  const t = host();
  const s = uniqueSleep();
  const r = await t.exec(script(s), { timeoutMs: 300 });
  assert.is(r.timedOut, true);
  assert.is(r.code, null);
  assert.equal(running(s), [], 'no sleeper left on the host');
  assert.is((await t.exec(script('echo alive'))).stdout, 'alive\n');
});

test('timeout: children and background jobs are stopped with the command', async () => {
  const t = host();
  const a = uniqueSleep();
  const b = uniqueSleep();
  const r = await t.exec(script(`sh -c '${a} & ${b}'; echo never`), { timeoutMs: 400 });
  assert.is(r.timedOut, true);
  assert.not.match(r.stdout, /never/);
  assert.equal(running(a), []);
  assert.equal(running(b), []);
  // A command that backgrounds a child and exits: the channel stays open, the timeout stops the child.
  const c = uniqueSleep();
  const r2 = await t.exec(script(`${c} & echo started`), { timeoutMs: 400 });
  assert.is(r2.timedOut, true);
  assert.equal(running(c), []);
});

test('abort (Ctrl-C): AbortError, the remote command is gone, the connection lives', async () => {
  const t = host();
  const s = uniqueSleep();
  const ac = new AbortController();
  const run = settle(t.exec(script(`${s} & ${s}`), { signal: ac.signal }));
  setTimeout(() => ac.abort(), 300);
  const r = await run;
  assert.is(r.ok, false);
  if (!r.ok) {
    assert.is(r.e.name, 'AbortError');
    assert.not.match(r.e.message, /may still be running/);
  }
  assert.equal(running(s), []);
  assert.is((await t.exec(script('echo alive'))).stdout, 'alive\n');
});

test('sudo become (NOPASSWD and with a password): the root-owned command is killed through sudo', async () => {
  const root: BecomeOptions = { method: 'sudo', user: 'root' };
  const s = uniqueSleep();
  const r = await host().exec(script(`id -un; ${s}`), { become: root, timeoutMs: 500 });
  assert.is(r.timedOut, true);
  assert.is(r.stdout, 'root\n');
  assert.equal(running(s), []);
  // The shell exits at once, its background child holds the channel: found by its group, read at start.
  const c = uniqueSleep();
  const rc = await host().exec(script(`${c} & echo started`), { become: root, timeoutMs: 500 });
  assert.is(rc.timedOut, true);
  assert.equal(running(c), []);

  const pw: BecomeOptions = { method: 'sudo', user: 'root', password: secret(TEST_PASSWORD) };
  const t = passwordHost();
  const s2 = uniqueSleep();
  const ac = new AbortController();
  const run = settle(t.exec(script(`sh -c '${s2} & ${s2}'`), { become: pw, signal: ac.signal }));
  setTimeout(() => ac.abort(), 600);
  const a = await run;
  assert.is(a.ok, false);
  if (!a.ok) assert.is(a.e.name, 'AbortError');
  assert.equal(running(s2), []);
  const s3 = uniqueSleep();
  const r3 = await t.exec(script(s3), { become: pw, timeoutMs: 500 });
  assert.is(r3.timedOut, true);
  assert.equal(running(s3), []);
});

test('the kill script reports a group it may not signal (root-owned, run as the login user)', () => {
  const s = uniqueSleep();
  const r = spawnSync('setsid', ['/bin/sh', '-c', `${s} >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  const member = Number(r.stdout.trim());
  const k = spawnSync('runuser', ['-u', TEST_USERS.nopasswd, '--', '/bin/sh', '-c', killGroupScript(member)]);
  assert.is(k.status, KILL_NOT_PERMITTED);
  assert.is(running(s).length, 1, 'still there (cleaned up by this file)');
});

test('su become with a password (pty): timeout stops the command, output has no group-id line', async () => {
  const su: BecomeOptions = { method: 'su', user: TEST_USERS.password, password: secret(TEST_PASSWORD) };
  const t = host();
  const ok = await t.exec(script('echo out; echo err >&2'), { become: su });
  assert.is(ok.stdout.replace(/\r/g, ''), 'out\nerr\n');
  const s = uniqueSleep();
  const r = await t.exec(script(s), { become: su, timeoutMs: 800 });
  assert.is(r.timedOut, true);
  assert.equal(running(s), []);
});

test('the connection dies before the command could be stopped: the error says it may still be running', async () => {
  const d2 = await startSshd();
  const cfg = join(d2.dir, 'ssh_config');
  writeFileSync(cfg, 'Host *\n  ServerAliveInterval 1\n  ServerAliveCountMax 2\n');
  const f2 = createSshTransportFactory({ sshConfigFile: cfg, connectRetries: 0, connectTimeoutMs: 1000 });
  let thaw = () => undefined as void;
  try {
    const s = uniqueSleep();
    const t = f2({ name: 'gone', vars: loginVars(d2) });
    const run = settle(t.exec(script(s), { timeoutMs: 600 }));
    await new Promise((r) => setTimeout(r, 300));
    thaw = d2.freezeSessions();
    const r = await run;
    assert.is(r.ok, false);
    if (!r.ok) {
      assert.instance(r.e, ChannelLostError);
      assert.match(
        r.e.message,
        /^gone: timed out after 600 ms and could not be stopped; the remote command may still be running on the host \(.*\): sleep 3\d+$/,
      );
    }
    thaw();
    const s2 = uniqueSleep();
    const t2 = f2({ name: 'gone2', vars: loginVars(d2) });
    const ac = new AbortController();
    const run2 = settle(t2.exec(script(s2), { signal: ac.signal }));
    await new Promise((r) => setTimeout(r, 300));
    thaw = d2.freezeSessions();
    ac.abort();
    const a = await run2;
    assert.is(a.ok, false);
    if (!a.ok) {
      assert.is(a.e.name, 'AbortError');
      assert.match(a.e.message, /^interrupted; the remote command may still be running on the host/);
    }
  } finally {
    thaw();
    await f2.closeAll();
    await d2.stop();
  }
});

test('stderr and stdout are captured without the group-id line, live output too', async () => {
  const t = host();
  const live: string[] = [];
  const r = await t.exec(script('echo err1 >&2; echo out; printf err2 >&2'), {
    onStderr: (c) => live.push(c),
  });
  assert.is(r.stderr, 'err1\nerr2');
  assert.is(live.join(''), 'err1\nerr2');
  assert.is(r.stdout, 'out\n');
  const b = await t.exec(script('echo e >&2'), { become: { method: 'sudo', user: 'root' } });
  assert.is(b.stderr, 'e\n');
  const empty = await t.exec(script('true'));
  assert.is(empty.stderr, '');
  assert.not.match(r.stderr + b.stderr, /REMEDIATE/);
});

test.run();
