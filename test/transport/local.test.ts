import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { argv, script, sh } from '../../src/command';
import { ModuleError } from '../../src/errors';
import { LocalTransport } from '../../src/transport/local';
import { connectionType, createTransportFactory } from '../../src/transport/index';
import { onlyIf, requireRoot } from '../helpers/skip';

const t = new LocalTransport('localhost');
/** Tests that switch user with su need root; elsewhere they are visible skips (a failure under CI=true). */
const asRoot = onlyIf(test, requireRoot());
let dir = '';

test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-local-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('exit codes and separate stdout/stderr', async () => {
  const r = await t.exec(script('echo out; echo err >&2; exit 3'));
  assert.is(r.code, 3);
  assert.is(r.signal, null);
  assert.is(r.stdout, 'out\n');
  assert.is(r.stderr, 'err\n');
  assert.ok(r.durationMs >= 0);
  assert.is((await t.exec(script('true'))).code, 0);
});

test('env is merged, cwd and stdin are applied', async () => {
  const r = await t.exec(script('printf "%s|%s|" "$FOO" "$(pwd)"; cat; [ -n "$PATH" ] && echo path'), {
    env: { FOO: 'b a r' },
    cwd: dir,
    stdin: 'in\nput',
  });
  assert.is(r.stdout, `b a r|${await fsp.realpath(dir)}|in\nputpath\n`);
  const missing = await t.exec(script('echo never'), { cwd: path.join(dir, 'nope') });
  assert.is.not(missing.code, 0);
  assert.is(missing.stdout, '');
});

test('output cap truncates and sets truncated', async () => {
  const r = await t.exec(script('head -c 100000 /dev/zero | tr "\\0" x; echo e >&2'), { maxOutput: 1000 });
  assert.is(r.stdout.length, 1000);
  assert.is(r.truncated, true);
  assert.is(r.stderr, 'e\n');
  assert.is(r.code, 0);
});

/** Running (a zombie waiting for a reaper that is not ours counts as gone). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

test('timeout kills the command and its children', async () => {
  const pids = path.join(dir, 'timeout-pids');
  const r = await t.exec(sh`sleep 30 & echo $$ $! > ${pids}; wait`, { timeoutMs: 1000 });
  assert.is(r.timedOut, true);
  assert.is(r.code, null);
  assert.ok(r.signal);
  // The behaviour, not the clock: the shell and its background child are gone when exec returns.
  const [shell, child] = (await fsp.readFile(pids, 'utf8')).trim().split(' ').map(Number);
  assert.ok(shell > 0 && child > 0, 'the command ran before the timeout');
  for (let i = 0; i < 50 && alive(child); i++) await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(alive(shell), 'the shell is gone');
  assert.not.ok(alive(child), 'its background child is gone');
});

test('abort (Ctrl-C) kills the running command and its children; exec rejects with AbortError', async () => {
  const pids = path.join(dir, 'abort-pids');
  const ac = new AbortController();
  const running = t.exec(sh`sleep 30 & echo $$ $! > ${pids}; wait`, { signal: ac.signal });
  let text = '';
  for (let i = 0; i < 1000 && !/\d+ \d+/.test(text); i++) {
    await new Promise((r) => setTimeout(r, 20));
    text = await fsp.readFile(pids, 'utf8').catch(() => '');
  }
  const [shell, child] = text.trim().split(' ').map(Number);
  assert.ok(alive(shell) && alive(child), `started: ${text}`);
  ac.abort();
  const err = await running.then(
    () => undefined,
    (e: Error) => e,
  );
  assert.is(err?.name, 'AbortError', 'exec rejects');
  for (let i = 0; i < 50 && alive(child); i++) await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(alive(shell), 'the shell is gone');
  assert.not.ok(alive(child), 'its background child is gone');
  // already aborted: nothing runs
  const marker = path.join(dir, 'never-run');
  const late = await t.exec(sh`touch ${marker}`, { signal: ac.signal }).catch((e: Error) => e);
  assert.is((late as Error).name, 'AbortError');
  assert.not.ok(await fsp.stat(marker).catch(() => false));
});

test('a command still running when the controller exits is killed with it', async () => {
  const marker = path.join(dir, 'orphan');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'tsx/cjs',
      '-e',
      `const { LocalTransport } = require(${JSON.stringify(path.resolve(__dirname, '../../src/transport/local'))});
       const { script } = require(${JSON.stringify(path.resolve(__dirname, '../../src/command'))});
       new LocalTransport().exec(script('echo $$; sleep 30; touch ${marker}'), { onStdout: (c) => { process.stdout.write(c); process.exit(0); } });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = await new Promise<number>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  await new Promise((r) => child.once('exit', r));
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    // Gone, or a zombie waiting for a reaper (containers' PID 1 may not reap): either way not running.
    const st = await fsp.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    alive = st !== '' && st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z';
    if (alive) await new Promise((r) => setTimeout(r, 20));
  }
  assert.is(alive, false);
});

test('live output chunks reach onStdout/onStderr', async () => {
  const out: string[] = [];
  const err: string[] = [];
  await t.exec(script('echo a; echo b >&2'), { onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
  assert.is(out.join(''), 'a\n');
  assert.is(err.join(''), 'b\n');
});

test('hostile words in argv are never executed', async () => {
  const pwned = path.join(dir, 'pwned');
  const words = ['echo', `$(touch ${pwned})`, '`touch ' + pwned + '`', "it's", 'a\nb', '; touch ' + pwned];
  const r = await t.exec(argv(words));
  assert.is(r.code, 0);
  assert.is(r.stdout, words.slice(1).join(' ') + '\n');
  await assert.not.ok(await fsp.stat(pwned).catch(() => false));
});

test('become to the current user runs directly', async () => {
  const me = os.userInfo().username;
  const r = await t.exec(script('id -un'), { become: { method: 'sudo', user: me } });
  assert.is(r.stdout.trim(), me);
});

asRoot('become to another user (su as root)', async () => {
  const r = await t.exec(script('id -un; echo "$FOO"; pwd; cat; echo e >&2'), {
    become: { method: 'su', user: 'nobody' },
    env: { FOO: 'x y' },
    cwd: '/',
    stdin: 'from-stdin\n',
  });
  assert.is(r.stdout, 'nobody\nx y\n/\nfrom-stdin\n');
  assert.is(r.stderr, 'e\n');
  assert.is(r.code, 0);
  let err: unknown;
  await t
    .exec(script('true'), { become: { method: 'su', user: 'no-such-user-xyz' } })
    .catch((e) => (err = e));
  assert.match(String(err), /become failed/);
});

test('put writes atomically, reports unchanged for identical content, sets mode', async () => {
  const f = path.join(dir, 'a.txt');
  const r1 = await t.put(f, Buffer.from('hello\n'), { mode: 0o640 });
  assert.is(r1.changed, true);
  assert.is(r1.sha256, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  assert.is((await fsp.stat(f)).mode & 0o777, 0o640);
  const r2 = await t.put(f, Buffer.from('hello\n'), { mode: 0o640 });
  assert.is(r2.changed, false);
  const r3 = await t.put(f, Buffer.from('hello\n'), { mode: 0o600 });
  assert.is(r3.changed, true);
  assert.is((await fsp.stat(f)).mode & 0o777, 0o600);
  // without mode, replacing keeps the existing mode
  await t.put(f, Buffer.from('other\n'));
  assert.is((await fsp.stat(f)).mode & 0o777, 0o600);
  assert.is(await fsp.readFile(f, 'utf8'), 'other\n');
  assert.equal(
    readdirSync(dir).filter((n) => n.includes('remediate')),
    [],
  );
});

test('put failing (bad owner) leaves the old file and no temp file', async () => {
  const f = path.join(dir, 'keep.txt');
  await fsp.writeFile(f, 'old\n');
  try {
    await t.put(f, Buffer.from('new\n'), { owner: 'no-such-user-xyz' });
    assert.unreachable('should throw');
  } catch (e) {
    assert.match(String(e), /no such user/);
  }
  // a write interrupted after the temp file exists: directory target makes rename fail
  const d = path.join(dir, 'isdir');
  await fsp.mkdir(d);
  await fsp.writeFile(path.join(d, 'x'), 'x');
  let threw = false;
  await t.put(d, Buffer.from('new\n')).catch(() => (threw = true));
  assert.ok(threw);
  assert.is(await fsp.readFile(f, 'utf8'), 'old\n');
  assert.equal(
    readdirSync(dir).filter((n) => n.includes('remediate')),
    [],
  );
});

asRoot('put through the shell script (become path) is atomic and idempotent', async () => {
  const f = path.join(dir, 'b.txt');
  const r1 = await t
    .put(f, Buffer.from('x\n'), { mode: 0o644, become: { method: 'su', user: 'nobody' } })
    .catch((e) => e as Error);
  // nobody cannot write into a root-owned 0700 temp dir: an error, and no leftovers
  assert.instance(r1, Error);
  await fsp.chmod(dir, 0o777);
  const r2 = await t.put(f, Buffer.from('x\n'), { mode: 0o644, become: { method: 'su', user: 'nobody' } });
  assert.is(r2.changed, true);
  const st = await fsp.stat(f);
  assert.is(st.mode & 0o777, 0o644);
  const r3 = await t.put(f, Buffer.from('x\n'), { mode: 0o644, become: { method: 'su', user: 'nobody' } });
  assert.is(r3.changed, false);
  assert.is(await fsp.readFile(f, 'utf8'), 'x\n');
  const got = await t.get(f, { become: { method: 'su', user: 'nobody' } });
  assert.is(got.toString(), 'x\n');
  await fsp.chmod(dir, 0o700);
  assert.equal(
    readdirSync(dir).filter((n) => n.includes('remediate')),
    [],
  );
});

test('put into a missing directory: a typed error naming host and path, with a hint', async () => {
  let err: unknown;
  await t.put(path.join(dir, 'no-dir', 'f'), Buffer.from('x')).catch((e) => (err = e));
  assert.instance(err, ModuleError);
  assert.match(String((err as ModuleError).message), /^localhost: cannot write .*no-dir\/f: ENOENT/);
  assert.match(String((err as ModuleError).hint), /destination directory/);
});

asRoot('get through become keeps binary content', async () => {
  const f = path.join(dir, 'bin-become');
  await fsp.writeFile(f, Buffer.from([0, 1, 255, 10, 13]));
  await fsp.chmod(dir, 0o755);
  await fsp.chmod(f, 0o644);
  const got = await t.get(f, { become: { method: 'su', user: 'nobody' } });
  await fsp.chmod(dir, 0o700);
  assert.equal([...got], [0, 1, 255, 10, 13]);
});

test('get reads a file and throws for a missing one', async () => {
  const f = path.join(dir, 'g.bin');
  await fsp.writeFile(f, Buffer.from([0, 1, 2, 255]));
  assert.equal([...(await t.get(f))], [0, 1, 2, 255]);
  let threw = false;
  await t.get(path.join(dir, 'missing')).catch(() => (threw = true));
  assert.ok(threw);
});

test('factory: ansible_connection local, implicit localhost, ssh otherwise', () => {
  assert.is(connectionType({ name: 'localhost', vars: {} }), 'local');
  assert.is(connectionType({ name: '127.0.0.1', vars: {} }), 'local');
  assert.is(connectionType({ name: 'kube01', vars: {} }), 'ssh');
  assert.is(connectionType({ name: 'kube01', vars: { ansible_connection: 'local' } }), 'local');
  assert.is(connectionType({ name: 'localhost', vars: { ansible_connection: 'ssh' } }), 'ssh');
  assert.throws(() => connectionType({ name: 'x', vars: { ansible_connection: 'winrm' } }), /unsupported/);
  const f = createTransportFactory();
  const lt = f({ name: 'web', vars: { ansible_connection: 'local' } });
  assert.instance(lt, LocalTransport);
  assert.is(lt.host, 'web');
});

test.run();
