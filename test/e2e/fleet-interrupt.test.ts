// test-timeout: 900
/**
 * The interrupt test on real labs (real sshd, openssl apiservers, namespaces): fix-apiserver-sans.yml
 * over an N-cluster lab, the controller interrupted halfway through the re-issue task — SIGINT on one lab,
 * SIGKILL on another — then `remediate runs resume RUN` finishes it: every cluster passes `lab verify`, and
 * the journals show no (host, task) that reported `changed` in both runs. A resume after the playbook
 * changed is refused (exit 5) and accepted with --force.
 *
 * N is FLEET_INTERRUPT_CLUSTERS (default 8: 40–120 s on a shared 2-core machine; the 30:
 * FLEET_INTERRUPT_CLUSTERS=30, 3½–6 min there).
 * Forks are N/4 so the re-issue task spans four batches and "halfway" (half the hosts re-issued) is a moment
 * where some hosts changed their certificate and the others did not yet. Phase timings go to stderr.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { labDown, labUp, labVerify } from '../../src/lab';
import { CLI_MAIN, REPO_ROOT, runCli } from '../helpers/cli';

const N = Number(process.env['FLEET_INTERRUPT_CLUSTERS'] ?? 8);
const FORKS = Math.max(2, Math.ceil(N / 4));
const HALF = Math.ceil(N / 2);
const root = fs.mkdtempSync(path.join(tmpdir(), 'remediate-interrupt-'));
const work = path.join(root, 'work');
const PLAYBOOK = path.join(work, 'playbooks', 'fix-apiserver-sans.yml');
const labs = { int: path.join(root, 'lab-int'), kill: path.join(root, 'lab-kill') };
const runsDir = path.join(work, '.remediate', 'runs');
const t0 = Date.now();
const say = (s: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}\n`);

test.before(async () => {
  fs.cpSync(path.join(REPO_ROOT, 'playbooks'), path.join(work, 'playbooks'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'templates'), path.join(work, 'templates'), { recursive: true });
  try {
    await Promise.all(Object.values(labs).map((dir) => labUp({ dir, clusters: N, faults: `sans=${N}` })));
  } catch (e) {
    await teardown();
    throw e;
  }
  say(`two labs of ${N} clusters up; forks ${FORKS}, interrupt after ${HALF} re-issues`);
});

async function teardown(): Promise<void> {
  await Promise.allSettled(Object.values(labs).map((dir) => labDown({ dir })));
  fs.rmSync(root, { recursive: true, force: true });
}
test.after(teardown);

const runIds = () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).sort() : []);
const events = (id: string): RunEvent[] =>
  fs
    .readFileSync(path.join(runsDir, id, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as RunEvent];
      } catch {
        return []; // the last line of a SIGKILLed run may be cut
      }
    });
type Result = Extract<RunEvent, { kind: 'task-result' }>;
const results = (id: string) =>
  events(id).filter((e): e is Result => e.kind === 'task-result' && e.item === undefined && !e.attempt);
const reissued = (id: string) =>
  results(id).filter((e) => e.module === 'x509_reissue' && e.status === 'changed').length;

function inventoryOf(dir: string): [string, string] {
  return [path.join(dir, 'inventory.ini'), path.join(dir, 'ssh_config')];
}

/** Start the fix; once HALF certificates were re-issued (journaled), send the signal; wait for the end. */
async function interrupted(lab: string, signal: NodeJS.Signals) {
  const before = runIds();
  const [inv, cfg] = inventoryOf(lab);
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('tsx/cjs'), CLI_MAIN, 'run', PLAYBOOK, '-i', inv, '-F', cfg, '-f', String(FORKS)],
    {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const ended = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  const started = Date.now();
  let id: string | undefined;
  let done = false;
  while (!done && Date.now() - started < 300_000) {
    id ??= runIds().find((x) => !before.includes(x));
    if (id && fs.existsSync(path.join(runsDir, id, 'events.ndjson')) && reissued(id) >= HALF) break;
    if (child.exitCode !== null) done = true;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(id && !done, `the run was still going when ${HALF} certificates were re-issued:\n${out}`);
  child.kill(signal);
  const code = await ended;
  say(
    `${signal} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${reissued(id!)}/${N} re-issued (exit ${code})`,
  );
  return { id: id!, code, out };
}

/** (host, task location) pairs that reported `changed` in more than one of these runs. */
function changedTwice(ids: string[]): string[] {
  const n = new Map<string, number>();
  for (const id of ids)
    for (const e of results(id))
      if (e.status === 'changed' && !e.result?.['done_in'])
        n.set(`${e.host} ${e.loc}`, (n.get(`${e.host} ${e.loc}`) ?? 0) + 1);
  return [...n].filter(([, c]) => c > 1).map(([k]) => k);
}

/**
 * After the resume: no host re-issued its certificate twice; a host whose re-issue was in flight when the
 * controller stopped (replaced on disk, result never journaled) finds it done in the resume (`ok`), so at
 * most FORKS hosts have no journaled re-issue; every cluster verifies.
 */
async function finished(lab: string, ids: string[]): Promise<void> {
  assert.equal(changedTwice(ids), []);
  const perHost = new Map<string, number>();
  for (const id of ids)
    for (const e of results(id))
      if (e.module === 'x509_reissue' && e.status === 'changed')
        perHost.set(e.host, (perHost.get(e.host) ?? 0) + 1);
  assert.ok(
    [...perHost.values()].every((c) => c === 1),
    JSON.stringify([...perHost]),
  );
  const inFlight = results(ids[1]!).filter((e) => e.module === 'x509_reissue' && e.status === 'ok');
  assert.ok(inFlight.length <= FORKS, `${inFlight.length} re-issues found done by the resume`);
  assert.is(perHost.size + inFlight.length, N, JSON.stringify([...perHost]));
  say(
    `journaled re-issues: ${perHost.size} changed once, ${inFlight.length} found already done by the resume (in flight at the stop)`,
  );
  // the hosts re-issued before the interrupt were skipped as done in the resume, not re-applied
  const skipped = results(ids[1]!).filter(
    (e) => e.module === 'x509_reissue' && e.result?.['done_in'] === ids[0],
  );
  assert.ok(skipped.length >= HALF, `${skipped.length} re-issues skipped as done`);
  const verify = await labVerify({ dir: lab });
  assert.is(verify.length, N);
  assert.ok(
    verify.every((v) => v.ok),
    JSON.stringify(verify.filter((v) => !v.ok)),
  );
}

test(`SIGINT halfway through ${N} clusters; runs resume finishes; every cluster verifies; nothing changed twice`, async () => {
  const first = await interrupted(labs.int, 'SIGINT');
  assert.is(first.code, 99, first.out);
  assert.ok(first.out.includes(`remediate runs resume ${first.id}`), first.out);
  const t = Date.now();
  const r = await runCli(['runs', 'resume', first.id], { cwd: work, timeoutMs: 600_000 });
  assert.is(r.code, 0, r.stdout + r.stderr);
  say(`resume finished in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  assert.match(r.stdout, `TOTAL ${N} hosts: ${N} fixed (changed)`);
  await finished(labs.int, [first.id, runIds().at(-1)!]);
});

test(`SIGKILL halfway through ${N} clusters; a resume after the playbook changed is refused, then accepted with --force`, async () => {
  const first = await interrupted(labs.kill, 'SIGKILL');
  assert.is(first.code, null);
  const list = await runCli(['runs', 'list'], { cwd: work });
  assert.match(list.stdout, new RegExp(`${first.id} .* unfinished \\(killed\\?\\)`));
  fs.appendFileSync(PLAYBOOK, '\n# edited after the run\n');
  const refused = await runCli(['runs', 'resume', first.id], { cwd: work });
  assert.is(refused.code, 5, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /the playbook changed since the run started; refusing to resume/);
  assert.is(runIds().at(-1), first.id, 'a refused resume starts no run');
  const t = Date.now();
  const r = await runCli(['runs', 'resume', first.id, '--force'], {
    cwd: work,
    timeoutMs: 600_000,
  });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, 'warning: resuming although the playbook changed (--force)');
  say(`resume --force finished in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  await finished(labs.kill, [first.id, runIds().at(-1)!]);
});

test.run();
