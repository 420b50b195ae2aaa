/**
 * Secrets never leave the transport in words: login and become passwords, key passphrases and private key
 * material appear in no debug line (-vvvv), warning, error message, hint, cause or command output, on
 * success or on failure. Everything the transport says is captured and grepped. Real sshd on loopback.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script, secret } from '../../src/command';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { runCli } from '../helpers/cli';
import { makeKey, startSshd, TEST_PASSWORD, TEST_USERS, type Sshd } from '../helpers/sshd';

const PASSPHRASE = 'Pass-phrase-77';
const WRONG = ['Wrong-login-pw-1', 'Wrong-become-pw-2', 'Wrong-phrase-3'];

let d: Sshd;
let work: string;
test.before(async () => {
  d = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'rm-ssh-secrets-'));
  chmodSync(work, 0o700);
});
test.after(async () => {
  await d?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Every string reachable from an error: message, hint, stack, cause chain, own fields. */
function errorText(e: unknown, depth = 0): string {
  if (!(e instanceof Error) || depth > 4) return String(e);
  const own = Object.getOwnPropertyNames(e).map((k) => {
    const v = (e as unknown as Record<string, unknown>)[k];
    if (k === 'cause') return errorText(v, depth + 1);
    try {
      return typeof v === 'string' ? v : JSON.stringify(v);
    } catch {
      return String(v);
    }
  });
  return own.join('\n');
}

test('passwords, passphrases and key material appear nowhere in what the transport says', async () => {
  const encKey = makeKey(work, 'enc_key', PASSPHRASE);
  d.authorize(TEST_USERS.nopasswd, `${encKey}.pub`);
  const said: string[] = [];
  const f = createSshTransportFactory({
    connectRetries: 0,
    debug: (m) => said.push(m),
    onWarning: (m) => said.push(m),
  });
  const base = { ansible_host: d.host, ansible_port: d.port, remediate_known_hosts: d.knownHostsFile };
  const noKey = join(work, 'absent');
  let n = 0;
  const host = (v: Record<string, unknown>) => f({ name: `s${++n}`, vars: { ...base, ...v } });
  const keep = async (p: Promise<{ stdout: string; stderr: string }>) => {
    try {
      const r = await p;
      said.push(r.stdout, r.stderr);
      return true;
    } catch (e) {
      said.push(errorText(e));
      return false;
    }
  };
  try {
    const pw = host({ ansible_user: TEST_USERS.password, ansible_password: TEST_PASSWORD, ansible_ssh_private_key_file: noKey }); // prettier-ignore
    const become = { method: 'sudo' as const, user: 'root', password: secret(TEST_PASSWORD) };
    assert.ok(await keep(pw.exec(script('id -un'), { become })), 'password login + sudo password');
    assert.not.ok(await keep(pw.exec(script('id'), { become: { ...become, password: secret(WRONG[1]!) } })));
    const enc = host({ ansible_user: TEST_USERS.nopasswd, ansible_ssh_private_key_file: encKey, ansible_ssh_private_key_passphrase: PASSPHRASE }); // prettier-ignore
    assert.ok(await keep(enc.exec(script('echo ok'))), 'encrypted key with its passphrase');
    const su = { method: 'su' as const, user: TEST_USERS.password, password: secret(TEST_PASSWORD) };
    assert.ok(await keep(enc.exec(script('id -un'), { become: su })), 'su with a password');
    const badPw = host({ ansible_user: TEST_USERS.password, ansible_password: WRONG[0], ansible_ssh_private_key_file: noKey }); // prettier-ignore
    assert.not.ok(await keep(badPw.exec(script('true'))));
    const badPhrase = host({ ansible_user: TEST_USERS.nopasswd, ansible_ssh_private_key_file: encKey, ansible_ssh_private_key_passphrase: WRONG[2] }); // prettier-ignore
    assert.not.ok(await keep(badPhrase.exec(script('true'))));
  } finally {
    await f.closeAll();
  }
  const all = said.join('\n');
  assert.ok(said.length > 50, 'debug lines were captured');
  assert.match(all, /authentication failed/);
  for (const s of [TEST_PASSWORD, PASSPHRASE, ...WRONG]) assert.not.ok(all.includes(s), `"${s}" leaked`);
  for (const file of [encKey, d.clientKey]) {
    const body = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'));
    for (const line of body) assert.not.ok(all.includes(line), `private key line of ${file} leaked`);
  }
  assert.not.match(all, /PRIVATE KEY/);
});

test('remediate run -vvvv (transport debug on): no secret in stdout, stderr or the journal', async () => {
  const encKey = makeKey(work, 'enc_key', PASSPHRASE);
  d.authorize(TEST_USERS.nopasswd, `${encKey}.pub`);
  const common = `ansible_host=${d.host} ansible_port=${d.port} remediate_known_hosts=${d.knownHostsFile}`;
  writeFileSync(
    join(work, 'hosts.ini'),
    [
      '[t]',
      `pw ${common} ansible_user=${TEST_USERS.password} ansible_password=${TEST_PASSWORD} ansible_become_password=${TEST_PASSWORD} ansible_ssh_private_key_file=${join(work, 'absent')}`,
      `enc ${common} ansible_user=${TEST_USERS.nopasswd} ansible_ssh_private_key_file=${encKey} ansible_ssh_private_key_passphrase=${PASSPHRASE}`,
      `bad ${common} ansible_user=${TEST_USERS.password} ansible_password=${WRONG[0]} ansible_ssh_private_key_file=${join(work, 'absent')}`,
      `badbecome ${common} ansible_user=${TEST_USERS.password} ansible_password=${TEST_PASSWORD} ansible_become_password=${WRONG[1]} ansible_ssh_private_key_file=${join(work, 'absent')}`,
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(work, 'pb.yml'),
    `- hosts: t\n  gather_facts: false\n  tasks:\n    - command: id -u\n      become: true\n`,
  );
  const out: string[] = [];
  for (const output of ['plain', 'json']) {
    const r = await runCli(
      ['run', 'pb.yml', '-i', 'hosts.ini', '-vvvv', '--output', output, '--journal', `j-${output}.ndjson`],
      { cwd: work },
    );
    assert.ok([2, 3].includes(r.code ?? -1), r.stdout + r.stderr); // a failed and an unreachable host
    out.push(r.stdout, r.stderr, readFileSync(join(work, `j-${output}.ndjson`), 'utf8'));
  }
  const all = out.join('\n');
  assert.match(all, /Handshake|KEX|Outbound/, 'transport debug lines were printed');
  assert.match(all, /^enc: Client: Trying /m, 'debug lines name their host');
  assert.match(all, /authentication failed/);
  assert.match(all, /incorrect become password/);
  for (const s of [TEST_PASSWORD, PASSPHRASE, WRONG[0]!, WRONG[1]!])
    assert.not.ok(all.includes(s), `"${s}" leaked`);
  const body = readFileSync(encKey, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'));
  for (const line of body) assert.not.ok(all.includes(line), 'private key material leaked');
});

test.run();
