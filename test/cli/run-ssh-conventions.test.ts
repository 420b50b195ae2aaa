/**
 * The CLI's SSH conventions over a real OpenSSH sshd: `-k` (password authentication), `--ssh-common-args`
 * (where to connect, which known_hosts), and an ssh_config whose host entry lives in an `Include`d file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';
import { startSshd, TEST_PASSWORD, TEST_USERS, type Sshd } from '../helpers/sshd';

let sshd: Sshd;
let dir: string;

test.before(async () => {
  sshd = await startSshd();
  dir = fs.mkdtempSync(path.join(sshd.dir, 'cliconv-'));
  fs.writeFileSync(
    path.join(dir, 'who.yml'),
    '- hosts: targets\n  gather_facts: false\n  tasks:\n    - name: who am i\n      command: id -un\n',
  );
});
test.after(async () => {
  await sshd?.stop();
});

const stdoutOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type?: string; result?: { stdout?: string } })
    .find((e) => e.type === 'task')?.result?.stdout;

test('-k: password authentication with the password asked once; --ssh-common-args says where', async () => {
  // no key anywhere (HOME without ~/.ssh, no agent): only the password can log in
  fs.writeFileSync(
    path.join(dir, 'pw.ini'),
    `[targets]\nt1 ansible_host=${sshd.host} ansible_user=${TEST_USERS.password}\n`,
  );
  const r = await runCli(
    [
      'run',
      'who.yml',
      '-i',
      'pw.ini',
      '-k',
      '--ssh-common-args',
      `-o Port=${sshd.port} -o UserKnownHostsFile=${sshd.knownHostsFile}`,
      '--output',
      'json',
    ],
    { cwd: dir, input: `${TEST_PASSWORD}\n`, env: { HOME: dir, SSH_AUTH_SOCK: '' } },
  );
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(stdoutOf(r.stdout)?.trim(), TEST_USERS.password);
  assert.match(r.stderr, /SSH password: /);
  assert.not.ok((r.stdout + r.stderr).includes(TEST_PASSWORD), 'password leaked');
  // without -k the same run cannot authenticate: unreachable, exit 3
  const no = await runCli(
    [
      'run',
      'who.yml',
      '-i',
      'pw.ini',
      '--ssh-common-args',
      `-o Port=${sshd.port} -o UserKnownHostsFile=${sshd.knownHostsFile}`,
    ],
    { cwd: dir, env: { HOME: dir, SSH_AUTH_SOCK: '' } },
  );
  assert.is(no.code, 3, no.stdout + no.stderr);
});

test('ssh_config Include: the host entry in an included file (glob) is what reaches the host', async () => {
  const d = path.join(dir, 'config.d');
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(d, '50-lab.conf'),
    `Host t2\n  HostName ${sshd.host}\n  Port ${sshd.port}\n  User ${TEST_USERS.nopasswd}\n  IdentityFile ${sshd.clientKey}\n  UserKnownHostsFile ${sshd.knownHostsFile}\n`,
  );
  fs.writeFileSync(path.join(dir, 'ssh_config'), `Include ${d}/*.conf\nHost *\n  Port 1\n`);
  fs.writeFileSync(path.join(dir, 'inc.ini'), '[targets]\nt2\n');
  const r = await runCli(['run', 'who.yml', '-i', 'inc.ini', '-F', 'ssh_config', '--output', 'json'], {
    cwd: dir,
    env: { HOME: dir, SSH_AUTH_SOCK: '' },
  });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(stdoutOf(r.stdout)?.trim(), TEST_USERS.nopasswd);
});

test('ansible_ssh_common_args the transport cannot honour: a warning naming the host, the run goes on', async () => {
  fs.writeFileSync(
    path.join(dir, 'warn.ini'),
    `[targets]\nt3 ansible_host=${sshd.host} ansible_port=${sshd.port} ansible_user=${TEST_USERS.nopasswd} ` +
      `ansible_ssh_private_key_file=${sshd.clientKey} ` +
      `ansible_ssh_common_args="-o UserKnownHostsFile=${sshd.knownHostsFile} -o ForwardAgent=yes"\n`,
  );
  const r = await runCli(['run', 'who.yml', '-i', 'warn.ini', '--output', 'json'], {
    cwd: dir,
    env: { HOME: dir, SSH_AUTH_SOCK: '' },
  });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(stdoutOf(r.stdout)?.trim(), TEST_USERS.nopasswd);
  assert.match(r.stderr + r.stdout, /t3: ansible_ssh_common_args "[^"]*": -o ForwardAgent is not supported/);
});

test.run();
