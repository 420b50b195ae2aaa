/**
 * The lab's systemctl stand-in, run directly on a unit dir in a temp dir (no lab needed): it answers what
 * the systemd module asks as real systemd would, and it never signals a process it did not start, even
 * when the pid it recorded now belongs to someone else (the host's pids wrap within a minute under load).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUnitState, systemdUnit } from '../../src/facts/systemd';
import { SYSTEMCTL } from '../../src/lab/standin-systemctl';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-systemctl-'));
const bin = path.join(dir, 'systemctl');
const units = path.join(dir, 'units');
const run = path.join(dir, 'run');
const started: ChildProcess[] = [];
fs.writeFileSync(bin, SYSTEMCTL, { mode: 0o755 });
fs.mkdirSync(units);
fs.writeFileSync(
  path.join(units, 'demo.service'),
  '[Unit]\nDescription=Demo unit\n\n[Service]\n' +
    // ready at once (the stand-in waits for NOTIFY_FILE, like Type=notify), then the long-running main process
    `ExecStart=/bin/sh -c 'touch "$NOTIFY_FILE"; exec sleep 1000'\n\n[Install]\nWantedBy=multi-user.target\n`,
);
fs.writeFileSync(path.join(units, 'static.service'), '[Service]\nExecStart=/bin/sleep 1000\n');
// like an apiserver on its port: a second instance cannot start while the first one holds it
const port = path.join(dir, 'port');
fs.writeFileSync(
  path.join(units, 'single.service'),
  `[Service]\nExecStart=flock -n ${port} sh -c 'touch "$NOTIFY_FILE"; exec sleep 1000'\n`,
);

const env = {
  ...process.env,
  PATH: `${dir}:${process.env.PATH}`,
  LAB_SYSTEMCTL_RUN: run,
  LAB_SYSTEMCTL_UNITS: units,
};
function sc(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('/bin/sh', [bin, ...args], { env, encoding: 'utf8', timeout: 20000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** What the systemd module reads: its fact's own shell command, run with the stand-in on the PATH. */
function unitFact(name: string) {
  const script = systemdUnit(name).command.script;
  return parseUnitState(spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8' }).stdout);
}
/** The pid systemctl recorded for demo (first word of its pid file); never 0, which would mean "my group". */
const mainPid = () => {
  const pid = Number(fs.readFileSync(path.join(run, 'demo.pid'), 'utf8').split(/\s/)[0]);
  if (!(pid > 1)) throw new Error(`no main pid recorded for demo: ${pid}`);
  return pid;
};
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test.after(() => {
  sc('stop', 'demo', 'static', 'single');
  for (const c of started) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('is-enabled follows the *.wants links; enable/disable make and remove them; unknown units fail', () => {
  assert.equal(sc('is-enabled', 'demo'), { code: 1, out: 'disabled\n', err: '' });
  assert.is(sc('enable', 'demo.service').code, 0);
  assert.ok(fs.lstatSync(path.join(units, 'multi-user.target.wants', 'demo.service')).isSymbolicLink());
  assert.equal(sc('is-enabled', '--', 'demo.service'), { code: 0, out: 'enabled\n', err: '' });
  assert.equal(sc('is-enabled', '-q', 'static'), { code: 0, out: '', err: '' });
  assert.is(sc('is-enabled', 'static').out, 'static\n');
  const none = sc('is-enabled', 'nosuch.service');
  assert.is(none.code, 1);
  assert.is(none.out, '');
  assert.match(none.err, 'Failed to get unit file state for nosuch.service');
});

test('show -p / --property= / --value, as systemd prints them (also for a unit that does not exist)', () => {
  assert.equal(sc('show', '-p', 'LoadState', '--', 'demo.service').out, 'LoadState=loaded\n');
  assert.equal(sc('show', '--property=LoadState', 'nosuch').out, 'LoadState=not-found\n');
  assert.equal(
    sc('show', '--property=ActiveState,UnitFileState', '-p', 'SubState', 'demo').out,
    'ActiveState=inactive\nUnitFileState=enabled\nSubState=dead\n',
  );
  assert.equal(sc('show', '-pLoadState', '--value', 'demo').out, 'loaded\n');
  assert.match(sc('show', 'demo').out, /^Description=Demo unit$/m);
});

test('the systemd module sees an enabled, loaded unit and its real run state', () => {
  assert.equal(unitFact('demo.service'), {
    active: 'inactive',
    enabled: 'enabled',
    load: 'loaded',
    exists: true,
  });
  assert.is(sc('start', 'demo').code, 0);
  assert.equal(unitFact('demo.service'), {
    active: 'active',
    enabled: 'enabled',
    load: 'loaded',
    exists: true,
  });
  assert.ok(isAlive(mainPid()));
  assert.is(sc('show', '-p', 'MainPID', '--value', 'demo').out, `${mainPid()}\n`);
  assert.equal(unitFact('nosuch.service'), {
    active: 'inactive',
    enabled: '',
    load: 'not-found',
    exists: false,
  });
  const pid = mainPid();
  assert.is(sc('restart', 'demo').code, 0);
  assert.not.ok(isAlive(pid), 'restart stopped the old process');
  assert.ok(isAlive(mainPid()));
});

test("restarts of one unit run one at a time, as systemd jobs do (a killed run's restart, then the next one)", async () => {
  assert.is(sc('start', 'single').code, 0);
  const restarts = Array.from(
    { length: 4 },
    () =>
      new Promise<number | null>((resolve) => {
        const c = spawn('/bin/sh', [bin, 'restart', 'single'], { env, stdio: 'ignore' });
        c.on('close', resolve);
      }),
  );
  assert.equal(await Promise.all(restarts), [0, 0, 0, 0], 'every restart succeeds');
  assert.is(sc('is-active', 'single').out, 'active\n');
});

/** Starts a session leader (like an sshd session) that gets `pid`, via ns_last_pid; undefined if beaten. */
async function processWithPid(pid: number): Promise<ChildProcess | undefined> {
  for (let i = 0; i < 300; i++) {
    fs.writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
    const c = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    started.push(c);
    if (c.pid === pid) return c;
    c.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

test('a unit whose process died: its pid, reused by another session leader, is neither active nor killed', async () => {
  assert.is(sc('start', 'demo').code, 0);
  const dead = mainPid();
  process.kill(dead, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(dead); i++) await new Promise((r) => setTimeout(r, 20));
  const victim = await processWithPid(dead);
  assert.ok(victim, `could not get pid ${dead} reused (machine too busy?)`);
  assert.equal(sc('is-active', 'demo'), { code: 3, out: 'failed\n', err: '' });
  assert.is(sc('stop', 'demo').code, 0);
  assert.is(sc('start', 'demo').code, 0);
  assert.is(sc('restart', 'demo').code, 0);
  await new Promise((r) => setTimeout(r, 300)); // a signalled victim would be reaped by now
  assert.equal(
    [victim!.exitCode, victim!.signalCode],
    [null, null],
    'systemctl signalled a process it did not start',
  );
  assert.is.not(mainPid(), dead);
  victim!.kill('SIGKILL');
});

test.run();
