/**
 * The ssh transport against a real OpenSSH sshd on loopback: authentication (key, encrypted key, agent,
 * password), host-key trust, exec semantics, become (sudo/su), file transfer.
 */
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { Client } from 'ssh2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execCommand, script, secret } from '../../src/command';
import { putScript, sha256 } from '../../src/transport/file-transfer';
import { ConnectError, ExitCode } from '../../src/errors';
import { BecomeError } from '../../src/transport/become';
import { createSshTransportFactory, type SshTransportFactory } from '../../src/transport/ssh';
import {
  makeKey,
  startAgent,
  startSshd,
  TEST_PASSWORD,
  TEST_USERS,
  type Sshd,
  loginVars,
} from '../helpers/sshd';

let d: Sshd;
let f: SshTransportFactory;
let work: string;
let n = 0;
const warnings: string[] = [];

function vars(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return loginVars(d, extra);
}
const host = (extra: Record<string, unknown> = {}) => f({ name: `h${++n}`, vars: vars(extra) });

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

test.before(async () => {
  d = await startSshd();
  f = createSshTransportFactory({ onWarning: (m) => warnings.push(m), connectRetries: 0 });
  work = mkdtempSync(join(tmpdir(), 'rm-ssh-work-'));
  const uid = Number(execFileSync('id', ['-u', TEST_USERS.nopasswd], { encoding: 'utf8' }));
  chownSync(work, uid, uid);
});
test.after(async () => {
  await f?.closeAll();
  await d?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('key auth; stdout and stderr apart; exit code; env, chdir and stdin', async () => {
  const t = host();
  const r = await t.exec(script('echo out; echo err >&2; printf "%s|" "$FOO" "$(pwd)"; cat; exit 3'), {
    env: { FOO: "it's $HOME" },
    cwd: '/tmp',
    stdin: 'from-stdin',
  });
  assert.is(r.stdout, "out\nit's $HOME|/tmp|from-stdin");
  assert.is(r.stderr, 'err\n');
  assert.is(r.code, 3);
  assert.is(r.signal, null);
});

test('commands run through /bin/sh on one pooled connection; output streams live; caps and timeouts', async () => {
  const t = host();
  const a = await t.exec(script('echo $PPID'));
  const b = await t.exec(script('readlink /proc/$$/exe'));
  assert.is(b.stdout.trim().endsWith('dash') || b.stdout.trim().endsWith('sh'), true);
  assert.ok(a.code === 0);
  const live: string[] = [];
  const r = await t.exec(script('seq 1 3'), { onStdout: (c) => live.push(c) });
  assert.is(live.join(''), '1\n2\n3\n');
  const big = await t.exec(script('head -c 100000 /dev/zero'), { maxOutput: 1000 });
  assert.is(big.stdout.length, 1000);
  assert.is(big.truncated, true);
  // The timeout fired and exec returned while the command was still running (it would have left `late`).
  const late = `/tmp/rm-late-${process.pid}`;
  const slow = await t.exec(script(`sleep 20; touch ${late}`), { timeoutMs: 300 });
  assert.is(slow.timedOut, true);
  assert.is(slow.code, null);
  assert.not.ok(existsSync(late), 'exec did not wait for the command to end');
  assert.is(r.code, 0);
});

test('close() then a new command opens a fresh connection (reset_connection)', async () => {
  const t = host();
  const a = await t.exec(script('echo $SSH_CONNECTION'));
  await t.close();
  const b = await t.exec(script('echo $SSH_CONNECTION'));
  assert.is.not(a.stdout, b.stdout);
});

test('encrypted key: passphrase variable, prompt hook, or a clear auth failure', async () => {
  const key = makeKey(work, 'enc_key', 'k3y-phrase');
  d.authorize(TEST_USERS.nopasswd, `${key}.pub`);
  const withVar = host({
    ansible_ssh_private_key_file: key,
    ansible_ssh_private_key_passphrase: 'k3y-phrase',
  });
  assert.is((await withVar.exec(script('id -un'))).stdout, `${TEST_USERS.nopasswd}\n`);
  const asked: string[] = [];
  const g = createSshTransportFactory({
    askPassphrase: async (file) => {
      asked.push(file);
      return secret('k3y-phrase');
    },
  });
  try {
    const ts = [1, 2, 3].map((i) =>
      g({ name: `prompted${i}`, vars: vars({ ansible_ssh_private_key_file: key }) }),
    );
    for (const t of await Promise.all(ts.map((t) => t.exec(script('id -un'))))) assert.is(t.code, 0);
    assert.equal(asked, [key], 'asked once for the whole run');
  } finally {
    await g.closeAll();
  }
  const wrong = host({ ansible_ssh_private_key_file: key, ansible_ssh_private_key_passphrase: 'not-it' });
  assert.match((await rejects(wrong.connect())).message, /enc_key \(unusable: wrong passphrase\)/);
  const none = host({ ansible_ssh_private_key_file: key });
  const e = await rejects(none.connect());
  assert.instance(e, ConnectError);
  assert.match(e.message, /authentication failed .*enc_key \(unusable: encrypted, no passphrase\)/);
  assert.match(
    (e as ConnectError).hint ?? '',
    /no passphrase is available .*ansible_ssh_private_key_passphrase/,
  );
});

test('ssh-agent auth (SSH_AUTH_SOCK)', async () => {
  const agent = await startAgent([d.clientKey]);
  const saved = process.env.SSH_AUTH_SOCK;
  process.env.SSH_AUTH_SOCK = agent.sock;
  try {
    const t = host({ ansible_ssh_private_key_file: join(work, 'no-such-key') });
    assert.is((await t.exec(script('id -un'))).stdout, `${TEST_USERS.nopasswd}\n`);
  } finally {
    if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = saved;
    agent.stop();
  }
});

test('password auth; a wrong password is unreachable (exit 3) and never printed', async () => {
  const nokey = join(work, 'no-such-key');
  const t = host({
    ansible_user: TEST_USERS.password,
    ansible_password: TEST_PASSWORD,
    ansible_ssh_private_key_file: nokey,
  });
  assert.is((await t.exec(script('id -un'))).stdout, `${TEST_USERS.password}\n`);
  const bad = host({
    ansible_user: TEST_USERS.password,
    ansible_password: 'WrOnG-pw',
    ansible_ssh_private_key_file: nokey,
  });
  const e = (await rejects(bad.connect())) as ConnectError;
  assert.instance(e, ConnectError);
  assert.is(e.exitCode, ExitCode.UNREACHABLE);
  assert.match(e.message, /authentication failed for rmt@127\.0\.0\.1/);
  assert.not.match(JSON.stringify({ m: e.message, h: e.hint }), /WrOnG-pw/);
  // The host stays unreachable for the run: no second dial.
  assert.is(await rejects(bad.exec(script('true'))), e);
});

test('connect timeout: a server that never speaks is unreachable after one timeout (a timeout is not retried)', async () => {
  const silent = createServer((sock) => sock.on('error', () => undefined));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as AddressInfo).port;
  let accepted = 0;
  silent.on('connection', () => accepted++);
  const g = createSshTransportFactory({ connectTimeoutMs: 300, connectRetries: 1, retryDelayMs: 10 });
  try {
    const e = await rejects(g({ name: 'mute', vars: vars({ ansible_port: port }) }).connect());
    assert.instance(e, ConnectError);
    assert.is((e as ConnectError).exitCode, ExitCode.UNREACHABLE);
    assert.match(
      e.message,
      /mute: cannot connect to rmtnp@127\.0\.0\.1:\d+: timed out after 0\.3 s waiting for the SSH handshake/,
    );
    assert.not.match(e.message, /Connection lost before handshake|attempts/);
    assert.is(accepted, 1, 'one attempt: retrying a timeout only doubles the time to report it');
  } finally {
    await g.closeAll();
    silent.close();
  }
});

test('known_hosts strict: unknown key refused with its fingerprint', async () => {
  const empty = join(work, 'kh-empty');
  writeFileSync(empty, '');
  const e = await rejects(host({ remediate_known_hosts: empty }).connect());
  assert.match(
    e.message,
    /host key for 127\.0\.0\.1:\d+ is unknown \(server offers ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\)/,
  );
  assert.match((e as ConnectError).hint ?? '', /ssh-keyscan/);
});

test('known_hosts accept-new records the key once, then it is trusted by strict', async () => {
  const kh = join(work, 'kh-new');
  writeFileSync(kh, '');
  await host({ remediate_known_hosts: kh, ansible_ssh_host_key_checking: 'accept-new' }).connect();
  assert.is(readFileSync(kh, 'utf8').trim(), d.knownHostsLine);
  assert.ok(warnings.some((w) => w.includes('recorded new host key')));
  await host({ remediate_known_hosts: kh }).connect();
});

test('known_hosts changed key refused even with accept-new; off accepts', async () => {
  const other = makeKey(work, 'other_host_key');
  const pub = readFileSync(`${other}.pub`, 'utf8').trim().split(' ');
  const kh = join(work, 'kh-changed');
  writeFileSync(kh, `[${d.host}]:${d.port} ${pub[0]} ${pub[1]}\n`);
  for (const policy of ['strict', 'accept-new']) {
    const e = await rejects(
      host({ remediate_known_hosts: kh, ansible_ssh_host_key_checking: policy }).connect(),
    );
    assert.match(e.message, /has CHANGED/);
    assert.match(e.message, new RegExp(`${kh}:1`));
  }
  assert.is(readFileSync(kh, 'utf8').split('\n').length, 2, 'accept-new must not record a changed key');
  await host({ remediate_known_hosts: kh, ansible_ssh_host_key_checking: false }).connect();
});

test('become sudo without password (NOPASSWD) and with the password on stdin', async () => {
  const np = host();
  const r = await np.exec(script('id -un; cat'), { become: { method: 'sudo', user: 'root' }, stdin: 'in' });
  assert.is(r.stdout, 'root\nin');
  assert.is(r.stderr, '');
  const pw = host({
    ansible_user: TEST_USERS.password,
    ansible_password: TEST_PASSWORD,
    ansible_ssh_private_key_file: join(work, 'x'),
  });
  const b = { method: 'sudo' as const, user: 'root', password: secret(TEST_PASSWORD) };
  const r2 = await pw.exec(script('id -un; echo "$X"; cat'), {
    become: b,
    env: { X: 'kept' },
    stdin: 'data',
  });
  assert.is(r2.stdout, 'root\nkept\ndata');
  assert.not.match(r2.stderr, /password/);
  // Cached credentials or not, the password never reaches the command's stdin.
  const r3 = await pw.exec(script('cat'), { become: b });
  assert.is(r3.stdout, '');
});

test('become: wrong password fails clearly (no hang), missing password and tty-requiring sudo are named', async () => {
  const opts = {
    ansible_user: TEST_USERS.password,
    ansible_password: TEST_PASSWORD,
    ansible_ssh_private_key_file: join(work, 'x'),
  };
  const pw = host(opts);
  const wrong = await rejects(
    pw.exec(script('id'), { become: { method: 'sudo', user: 'root', password: secret('nope-nope') } }),
  );
  assert.instance(wrong, BecomeError);
  assert.match(wrong.message, /incorrect become password/);
  assert.not.match(wrong.message, /nope-nope/);
  const missing = await rejects(pw.exec(script('id'), { become: { method: 'sudo', user: 'root' } }));
  assert.match(missing.message, /sudo needs a password and none was given/);
  const tty = host({ ansible_user: TEST_USERS.requiretty });
  const e = await rejects(tty.exec(script('id'), { become: { method: 'sudo', user: 'root' } }));
  assert.match(e.message, /requires a terminal/);
  // The connection is still usable after each failure.
  assert.is((await pw.exec(script('echo ok'))).stdout, 'ok\n');
});

test('become su with a password (on a pty)', async () => {
  const t = host();
  const r = await t.exec(script('id -un'), {
    become: { method: 'su', user: TEST_USERS.password, password: secret(TEST_PASSWORD) },
  });
  assert.is(r.stdout.trim(), TEST_USERS.password);
  assert.is(r.code, 0);
  const e = await rejects(
    t.exec(script('id -un'), {
      become: { method: 'su', user: TEST_USERS.password, password: secret('bad') },
    }),
  );
  assert.match(e.message, /incorrect become password/);
});

test('put: atomic write with mode, skipped when the SHA-256 matches, mode-only change, get', async () => {
  const t = host();
  const p = join(work, 'conf.txt');
  const a = await t.put(p, Buffer.from('one\n'), { mode: 0o640 });
  assert.is(a.changed, true);
  assert.is(readFileSync(p, 'utf8'), 'one\n');
  assert.is(statSync(p).mode & 0o777, 0o640);
  const same = await t.put(p, Buffer.from('one\n'), { mode: 0o640 });
  assert.is(same.changed, false);
  assert.is(same.sha256, a.sha256);
  const ino = statSync(p).ino;
  assert.is((await t.put(p, Buffer.from('one\n'), { mode: 0o600 })).changed, true);
  assert.is(statSync(p).mode & 0o777, 0o600);
  assert.is(statSync(p).ino, ino, 'mode-only change must not rewrite the file');
  await t.put(p, Buffer.from('two\n'));
  assert.is(statSync(p).mode & 0o777, 0o600, 'an existing mode is kept');
  assert.is((await t.get(p)).toString(), 'two\n');
  assert.equal(
    readdirSync(work).filter((x) => x.includes('.remediate-')),
    [],
  );
  const e = await rejects(t.get(join(work, 'missing')));
  assert.match(e.message, /cannot read .*missing/);
});

test('put/get with become: root-owned target, owner set', async () => {
  const t = host();
  const b = { method: 'sudo' as const, user: 'root' };
  const dir = mkdtempSync(join(tmpdir(), 'rm-root-'));
  try {
    const p = join(dir, 'secret.conf');
    assert.is(
      (await t.put(p, Buffer.from('k=v\n'), { become: b, mode: 0o600, owner: 'root', group: 'root' }))
        .changed,
      true,
    );
    assert.is(statSync(p).uid, 0);
    assert.is(
      (await t.put(p, Buffer.from('k=v\n'), { become: b, mode: 0o600, owner: 'root' })).changed,
      false,
    );
    assert.is((await t.get(p, { become: b })).toString(), 'k=v\n');
    const e = await rejects(t.get(p));
    assert.match(e.message, /Permission denied|cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without an SFTP subsystem, transfer falls back to exec', async () => {
  const noSftp = await startSshd({ sftp: false, hostKey: d.hostKey });
  const g = createSshTransportFactory();
  try {
    const t = g({
      name: 'nosftp',
      vars: {
        ...vars(),
        ansible_port: noSftp.port,
        ansible_ssh_private_key_file: noSftp.clientKey,
        remediate_known_hosts: noSftp.knownHostsFile,
      },
    });
    const p = join(work, 'nosftp.bin');
    const content = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    assert.is((await t.put(p, content, { mode: 0o644 })).changed, true);
    assert.equal(readFileSync(p), content);
    assert.equal(await t.get(p), content);
    assert.is((await t.put(p, content, { mode: 0o644 })).changed, false);
  } finally {
    await g.closeAll();
    await noSftp.stop();
  }
});

test('an upload interrupted mid-transfer leaves the old file intact', async () => {
  const victim = await startSshd({ hostKey: d.hostKey });
  const g = createSshTransportFactory({ connectRetries: 0 });
  const p = join(work, 'big.dat');
  writeFileSync(p, 'old content\n');
  chownSync(p, statSync(work).uid, statSync(work).gid);
  try {
    const t = g({
      name: 'victim',
      vars: {
        ...vars(),
        ansible_port: victim.port,
        ansible_ssh_private_key_file: victim.clientKey,
        remediate_known_hosts: victim.knownHostsFile,
      },
    });
    await t.connect();
    const big = Buffer.alloc(256 * 1024 * 1024, 7);
    const put = t.put(p, big);
    put.catch(() => undefined);
    // Wait until the temp file is being written, then kill sshd and its sessions.
    for (let i = 0; i < 400 && !readdirSync(work).some((x) => x.startsWith('.remediate-')); i++)
      await new Promise((r) => setTimeout(r, 10));
    victim.kill();
    const e = await rejects(put);
    assert.ok(e.message.length > 0);
    assert.is(readFileSync(p, 'utf8'), 'old content\n');
  } finally {
    for (const x of readdirSync(work).filter((x) => x.startsWith('.remediate-')))
      rmSync(join(work, x), { force: true });
    await g.closeAll();
    await victim.stop();
  }
});

test('an upload on stdin cut short (controller killed mid-send) never puts a torn file in place', async () => {
  const t = host();
  const p = join(work, 'torn.conf');
  writeFileSync(p, 'old line\n');
  const whole = Buffer.from(
    'KUBE_RANGES="--service-cluster-ip-range=10.254.0.0/24 --cluster-cidr=10.32.0.0/16"\n',
  );
  // what sshd hands the script when the controller dies after part of the content: the part, then EOF
  const r = await t.exec(putScript(p, sha256(whole), whole.length), { stdin: whole.subarray(0, 20) });
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /upload cut short/);
  assert.is(readFileSync(p, 'utf8'), 'old line\n');
  assert.equal(
    readdirSync(work).filter((x) => x.startsWith('.remediate')),
    [],
  );
  // the whole content still goes through
  const ok = await t.exec(putScript(p, sha256(whole), whole.length), { stdin: whole });
  assert.is(ok.code, 0, ok.stderr);
  assert.equal(readFileSync(p), whole);
});

test('an upload makes a new file as a redirection would (0666 less the umask) and says why it cannot', async () => {
  const t = host();
  const body = Buffer.from('new file\n');
  const up = (dest: string, prefix = '') => {
    const c = putScript(dest, sha256(body), body.length);
    return t.exec(execCommand(prefix + c.script, prefix + c.display), { stdin: body });
  };
  for (const [umask, mode] of [
    ['022', 0o644],
    ['027', 0o640],
    ['077', 0o600],
  ] as const) {
    const p = join(work, `umask-${umask}`);
    const r = await up(p, `umask ${umask}; `);
    assert.is(r.code, 0, r.stderr);
    assert.is(statSync(p).mode & 0o7777, mode, `umask ${umask}`);
  }
  const missing = await up(join(work, 'no-such-dir', 'x'));
  assert.is(missing.code, 1);
  assert.is(missing.stderr, `Destination directory ${join(work, 'no-such-dir')} does not exist\n`);
  const ro = join(work, 'read-only');
  mkdirSync(ro, { mode: 0o555 });
  const denied = await up(join(ro, 'x'));
  assert.is(denied.code, 1);
  assert.is(denied.stderr, `cannot create a temporary file in ${ro}: Permission denied\n`);
  assert.equal(readdirSync(ro), []);
});

test('an upload whose connection is cut mid-send leaves neither a torn file nor its temp file', async () => {
  const p = join(work, 'cut.conf');
  writeFileSync(p, 'old line\n');
  const whole = Buffer.from('x'.repeat(4096));
  // the controller SIGKILLed: its TCP connection gone with part of the content sent, no EOF, no close
  const sock = connect(d.port, d.host);
  const c = new Client();
  await new Promise<void>((resolve, reject) =>
    c
      .once('ready', () => resolve())
      .once('error', reject)
      .connect({
        sock,
        username: TEST_USERS.nopasswd,
        privateKey: readFileSync(d.clientKey),
      }),
  );
  c.on('error', () => undefined);
  await new Promise<void>((resolve, reject) =>
    c.exec(putScript(p, sha256(whole), whole.length).display, (err, ch) => {
      if (err) return reject(err);
      ch.write(whole.subarray(0, 100));
      setTimeout(() => {
        sock.destroy();
        resolve();
      }, 300);
    }),
  );
  // the orphaned script on the target ends on its own: wait for it to clean up
  const temps = () => readdirSync(work).filter((x) => x.startsWith('.remediate'));
  for (let i = 0; i < 50 && temps().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(temps(), []);
  assert.is(readFileSync(p, 'utf8'), 'old line\n');
});

test.run();
