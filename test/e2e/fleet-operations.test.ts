/**
 * Fleet operations on real labs (real sshd, openssl, namespaces): the grouped summary and both report
 * formats against a known fault mix (sans, healthy, key-mismatch, no-ca-key, unreachable), a JSON report
 * valid against schemas/fleet-report.schema.json; three `--shard I/3` processes merged by `runs merge`
 * give the single-controller report; a run interrupted halfway (SIGINT, and SIGKILL) is finished by
 * `runs resume`, every fixable cluster passes `lab verify`, and the journals show no state-changing step
 * applied twice; a resume after the playbook changed is refused.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv/dist/2020';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { labDown, labUp, labVerify, type LabInfo } from '../../src/lab';
import { CLI_MAIN, REPO_ROOT, runCli, type CliResult } from '../helpers/cli';

const root = fs.mkdtempSync(path.join(tmpdir(), 'remediate-fleet-'));
const mixDir = path.join(root, 'mix');
const killDir = path.join(root, 'kill');
// a private copy of the playbook and its templates: one test changes the playbook
const work = path.join(root, 'work');
const PLAYBOOK = path.join(work, 'playbooks', 'fix-apiserver-sans.yml');
let mix: LabInfo;
let kill: LabInfo;

test.before(async () => {
  fs.cpSync(path.join(REPO_ROOT, 'playbooks'), path.join(work, 'playbooks'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'templates'), path.join(work, 'templates'), { recursive: true });
  try {
    [mix, kill] = await Promise.all([
      labUp({
        dir: mixDir,
        clusters: 6,
        faults: 'sans=2,healthy=1,key-mismatch=1,no-ca-key=1,unreachable=1',
      }),
      labUp({ dir: killDir, clusters: 3, faults: 'sans=3' }),
    ]);
  } catch (e) {
    await teardown();
    throw e;
  }
});

async function teardown(): Promise<void> {
  await Promise.allSettled([labDown({ dir: mixDir }), labDown({ dir: killDir })]);
  fs.rmSync(root, { recursive: true, force: true });
}
test.after(teardown);

function run(lab: LabInfo, ...extra: string[]): Promise<CliResult> {
  return runCli(['run', PLAYBOOK, '-i', lab.inventory, '-F', lab.sshConfig, ...extra], {
    cwd: work,
    timeoutMs: 240_000,
  });
}

const runsDir = path.join(work, '.remediate', 'runs');
function runIds(): string[] {
  return fs.existsSync(runsDir) ? fs.readdirSync(runsDir).sort() : [];
}
function events(id: string): RunEvent[] {
  return fs
    .readFileSync(path.join(runsDir, id, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunEvent);
}

/** Like assert.match, with the whole output on failure. */
function has(out: string, s: string | RegExp): void {
  assert.ok(typeof s === 'string' ? out.includes(s) : s.test(out), `expected ${s} in:\n${out}`);
}

interface ReportHost {
  host: string;
  outcome: string;
  reason?: string;
  message?: string;
  task?: string;
  changes: string[];
}
const readJson = (f: string) =>
  JSON.parse(fs.readFileSync(f, 'utf8')) as { hosts: ReportHost[]; totals: Record<string, number> };
/** A report without timings and provenance: what two runs over identical labs must share. */
const essence = (f: string) =>
  readJson(f).hosts.map(({ host, outcome, reason, message, task, changes }) => ({
    host,
    outcome,
    reason,
    message,
    task,
    changes,
  }));

test('--check on a fault mix: grouped summary, Markdown and JSON reports (schema-valid), journal', async () => {
  const before = runIds();
  const r = await run(mix, '--check', '--report', 'check.json', '--report', 'check.md');
  const out = r.stdout + r.stderr;
  assert.is(r.code, 2, out);
  has(
    out,
    'WOULD CHANGE\n  [Serving certificate has the wanted SANs (re-issued with the same key and CA)]\n    2 hosts (kube01.c001, kube01.c002): ~ SAN +IP:10.254.0.1 -IP:172.16.0.1 (key reused, CA kube-ca *)',
  );
  has(
    out,
    /REFUSED \(nothing was changed\)\n(  1 host \(kube01\.c00[45]\): refused \((key-mismatch|ca-key-missing)\) — .*\n){2}/,
  );
  has(out, /UNREACHABLE\n  1 host \(kube01\.c006\): cannot connect to root@[\d.]+:22: connection refused/);
  has(out, 'ALREADY FINE: 1 host (kube01.c003)');
  has(out, 'TOTAL 6 hosts: 2 would fix (check), 1 already fine, 2 refused, 1 unreachable');
  // one line per distinct change, not one per host
  assert.is(
    out.split('~ SAN +IP:10.254.0.1').length - 1,
    2 + 1,
    'two per-host lines while running, one grouped',
  );

  const report = readJson(path.join(work, 'check.json'));
  const ajv = new Ajv({ allErrors: true, strictRequired: false });
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const schema = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'schemas/fleet-report.schema.json'), 'utf8'),
  );
  const valid = ajv.compile(schema);
  assert.ok(valid(report), JSON.stringify(valid.errors, null, 2));
  const by = Object.fromEntries(report.hosts.map((h) => [h.host, h]));
  assert.equal(Object.fromEntries(Object.entries(by).map(([h, x]) => [h, [x.outcome, x.reason ?? '']])), {
    'kube01.c001': ['would-change', ''],
    'kube01.c002': ['would-change', ''],
    'kube01.c003': ['ok', ''],
    'kube01.c004': ['refused', 'key-mismatch'],
    'kube01.c005': ['refused', 'ca-key-missing'],
    'kube01.c006': ['unreachable', by['kube01.c006']!.reason ?? ''],
  });
  assert.match(by['kube01.c006']!.reason!, /connection refused/);
  assert.match(by['kube01.c004']!.message!, /server\.key does not match/);
  assert.equal(report.totals, {
    changed: 0,
    'would-change': 2,
    ok: 1,
    refused: 2,
    failed: 0,
    unreachable: 1,
    unfinished: 0,
    hosts: 6,
  });
  const md = fs.readFileSync(path.join(work, 'check.md'), 'utf8');
  has(md, '**6 hosts: 2 would fix (check), 1 already fine, 2 refused, 1 unreachable**');
  has(md, '| kube01.c004 | refused | key-mismatch: /etc/pki/tls/kube01/server.key does not match');
  has(md, '## Slowest hosts');
  has(md, /- `\d{8}T\d{6}Z-[0-9a-f]{4}`: `remediate run .*--check/);
  // the journal: one new run, one result line per task per host, no secrets
  const ids = runIds().filter((i) => !before.includes(i));
  assert.is(ids.length, 1);
  const meta = JSON.parse(fs.readFileSync(path.join(runsDir, ids[0]!, 'run.json'), 'utf8'));
  assert.match(meta.digests.playbook, /^[0-9a-f]{64}$/);
  assert.is(meta.exitCode, 2);
  assert.ok(events(ids[0]!).filter((e) => e.kind === 'task-result' && e.host === 'kube01.c003').length >= 5);
});

test('--shard 0/3, 1/3, 2/3 as separate processes, runs merge: the single-controller report', async () => {
  const single = await run(mix, '--check', '--report', 'single.json');
  assert.is(single.code, 2, single.stderr);
  const shardDirs: string[] = [];
  await Promise.all(
    [0, 1, 2].map(async (i) => {
      const dir = path.join(root, `shard${i}`);
      fs.mkdirSync(dir, { recursive: true });
      shardDirs.push(dir);
      const r = await runCli(
        ['run', PLAYBOOK, '-i', mix.inventory, '-F', mix.sshConfig, '--check', '--shard', `${i}/3`],
        {
          cwd: dir,
          timeoutMs: 240_000,
        },
      );
      assert.ok(r.code === 0 || r.code === 2 || r.code === 3, r.stdout + r.stderr);
    }),
  );
  const m = await runCli(['runs', 'merge', ...shardDirs, '--report', path.join(root, 'merged.json')], {
    cwd: work,
  });
  assert.is(m.code, 0, m.stderr);
  has(m.stdout, 'TOTAL 6 hosts: 2 would fix (check), 1 already fine, 2 refused, 1 unreachable');
  assert.equal(essence(path.join(root, 'merged.json')), essence(path.join(work, 'single.json')));
  const merged = JSON.parse(fs.readFileSync(path.join(root, 'merged.json'), 'utf8'));
  assert.equal(merged.runs.map((x: { shard: { index: number } }) => x.shard.index).sort(), [0, 1, 2]);
});

/** Start a fix, signal it once the first certificate was re-issued (journaled), wait for it to end. */
async function interrupted(
  lab: LabInfo,
  signal: NodeJS.Signals,
): Promise<{ id: string; code: number | null; out: string }> {
  const before = runIds();
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('tsx/cjs'), CLI_MAIN, 'run', PLAYBOOK, '-i', lab.inventory, '-F', lab.sshConfig],
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
  let id: string | undefined;
  for (let i = 0; i < 2400; i++) {
    id ??= runIds().find((x) => !before.includes(x));
    const journal = id ? path.join(runsDir, id, 'events.ndjson') : undefined;
    if (
      journal &&
      fs.existsSync(journal) &&
      /"status":"changed"[^\n]*"module":"x509_reissue"|"module":"x509_reissue"[^\n]*"status":"changed"/.test(
        fs.readFileSync(journal, 'utf8'),
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(id, 'the run journal appeared');
  child.kill(signal);
  return { id: id!, code: await ended, out };
}

/** Per host and task location, how many results said `changed` across these runs' journals. */
function changedTwice(ids: string[]): string[] {
  const n = new Map<string, number>();
  for (const id of ids)
    for (const e of events(id))
      if (e.kind === 'task-result' && e.status === 'changed' && e.item === undefined) {
        const k = `${e.host} ${e.loc}`;
        n.set(k, (n.get(k) ?? 0) + 1);
      }
  return [...n].filter(([, c]) => c > 1).map(([k]) => k);
}

test('SIGINT halfway: the run says how to finish; runs resume finishes it; lab verify passes; nothing applied twice', async () => {
  const first = await interrupted(mix, 'SIGINT');
  assert.is(first.code, 99, first.out);
  has(first.out, `remediate runs resume ${first.id}`);
  const show = await runCli(['runs', 'show', first.id], { cwd: work });
  has(show.stdout, 'DID NOT FINISH (interrupted)');
  const r = await runCli(['runs', 'resume', first.id], { cwd: work, timeoutMs: 240_000 });
  assert.is(r.code, 0, r.stdout + r.stderr);
  has(r.stderr, /not resumed \(stopped for good in .*\): .*kube01\.c006/);
  has(r.stdout, /done: \[kube01\.c00[12]\] \(in run /);
  const resumed = runIds().at(-1)!;
  assert.equal(changedTwice([first.id, resumed]), []);
  const verify = await labVerify({ dir: mixDir });
  for (const c of ['c001', 'c002', 'c003'])
    assert.ok(verify.find((v) => v.cluster === c)?.ok, JSON.stringify(verify));
});

test('SIGKILL halfway; a resume after the playbook changed is refused; then runs resume finishes it', async () => {
  const first = await interrupted(kill, 'SIGKILL');
  assert.is(first.code, null);
  const show = await runCli(['runs', 'list'], { cwd: work });
  has(show.stdout, new RegExp(`${first.id} .* unfinished \\(killed\\?\\)`));
  const original = fs.readFileSync(PLAYBOOK, 'utf8');
  fs.writeFileSync(PLAYBOOK, original + '\n# edited after the run\n');
  const refused = await runCli(['runs', 'resume', first.id], { cwd: work });
  assert.is(refused.code, 5, refused.stdout + refused.stderr);
  has(refused.stderr, /the playbook changed since the run started; refusing to resume/);
  fs.writeFileSync(PLAYBOOK, original);
  const r = await runCli(['runs', 'resume', first.id], { cwd: work, timeoutMs: 240_000 });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.equal(changedTwice([first.id, runIds().at(-1)!]), []);
  const verify = await labVerify({ dir: killDir });
  assert.ok(
    verify.every((v) => v.ok),
    JSON.stringify(verify),
  );
});

test.run();
