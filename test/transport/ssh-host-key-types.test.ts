/**
 * Issue #10 finding 2, against a real sshd holding ed25519, ECDSA and RSA host keys: with known_hosts
 * holding only the host's ECDSA (or RSA) key, remediate offers that type first (as OpenSSH does) and
 * connects — under `strict` and `accept-new`, without recording anything; ssh_config `HostKeyAlgorithms`
 * is honoured; a key that really changed is refused naming the old and the new fingerprint.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectError } from '../../src/errors';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { fingerprint } from '../../src/transport/ssh-known-hosts';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const dir = mkdtempSync(join(tmpdir(), 'rm-hkt-'));
let d: Sshd;
const keys: Record<'ecdsa' | 'rsa', string> = { ecdsa: '', rsa: '' };

function hostKey(type: 'ecdsa' | 'rsa'): string {
  const f = join(dir, `host_${type}`);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-f',
    f,
  ]);
  return f;
}

test.before(async () => {
  keys.ecdsa = hostKey('ecdsa');
  keys.rsa = hostKey('rsa');
  // ed25519 (the helper's) first: an unordered offer would get it
  d = await startSshd({ extraConfig: `HostKey ${keys.ecdsa}\nHostKey ${keys.rsa}` });
});
test.after(async () => {
  await d?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A known_hosts file holding the server's key of one type only. */
function knownHostsWith(type: 'ecdsa' | 'rsa', name = `kh-${type}`): string {
  const pub = readFileSync(`${keys[type]}.pub`, 'utf8').trim().split(/\s+/);
  const f = join(dir, name);
  writeFileSync(f, `[127.0.0.1]:${d.port} ${pub[0]} ${pub[1]}\n`);
  return f;
}

async function connect(
  knownHosts: string,
  policy: 'strict' | 'accept-new',
  sshConfig?: string,
): Promise<{ ok: true; out: string } | { ok: false; e: ConnectError }> {
  const f = createSshTransportFactory({
    connectRetries: 0,
    hostKeyChecking: policy,
    ...(sshConfig ? { sshConfigFile: sshConfig } : {}),
  });
  try {
    const t = f({
      name: 'm1',
      vars: {
        ansible_host: '127.0.0.1',
        ansible_port: d.port,
        ansible_user: TEST_USERS.nopasswd,
        ansible_ssh_private_key_file: d.clientKey,
        remediate_known_hosts: knownHosts,
      },
    });
    await t.connect();
    const r = await t.exec({ kind: 'exec', display: 'echo ok', script: 'echo ok' });
    return { ok: true, out: r.stdout.trim() };
  } catch (e) {
    assert.instance(e, ConnectError);
    return { ok: false, e: e as ConnectError };
  } finally {
    await f.closeAll();
  }
}

for (const type of ['ecdsa', 'rsa'] as const) {
  for (const policy of ['strict', 'accept-new'] as const) {
    test(`known_hosts with only the ${type.toUpperCase()} key, ${policy}: connects, records nothing`, async () => {
      const kh = knownHostsWith(type, `kh-${type}-${policy}`);
      const before = readFileSync(kh, 'utf8');
      const r = await connect(kh, policy);
      assert.ok(r.ok, r.ok ? '' : r.e.message);
      assert.is(r.ok && r.out, 'ok');
      assert.is(readFileSync(kh, 'utf8'), before, 'no key recorded: the known one was negotiated');
    });
  }
}

test('HostKeyAlgorithms in ssh_config is honoured: asking only for ed25519 with an ECDSA-only known_hosts is refused as unknown (strict)', async () => {
  const kh = knownHostsWith('ecdsa', 'kh-hka');
  const cfg = join(dir, 'ssh_config');
  writeFileSync(cfg, 'Host *\n  HostKeyAlgorithms ssh-ed25519\n');
  const r = await connect(kh, 'strict', cfg);
  assert.not.ok(r.ok);
  if (r.ok) return;
  assert.match(r.e.message, /host key for 127\.0\.0\.1:\d+ is unknown \(server offers ssh-ed25519 SHA256:/);
  assert.match(r.e.message, /known for it: ecdsa-sha2-nistp256 SHA256:\S+ \(.*kh-hka:1\)/);
  // and an explicit RSA-only list gets the RSA key, which an RSA-only known_hosts accepts
  writeFileSync(cfg, 'Host *\n  HostKeyAlgorithms rsa-sha2-512,rsa-sha2-256\n');
  const r2 = await connect(knownHostsWith('rsa', 'kh-hka-rsa'), 'strict', cfg);
  assert.ok(r2.ok, r2.ok ? '' : r2.e.message);
});

test('a key that really changed: refused under accept-new too, naming the old and the new fingerprint', async () => {
  const other = join(dir, 'other_ecdsa');
  execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', other]);
  const pub = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/);
  const kh = join(dir, 'kh-changed');
  writeFileSync(kh, `[127.0.0.1]:${d.port} ${pub[0]} ${pub[1]}\n`);
  const served = readFileSync(`${keys.ecdsa}.pub`, 'utf8').trim().split(/\s+/);
  const oldFp = fingerprint(Buffer.from(pub[1]!, 'base64'));
  const newFp = fingerprint(Buffer.from(served[1]!, 'base64'));
  const r = await connect(kh, 'accept-new');
  assert.not.ok(r.ok);
  if (r.ok) return;
  assert.ok(
    r.e.message.includes(
      `has CHANGED: known ecdsa-sha2-nistp256 ${oldFp} (${kh}:1), server now offers ecdsa-sha2-nistp256 ${newFp}`,
    ),
    r.e.message,
  );
  assert.match(r.e.message, /possible man-in-the-middle attack/);
});

test.run();
