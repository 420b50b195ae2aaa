// test-timeout: 120
/**
 * Issue #10, a hanging command: the task keyword `timeout:` and the `--task-timeout` default (also
 * ansible.cfg task_timeout / ANSIBLE_TASK_TIMEOUT) end it over a real OpenSSH sshd. When the time is up the
 * command's whole process group on the target is killed (no process left: pgrep), the task fails with
 * Ansible's message ("The command action failed to execute in the expected time frame (N) and was
 * terminated", as ansible-core 2.14 words it; see test/ansible-diff/cases/timeout.yml for the comparison),
 * ignore_errors is respected, and the run goes on with the other hosts and tasks.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const dir = mkdtempSync(path.join(tmpdir(), 'rm-tasktimeout-'));
let d: Sshd;
/** `sleep` arguments unique to this run: pgrep -f finds exactly our processes. */
const sleeps = [1, 2, 3].map(() => `sleep 4${randomInt(10000, 99999)}`);

function running(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

interface Ev {
  type: string;
  host?: string;
  task?: string;
  status?: string;
  msg?: string;
  time?: string;
  [k: string]: unknown;
}
const events = (stdout: string): Ev[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Ev);
const result = (evs: Ev[], host: string, task: string) =>
  evs.find((e) => e.type === 'task' && e.host === host && e.task === task);

test.before(async () => {
  d = await startSshd();
  const line = (name: string) =>
    `${name} ansible_host=${d.host} ansible_port=${d.port} ansible_user=${TEST_USERS.nopasswd} ansible_ssh_private_key_file=${d.clientKey} remediate_known_hosts=${d.knownHostsFile}`;
  writeFileSync(path.join(dir, 'inv.ini'), `[all]\n${line('slow')}\n${line('quick')}\n`);
});
test.after(async () => {
  await d?.stop();
  for (const s of sleeps) for (const pid of running(s)) process.kill(Number(pid), 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('timeout: kills the hanging command (its process group) on the target, fails the task, the play goes on', async () => {
  const play = path.join(dir, 'timeout.yml');
  writeFileSync(
    play,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: hangs on slow
      # a shell with two children: the whole group must go
      shell: "{{ '${sleeps[0]} & ${sleeps[0]}; wait' if inventory_hostname == 'slow' else 'echo fine' }}"
      timeout: 2
    - name: next
      command: echo next
`,
  );
  const t0 = Date.now();
  const r = await runCli(
    ['run', play, '-i', path.join(dir, 'inv.ini'), '--output', 'json', '--no-retry-file'],
    {
      timeoutMs: 90_000,
    },
  );
  const took = Date.now() - t0;
  // the CLI only returns after the kill: nothing of the group is left on the target
  assert.equal(running(sleeps[0]), [], 'no process of the timed-out task left on the target');
  const evs = events(r.stdout);
  const slow = result(evs, 'slow', 'hangs on slow');
  assert.ok(slow, r.stdout + r.stderr);
  assert.is(slow!.status, 'failed');
  assert.is(
    slow!.msg,
    'The shell action failed to execute in the expected time frame (2) and was terminated',
  );
  assert.is(result(evs, 'quick', 'hangs on slow')?.status, 'changed');
  assert.is(result(evs, 'quick', 'next')?.status, 'changed', 'the other host goes on');
  assert.is(result(evs, 'slow', 'next'), undefined, 'the failed host stops, as without a timeout');
  assert.is(r.code, 2, r.stderr);
  assert.ok(took < 30_000, `took ${took} ms`);
  process.stdout.write(`timeout 2 s: run ended after ${(took / 1000).toFixed(1)} s, no process left\n`);
});

test('--task-timeout is the default; ignore_errors carries on; a task of its own timeout: 0 is not bounded', async () => {
  const play = path.join(dir, 'default.yml');
  const out = path.join(dir, 'registered.json');
  writeFileSync(
    play,
    `- hosts: slow
  gather_facts: false
  tasks:
    - name: hangs
      command: ${sleeps[1]}
      register: hung
      ignore_errors: true
    - name: unbounded
      command: sleep 2
      timeout: 0
    - name: after
      copy:
        content: "{{ hung | to_json }}"
        dest: ${out}
      delegate_to: localhost
`,
  );
  const t0 = Date.now();
  const r = await runCli(
    [
      'run',
      play,
      '-i',
      path.join(dir, 'inv.ini'),
      '--output',
      'json',
      '--no-retry-file',
      '--task-timeout',
      '1',
    ],
    { timeoutMs: 90_000 },
  );
  const took = Date.now() - t0;
  assert.equal(running(sleeps[1]), []);
  const evs = events(r.stdout);
  assert.is(result(evs, 'slow', 'hangs')?.status, 'ignored', r.stdout + r.stderr);
  assert.is(result(evs, 'slow', 'unbounded')?.status, 'changed', 'timeout: 0 overrides --task-timeout 1');
  assert.is(result(evs, 'slow', 'after')?.status, 'changed');
  assert.is(r.code, 0, r.stderr);
  const { readFileSync } = await import('node:fs');
  // the registered result has ansible-core 2.14's shape
  assert.equal(JSON.parse(readFileSync(out, 'utf8')), {
    changed: false,
    failed: true,
    msg: 'The command action failed to execute in the expected time frame (1) and was terminated',
  });
  process.stdout.write(`--task-timeout 1: run ended after ${(took / 1000).toFixed(1)} s\n`);
});

test('ANSIBLE_TASK_TIMEOUT (ansible.cfg task_timeout) is the default too; a bad value is a usage error', async () => {
  const play = path.join(dir, 'env.yml');
  writeFileSync(play, `- hosts: slow\n  gather_facts: false\n  tasks:\n    - command: ${sleeps[2]}\n`);
  const args = ['run', play, '-i', path.join(dir, 'inv.ini'), '--output', 'json', '--no-retry-file'];
  const r = await runCli(args, { timeoutMs: 90_000, env: { ANSIBLE_TASK_TIMEOUT: '1' } });
  assert.equal(running(sleeps[2]), []);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stdout, /expected time frame \(1\) and was terminated/);
  const bad = await runCli(args, { timeoutMs: 30_000, env: { ANSIBLE_TASK_TIMEOUT: 'soon' } });
  assert.is(bad.code, 5, bad.stderr);
  assert.match(bad.stderr, /ANSIBLE_TASK_TIMEOUT: 'soon' is not a non-negative integer/);
  assert.not.match(bad.stderr, /\n\s+at /, 'no stack trace');
});

test.run();
