/**
 * The transport under a misbehaving server, against real sshd on loopback: MaxSessions=1 with commands,
 * uploads and downloads at once; the SFTP server dying mid-upload (the connection survives); a server
 * that stops answering mid-command (keepalives end the wait, no hang).
 */
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../../src/command';
import { ConnectError } from '../../src/errors';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { ChannelLostError } from '../../src/transport/ssh-exec';
import { TransferError } from '../../src/transport/ssh-transfer';
import { loginVars, startSshd, TEST_USERS } from '../helpers/sshd';
import { settle } from '../helpers/settle';

test('MaxSessions=1: commands, uploads, downloads and become at once all succeed on one connection', async () => {
  const d = await startSshd({ maxSessions: 1 });
  const f = createSshTransportFactory();
  const base = `/tmp/rm-ms1-${process.pid}`;
  try {
    const t = f({ name: 'one', vars: loginVars(d) });
    const jobs = [
      ...[0, 1, 2, 3].map((i) => t.exec(script(`echo ${i}; echo $SSH_CONNECTION`))),
      ...[0, 1, 2].map((i) => t.put(`${base}-${i}`, Buffer.from(`c${i}`))),
      t.exec(script('id -u'), { become: { method: 'sudo', user: 'root' } }),
    ];
    const rs = await Promise.all(jobs);
    const execs = rs.slice(0, 4) as { stdout: string }[];
    assert.equal(
      execs.map((r) => r.stdout.split('\n')[0]),
      ['0', '1', '2', '3'],
    );
    assert.is(new Set(execs.map((r) => r.stdout.split('\n')[1])).size, 1, 'one connection');
    assert.is((rs[7] as { stdout: string }).stdout, '0\n');
    const got = await Promise.all([0, 1, 2].map((i) => t.get(`${base}-${i}`)));
    assert.equal(
      got.map((b) => b.toString()),
      ['c0', 'c1', 'c2'],
    );
    await t.exec(script(`rm -f ${base}-*`));
  } finally {
    await f.closeAll();
    await d.stop();
  }
});

test('the SFTP server dies mid-upload: the put fails with the reason, the old file stays, the connection lives', async () => {
  const d = await startSshd();
  const f = createSshTransportFactory();
  const dir = mkdtempSync(join(tmpdir(), 'rm-sftp-victim-'));
  const p = join(dir, 'target');
  writeFileSync(p, 'old\n');
  const uid = Number(execFileSync('id', ['-u', TEST_USERS.nopasswd], { encoding: 'utf8' }));
  chownSync(dir, uid, uid);
  chownSync(p, uid, uid);
  try {
    const t = f({ name: 'sftp', vars: loginVars(d) });
    const put = settle(t.put(p, Buffer.alloc(256 * 1024 * 1024, 1)));
    let killed = false;
    for (let i = 0; i < 500 && !killed; i++) {
      await new Promise((r) => setTimeout(r, 10));
      // Once the temp file is being written.
      if (!readdirSync(dir).some((x) => x.startsWith('.remediate-'))) continue;
      for (const pid of d.sessionPids()) {
        let cmd = '';
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (/sftp-server/.test(cmd)) {
          process.kill(pid, 'SIGKILL');
          killed = true;
        }
      }
    }
    assert.ok(killed, 'an sftp-server was running');
    const r = await put;
    assert.is(r.ok, false);
    if (!r.ok) {
      assert.instance(r.e, TransferError, 'a failed task, not an unreachable host');
      assert.match(
        r.e.message,
        /^sftp: upload of \/\S+\/target failed: the SFTP session closed during the file transfer/,
      );
    }
    assert.is(readFileSync(p, 'utf8'), 'old\n');
    assert.is((await t.exec(script('echo alive'))).stdout, 'alive\n');
    assert.equal(readdirSync(dir), ['target'], 'no partial temp file left');
    // SFTP is still used for the next transfer (no fallback to exec for the rest of the run).
    assert.is((await t.put(p, Buffer.from('new\n'))).changed, true);
    assert.is(readFileSync(p, 'utf8'), 'new\n');
    assert.is((t as unknown as { noSftp: boolean }).noSftp, false);
  } finally {
    await f.closeAll();
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server that stops answering mid-command: keepalives fail the task with the reason, no hang', async () => {
  const d = await startSshd();
  const cfg = join(d.dir, 'ssh_config');
  writeFileSync(cfg, 'Host *\n  ServerAliveInterval 1\n  ServerAliveCountMax 2\n');
  const f = createSshTransportFactory({ sshConfigFile: cfg, connectRetries: 0, connectTimeoutMs: 1000 });
  let thaw = () => undefined as void;
  try {
    const t = f({ name: 'frozen', vars: loginVars(d) });
    await t.connect();
    const run = settle(t.exec(script('sleep 30; echo never')));
    await new Promise((r) => setTimeout(r, 300));
    thaw = d.freezeSessions();
    const r = await run;
    assert.is(r.ok, false);
    if (!r.ok) {
      assert.instance(r.e, ChannelLostError);
      assert.match(
        r.e.message,
        /^frozen: connection lost while running: .*sleep 30; echo never.* \(the server stopped answering: no reply to keepalives .*; it may or may not have completed, and may still be running on the host\)$/,
      );
    }
    // The next task tries one reconnection; the listener is frozen too only if it was a session: it is not.
    thaw();
    const next = await settle(t.exec(script('echo back')));
    assert.ok(next.ok || next.e instanceof ConnectError);
  } finally {
    thaw();
    await f.closeAll();
    await d.stop();
  }
});

test('the run is interrupted (abort signal): exec rejects at once, the connection lives', async () => {
  const d = await startSshd();
  const f = createSshTransportFactory();
  try {
    const t = f({ name: 'ctrlc', vars: loginVars(d) });
    await t.connect();
    const ac = new AbortController();
    // Abort once the command is seen running; it would leave `done` if exec waited for it to end.
    const mark = `/tmp/rm-abort-${process.pid}`;
    const run = settle(
      t.exec(script(`touch ${mark}.started; sleep 5; touch ${mark}.done`), { signal: ac.signal }),
    );
    for (let i = 0; i < 3000 && !existsSync(`${mark}.started`); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(existsSync(`${mark}.started`), 'the command started');
    ac.abort();
    const r = await run;
    assert.is(r.ok, false);
    if (!r.ok) assert.is(r.e.name, 'AbortError');
    assert.not.ok(existsSync(`${mark}.done`), 'did not wait for the command');
    rmSync(`${mark}.started`, { force: true });
    assert.is((await t.exec(script('echo alive'))).stdout, 'alive\n');
    assert.not.ok((await settle(t.exec(script('true'), { signal: ac.signal }))).ok, 'already aborted');
  } finally {
    await f.closeAll();
    await d.stop();
  }
});

test.run();
