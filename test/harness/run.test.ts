/**
 * test/run.js itself, against the fixture files in test/fixtures/runner (outside discovery): a hanging file,
 * a throwing before hook, a skip under CI=true and a file without tests each fail the run, naming the file
 * and the reason; a hanging file's process group is killed; skips count right; the closing line keeps its
 * shape. The runs go in parallel with a 3 s timeout, so the whole file takes a few seconds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.resolve(__dirname, '../..');
const fixture = (n: string) => `test/fixtures/runner/${n}.ts`;
const CLOSING = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m;

interface Run {
  code: number | null;
  out: string;
}

function runJs(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['test/run.js', '--timeout', '3', ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const work = mkdtempSync(path.join(tmpdir(), 'remediate-run-js-'));
const pidFile = path.join(work, 'hang.pid');
let runs: Record<string, Run> = {};

test.before(async () => {
  const [hang, hook, skipCI, skipLocal, empty] = await Promise.all([
    runJs([fixture('hangs')], { HANG_PID_FILE: pidFile }),
    runJs([fixture('before-throws')]),
    runJs([fixture('skips')], { CI: 'true' }),
    runJs([fixture('skips')]),
    runJs([fixture('no-tests')]),
  ]);
  runs = { hang, hook, skipCI, skipLocal, empty };
});
test.after(() => rmSync(work, { recursive: true, force: true }));

test('a hanging file fails the run at its timeout, and its whole process group is killed', () => {
  const { code, out } = runs['hang']!;
  assert.is(code, 1, out);
  assert.match(out, /FAIL test\/fixtures\/runner\/hangs\.ts \(timed out after 3s \(process group killed\)/);
  assert.match(out, /failed files:\n {2}test\/fixtures\/runner\/hangs\.ts: timed out after 3s/);
  assert.ok(existsSync(pidFile), 'the fixture started its child');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  assert.not.ok(alive(pid), `the hanging file's child ${pid} was killed with its group`);
});

test('a throwing before hook fails the run and shows the error (uvu alone exits 0)', () => {
  const { code, out } = runs['hook']!;
  assert.is(code, 1, out);
  assert.match(
    out,
    /HOOK FAILED test\/fixtures\/runner\/before-throws\.ts — before hook: Error: sshd did not start/,
  );
  assert.match(out, /test\/fixtures\/runner\/before-throws\.ts: exit code 1; a before\/after hook threw/);
  assert.match(out, /^0 passed, 2 failed, 0 skipped$/m);
});

test('a skip under CI=true fails the run, naming the file and why', () => {
  const { code, out } = runs['skipCI']!;
  assert.is(code, 1, out);
  assert.match(
    out,
    /SKIP test\/fixtures\/runner\/skips\.ts — "needs a tool nobody has": needs remediate-no-such-tool/,
  );
  assert.match(out, /test\/fixtures\/runner\/skips\.ts: exit code 1; skipped 1 test\(s\) under CI=true/);
});

test('outside CI a skip is visible and counted, and the run passes', () => {
  const { code, out } = runs['skipLocal']!;
  assert.is(code, 0, out);
  assert.match(out, /^ok {3}test\/fixtures\/runner\/skips\.ts \(1\/1, 1 skipped, /m);
  assert.match(out, /skipped:\n {2}SKIP test\/fixtures\/runner\/skips\.ts — "needs a tool nobody has"/);
  assert.equal(out.match(CLOSING)?.slice(1), ['1', '0', '1']);
});

test('a file that declares no tests fails the run', () => {
  const { code, out } = runs['empty']!;
  assert.is(code, 1, out);
  assert.match(out, /test\/fixtures\/runner\/no-tests\.ts: reports no tests/);
});

test('the closing line keeps its shape in every case', () => {
  for (const [name, r] of Object.entries(runs))
    assert.match(r.out.trimEnd().split('\n').at(-1)!, CLOSING, name);
});

test.run();
