import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI_MAIN } from '../helpers/cli';

/** PIDs of processes whose argv is exactly `sleep TOKEN` (the token is unique to this test run). */
function sleepers(token: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8') === `sleep\0${token}\0`) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

test('Ctrl-C (SIGINT to the process group) ends a run with exit 99', async () => {
  const token = `60.${process.pid}${Math.floor(Math.random() * 1e6)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-sigint-'));
  fs.writeFileSync(path.join(dir, 'hosts.ini'), 'alpha ansible_connection=local\n');
  fs.writeFileSync(
    path.join(dir, 'slow.yml'),
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: sleep\n      command: sleep ${token}\n    - name: never\n      command: touch never\n`,
  );
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('tsx/cjs'), CLI_MAIN, 'run', 'slow.yml', '-i', 'hosts.ini'],
    {
      cwd: dir,
      detached: true, // its own process group, like a foreground job in a terminal
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    // wait until the task has started
    for (let i = 0; i < 100 && !out.includes('TASK [sleep]'); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(out.includes('TASK [sleep]'), out);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref()),
    ]);
    assert.is(code, 99, out);
    assert.match(out, /interrupted/);
    // the abort reached the running command: the run ended by itself, not by the grace-period exit
    assert.not.match(out, /abandoned/);
    assert.match(out, /PLAY RECAP/);
    assert.not.ok(fs.existsSync(path.join(dir, 'never')), 'no task after the interrupt');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const pid of sleepers(token)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
