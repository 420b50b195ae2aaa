// test-timeout: 180
/**
 * Issue #10: sshd killed mid-run, sshd refusing connections (MaxStartups 1:100:1), and a controller out of
 * file descriptors (`ulimit -n 64` with 200 host aliases on one sshd), each through the CLI against a real
 * OpenSSH sshd. Every host must end in a reported outcome (ok, or failed/unreachable with a reason), the
 * run must end within a bound with its documented exit code, and nothing may print a stack trace or an
 * internal error. (The transport-level cases — sshd killed under running commands, a MaxStartups drop
 * retried once — are in test/transport/ssh-fleet.test.ts and ssh-pool.test.ts.)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI_MAIN, REPO_ROOT, runCli, type CliResult } from '../helpers/cli';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const dir = mkdtempSync(path.join(tmpdir(), 'rm-sshdlimits-'));
const sshds: Sshd[] = [];
const cleanups: (() => void)[] = [];
test.after(async () => {
  for (const d of sshds) await d.stop();
  for (const c of cleanups) c();
  rmSync(dir, { recursive: true, force: true });
});

async function sshd(opts: Parameters<typeof startSshd>[0] = {}): Promise<Sshd> {
  const d = await startSshd(opts);
  sshds.push(d);
  return d;
}

const hostLine = (name: string, d: Sshd) =>
  `${name} ansible_host=${d.host} ansible_port=${d.port} ansible_user=${TEST_USERS.nopasswd} ansible_ssh_private_key_file=${d.clientKey} remediate_known_hosts=${d.knownHostsFile}`;

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

interface Ev {
  type: string;
  host?: string;
  task?: string;
  status?: string;
  msg?: string;
}
const events = (stdout: string): Ev[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Ev);

/** No stack trace, no internal error, in anything the CLI wrote. */
function noCrash(r: CliResult): void {
  const all = r.stdout + r.stderr;
  assert.not.match(all, /\n\s+at .*[\\/(][^\s]*\.[jt]s:\d+/, 'no stack trace');
  assert.not.match(all, /internal error|report it/i, 'no internal error');
}

/** The CLI under `ulimit -n N` (bash sets the limit, then execs node). */
function runCliLimited(nofile: number, args: string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const node = [process.execPath, '-r', require.resolve('tsx/cjs'), CLI_MAIN, ...args];
    const quoted = node.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('bash', ['-c', `ulimit -n ${nofile} && exec ${quoted}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('controller out of file descriptors (ulimit -n 64, 200 hosts on one sshd): every host reported, with the reason', async () => {
  const d = await sshd();
  const inv = write(
    'inv200.ini',
    `[all]\n${Array.from({ length: 200 }, (_, i) => hostLine(`n${i}`, d)).join('\n')}\n`,
  );
  const play = write(
    'fd.yml',
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: one\n      command: echo one\n    - name: two\n      command: echo two\n`,
  );
  const t0 = Date.now();
  const r = await runCliLimited(64, ['run', play, '-i', inv, '--output', 'json', '--no-retry-file'], 120_000);
  const took = Date.now() - t0;
  noCrash(r);
  assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
  const evs = events(r.stdout);
  const first = new Map(evs.filter((e) => e.type === 'task' && e.task === 'one').map((e) => [e.host!, e]));
  assert.is(first.size, 200, 'every host has an outcome for the first task');
  const ok = [...first.values()].filter((e) => e.status === 'changed');
  const unreachable = [...first.values()].filter((e) => e.status === 'unreachable');
  assert.is(ok.length + unreachable.length, 200, 'each host changed or unreachable');
  for (const e of unreachable)
    assert.match(
      String(e.msg),
      /controller ran out of file descriptors \(EMFILE: too many open files; ulimit -n is 64\)/,
    );
  assert.ok(ok.length > 0, 'the hosts that got a descriptor ran');
  for (const e of ok)
    assert.is(
      evs.find((x) => x.type === 'task' && x.task === 'two' && x.host === e.host)?.status,
      'changed',
      `${e.host} went on to the next task`,
    );
  process.stdout.write(
    `ulimit -n 64, 200 hosts: ${ok.length} ran, ${unreachable.length} unreachable (EMFILE, named), exit ${r.code}, ${(took / 1000).toFixed(1)} s\n`,
  );
});

test('sshd refusing (MaxStartups 1:100:1, 30 hosts at once): each host ok or unreachable with a reason', async () => {
  const d = await sshd({ maxStartups: '1:100:1' });
  const inv = write(
    'inv30.ini',
    `[all]\n${Array.from({ length: 30 }, (_, i) => hostLine(`m${i}`, d)).join('\n')}\n`,
  );
  const play = write(
    'ms.yml',
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: one\n      command: echo one\n`,
  );
  const t0 = Date.now();
  const r = await runCli(['run', play, '-i', inv, '--output', 'json', '--no-retry-file'], {
    timeoutMs: 120_000,
  });
  const took = Date.now() - t0;
  noCrash(r);
  assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
  const outcomes = new Map(
    events(r.stdout)
      .filter((e) => e.type === 'task')
      .map((e) => [e.host!, e]),
  );
  assert.is(outcomes.size, 30, 'every host has an outcome');
  const refused = [...outcomes.values()].filter((e) => e.status === 'unreachable');
  for (const e of outcomes.values())
    assert.ok(['changed', 'unreachable'].includes(e.status!), JSON.stringify(e));
  for (const e of refused)
    assert.match(
      String(e.msg),
      /closed the connection before the SSH handshake|reset by the server|MaxStartups/,
      String(e.msg),
    );
  assert.is(r.code, refused.length ? 3 : 0);
  process.stdout.write(
    `MaxStartups 1:100:1, 30 hosts: ${30 - refused.length} ok, ${refused.length} unreachable with the reason, ${(took / 1000).toFixed(1)} s\n`,
  );
});

test('sshd killed mid-run: its hosts unreachable with the reason, the other sshd`s hosts finish the play', async () => {
  const a = await sshd();
  const b = await sshd();
  // the test users on the target write here: a directory of its own under /tmp, not inside our 0700 one
  const marks = mkdtempSync(path.join(tmpdir(), 'rm-marks-'));
  chmodSync(marks, 0o1777);
  cleanups.push(() => rmSync(marks, { recursive: true, force: true }));
  const release = path.join(marks, 'release');
  const inv = write(
    'inv-kill.ini',
    `[all]\n${hostLine('a0', a)}\n${hostLine('a1', a)}\n${hostLine('b0', b)}\n${hostLine('b1', b)}\n`,
  );
  const play = write(
    'kill.yml',
    `- hosts: all
  gather_facts: false
  tasks:
    - name: wait
      shell: "touch ${marks}/{{ inventory_hostname }}; until [ -e ${release} ]; do sleep 0.05; done; echo done"
    - name: after
      command: echo after
`,
  );
  const running = runCli(
    ['run', play, '-i', inv, '--output', 'json', '--no-retry-file', '--connect-retries', '1'],
    {
      timeoutMs: 120_000,
    },
  );
  const started = () => ['a0', 'a1', 'b0', 'b1'].every((h) => existsSync(path.join(marks, h)));
  for (let i = 0; i < 600 && !started(); i++) await new Promise((res) => setTimeout(res, 50));
  assert.ok(started(), 'all four commands started');
  a.kill();
  writeFileSync(release, '');
  const r = await running;
  noCrash(r);
  assert.is(r.code, 3, r.stderr);
  const evs = events(r.stdout);
  const st = (h: string, t: string) => evs.find((e) => e.type === 'task' && e.host === h && e.task === t);
  for (const h of ['a0', 'a1']) {
    assert.is(st(h, 'wait')?.status, 'unreachable', JSON.stringify(st(h, 'wait')));
    assert.match(String(st(h, 'wait')?.msg), /connection lost while running/);
  }
  for (const h of ['b0', 'b1']) assert.is(st(h, 'after')?.status, 'changed', `${h} finished`);
});

test.run();
