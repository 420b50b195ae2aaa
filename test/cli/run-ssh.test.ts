/** `remediate run` over real OpenSSH: -F ssh_config, -K become password, host key checking and exit 3. */
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
  dir = fs.mkdtempSync(path.join(sshd.dir, 'cli-'));
  fs.writeFileSync(path.join(dir, 'empty_known_hosts'), '');
  const cfg = (known: string) =>
    `Host t1\n  HostName ${sshd.host}\n  Port ${sshd.port}\n  IdentityFile ${sshd.clientKey}\n  UserKnownHostsFile ${known}\n`;
  fs.writeFileSync(path.join(dir, 'ssh_config'), cfg(sshd.knownHostsFile));
  fs.writeFileSync(path.join(dir, 'ssh_config_unknown'), cfg(path.join(dir, 'empty_known_hosts')));
  fs.writeFileSync(path.join(dir, 'hosts.ini'), `[targets]\nt1 ansible_user=${TEST_USERS.password}\n`);
  fs.writeFileSync(
    path.join(dir, 'who.yml'),
    `- hosts: targets
  gather_facts: false
  tasks:
    - name: who am i
      command: id -un
      register: me
    - name: who am i as root
      command: id -u
      become: true
      when: use_become | default(false) | bool
`,
  );
});
test.after(async () => {
  await sshd?.stop();
});

type Ev = { type?: string; task?: string; result?: { stdout?: string } };
const stdoutOf = (out: string, task: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Ev)
    .find((e) => e.type === 'task' && e.task === task)?.result?.stdout;

test('-F ssh_config reaches the host; -K feeds the become password, which never shows up', async () => {
  const r = await runCli(
    [
      'run',
      'who.yml',
      '-i',
      'hosts.ini',
      '-F',
      'ssh_config',
      '-K',
      '-e',
      'use_become=true',
      '--output',
      'json',
      '--journal',
      'j.ndjson',
      '-vv',
    ],
    { cwd: dir, input: `${TEST_PASSWORD}\n` },
  );
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(stdoutOf(r.stdout, 'who am i')?.trim(), TEST_USERS.password);
  assert.is(stdoutOf(r.stdout, 'who am i as root')?.trim(), '0');
  const journal = fs.readFileSync(path.join(dir, 'j.ndjson'), 'utf8');
  for (const text of [r.stdout, r.stderr, journal])
    assert.not.ok(text.includes(TEST_PASSWORD), 'password leaked');
});

test('unknown host key: strict → unreachable (exit 3, retry file); ANSIBLE_HOST_KEY_CHECKING=False → runs', async () => {
  const strict = await runCli(
    [
      'run',
      'who.yml',
      '-i',
      'hosts.ini',
      '-F',
      'ssh_config_unknown',
      '--host-key-checking',
      'strict',
      '--output',
      'plain',
      '--retry-file',
    ],
    { cwd: dir },
  );
  assert.is(strict.code, 3, strict.stdout + strict.stderr);
  assert.is(fs.readFileSync(path.join(dir, '.remediate', 'retry', 'who.retry'), 'utf8'), 't1\n');
  const off = await runCli(
    ['run', 'who.yml', '-i', 'hosts.ini', '-F', 'ssh_config_unknown', '--output', 'plain'],
    {
      cwd: dir,
      env: { ANSIBLE_HOST_KEY_CHECKING: 'False' },
    },
  );
  assert.is(off.code, 0, off.stdout + off.stderr);
});

test.run();
