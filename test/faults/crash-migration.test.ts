// test-timeout: 3000
/**
 * Crash consistency of fix-migration.yml at every step (issue #10): it imports every playbook shipped after
 * fix-apiserver-sans.yml (diagnose-migration, fix-etcd, fix-kubeconfig, fix-component-flags,
 * fix-cluster-dns, fix-dns-service) and ends with the pods, so killing it at every task kills each of them
 * at every task, on a `migrated-all` master that carries all their faults at once. A baseline run per
 * cluster records the converged files and the task runs (crash-points.ts); then, for every kill point, the
 * master is put back to its `lab up` snapshot (master-state.ts, checked to be the snapshot again), the
 * controller is SIGKILLed there, what it left is classified (every file old, new, or old and new words in
 * place; certificates old or valid; keys unchanged; backups whole; nothing stray), and the rerun must exit 0
 * with `lab verify` passing. Prints the table kill point → state found → rerun outcome.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labStatus, labVerify } from '../../src/lab';
import { runCli } from '../helpers/cli';
import { runAndKillAt } from '../helpers/kill-at';
import {
  assertRows,
  killAt,
  killPoints,
  onWorkers,
  rowOf,
  taskRuns,
  type KillPoint,
  type Points,
  type Row,
} from './crash-points';
import { holderPid, labForFile, runArgsOf } from './lab-cluster';
import { classify, readMaster, resetMaster, settle, snapshotMaster, type MasterFiles } from './master-state';

const PLAYBOOK = 'playbooks/fix-migration.yml';
const WORKERS = Math.max(1, Number(process.env.REMEDIATE_FAULT_WORKERS ?? 3));
const fx = labForFile(test, 'remediate-crash-migration-', {
  clusters: WORKERS,
  faults: `migrated-all=${WORKERS}`,
});

const runArgs = (cluster: string) =>
  runArgsOf(
    PLAYBOOK,
    fx.lab.inventory,
    '--limit',
    `kube01.${cluster},localhost`,
    '-e',
    `report=${fx.root}/report-${cluster}`,
    // a run that cannot converge fails in 45 s rather than the default 180 s per pod wait
    '-e',
    'wordpress_timeout=45 kube_dns_timeout=45',
  );

interface Cluster {
  name: string;
  pid: number;
  faults: string;
  old: MasterFiles;
  done?: MasterFiles;
}

const faultsNow = async (name: string): Promise<string> =>
  ((await labStatus({ dir: fx.dir })).find((s) => s.name === name)?.faults ?? []).slice().sort().join(',');

/** Back to the snapshot, checked: every file old again and the same faults present as at `lab up`. */
async function reset(c: Cluster): Promise<void> {
  await resetMaster(c.pid);
  const left = classify(await readMaster(c.pid), c.old, c.done ?? c.old);
  assert.equal(
    [...left.new, ...left.partial, ...left.stray, ...left.bad],
    [],
    `${c.name}: the reset left changes`,
  );
  assert.is(left.backups, 0, `${c.name}: the reset left backups`);
  assert.is(await faultsNow(c.name), c.faults, `${c.name}: faults after the reset`);
}

async function killAndRerun(c: Cluster, p: KillPoint): Promise<Row> {
  await reset(c);
  const k = await runAndKillAt([...runArgs(c.name), '-vv'], { trigger: killAt(p) });
  // the moment of the kill: every file old, new or both in place (a temp file of a command still running is
  // no fault yet) ...
  const atKill = classify(await readMaster(c.pid), c.old, c.done!);
  // ... and once the commands the kill orphaned have ended: nothing stray left either
  const orphans = await settle(c.pid);
  const left = classify(await readMaster(c.pid), c.old, c.done!);
  left.bad.unshift(...atKill.bad.filter((b) => !left.bad.includes(b)), ...left.stray);
  const rerun = await runCli(runArgs(c.name), { timeoutMs: 300_000 });
  const [v] = await labVerify({ dir: fx.dir, cluster: c.name });
  // leftovers of the killed run are the next run's to remove; it leaves none of its own
  await settle(c.pid);
  const after = classify(await readMaster(c.pid), c.old, c.done!);
  left.bad.push(...[...after.stray, ...after.bad].map((b) => `after the rerun: ${b}`));
  left.bad.push(...after.partial.map((f) => `after the rerun: ${f} (old and new words mixed)`));
  const partial = left.partial.map((f) => f.split('/').pop()).join(' ');
  const state = `${left.new.length} new, ${left.partial.length} partial${partial ? ` (${partial})` : ''}, ${left.backups} bak${orphans ? `, ${orphans} cmd ran on` : ''}${left.bad.length ? `, BAD ${left.bad.length}` : ''}`;
  return rowOf(p, k.killed, state, left.bad, rerun, v);
}

test('SIGKILL at the start of and mid-way through every task of fix-migration.yml: files old or new, the rerun converges', async () => {
  const clusters: Cluster[] = await Promise.all(
    fx.lab.clusters.map(async (lc) => {
      const pid = holderPid(fx.dir, lc.name);
      await snapshotMaster(pid);
      return { name: lc.name, pid, faults: await faultsNow(lc.name), old: await readMaster(pid) };
    }),
  );
  for (const c of clusters)
    assert.ok(c.faults.split(',').length >= 6, `${c.name} carries the migration's faults: ${c.faults}`);

  let rows: Row[] = [];
  let kp: Points = { points: [], covered: [] };
  let summary = '';
  try {
    // baseline on every cluster: the converged files, and the task runs (the same on each)
    const baselines = await Promise.all(
      clusters.map(async (c) => {
        const base = await runAndKillAt([...runArgs(c.name), '-vv'], {
          trigger: () => false,
          timeoutMs: 300_000,
        });
        assert.is(base.code, 0, `${c.name} baseline: ${base.stderr}`);
        const [v] = await labVerify({ dir: fx.dir, cluster: c.name });
        assert.ok(v?.ok, `${c.name} baseline: ${v?.detail}`);
        c.done = await readMaster(c.pid);
        return taskRuns(base.events);
      }),
    );
    const runs = baselines[0]!;
    const shape = (rs: typeof runs) => rs.map((r) => r.task.replace(/\bc\d{3}\b/g, 'CLUSTER'));
    for (const b of baselines) assert.equal(shape(b), shape(runs), 'the same task runs on every cluster');
    assert.ok(runs.length >= 90, `expected fix-migration's task runs, got ${runs.length}`);
    for (const m of ['x509_reissue', 'unit_flag', 'kubeconfig_server', 'systemd', 'kubectl'])
      assert.ok(
        runs.some((r) => r.module === m && r.execs > 0),
        `the baseline ran ${m}`,
      );
    kp = killPoints(runs, ['x509_reissue']);
    summary = `${runs.length} task runs, ${clusters.length} clusters`;
    rows = await onWorkers(clusters, kp.points, killAndRerun);
  } finally {
    await fx.teardown();
  }
  assertRows(rows, kp, summary);
});

test.run();
