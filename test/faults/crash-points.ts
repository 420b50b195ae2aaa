/**
 * Kill points of the crash-consistency suites (issue #10), read from a baseline `-vv --output json` run of
 * one host: the task runs in order (a task's retries collapse into one run) with the commands each sent
 * (the `-vv` `log` line written before each probe command and each applied step). Every task run is killed
 * at its start and mid-way (after its middle command; for the modules named, after each command). A start
 * with no command sent since the previous start point leaves the target exactly as that point does, so it
 * is listed as covered by it instead of being run again.
 */
import * as assert from 'uvu/assert';
import type { JsonEvent } from '../helpers/kill-at';

export interface TaskRun {
  /** 0-based position among the run's task runs. */
  index: number;
  task: string;
  module: string;
  /** Commands the task sent in the baseline run. */
  execs: number;
}

export function taskRuns(events: readonly JsonEvent[]): TaskRun[] {
  const out: TaskRun[] = [];
  let prev: string | undefined;
  for (const e of events) {
    if (e.type === 'start') {
      if (e.task !== prev) out.push({ index: out.length, task: e.task!, module: '', execs: 0 });
      prev = e.task;
    } else if (e.type === 'log' && out.length) out[out.length - 1]!.execs++;
    else if (e.type === 'task' && out.length && e.task === out[out.length - 1]!.task)
      out[out.length - 1]!.module = String(e.module ?? '');
  }
  return out;
}

export interface KillPoint {
  run: TaskRun;
  /** 0: when the host starts the task; n: right after the task's n-th command went out. */
  afterExec: number;
}

export const pointName = (p: KillPoint): string =>
  `#${p.run.index + 1} ${p.run.task} @ ${p.afterExec === 0 ? 'start' : `command ${p.afterExec}/${p.run.execs}`}`;

export interface Points {
  points: KillPoint[];
  /** Starts not run again: the target is then exactly as at `by`. */
  covered: { point: KillPoint; by: KillPoint }[];
}

/** Start and middle of every task run (after every command for `everyCommand` modules). */
export function killPoints(runs: readonly TaskRun[], everyCommand: readonly string[] = []): Points {
  const points: KillPoint[] = [];
  const covered: Points['covered'] = [];
  let lastStart: KillPoint | undefined;
  let sentSince = true;
  for (const run of runs) {
    const start = { run, afterExec: 0 };
    if (sentSince || !lastStart) {
      points.push(start);
      lastStart = start;
    } else covered.push({ point: start, by: lastStart });
    const mids = everyCommand.includes(run.module)
      ? [...Array(run.execs).keys()].map((i) => i + 1)
      : run.execs
        ? [Math.ceil(run.execs / 2)]
        : [];
    for (const n of mids) points.push({ run, afterExec: n });
    sentSince = run.execs > 0;
  }
  return { points, covered };
}

/** A runAndKillAt trigger for the point (counts task runs the way taskRuns does). */
export function killAt(p: KillPoint): (e: JsonEvent) => boolean {
  let index = -1;
  let prev: string | undefined;
  let execs = 0;
  return (e) => {
    if (e.type === 'start') {
      if (e.task !== prev) {
        index++;
        execs = 0;
      }
      prev = e.task;
      return index === p.run.index && p.afterExec === 0;
    }
    if (e.type === 'log' && index === p.run.index) return ++execs === p.afterExec;
    return false;
  };
}

export interface Row {
  point: string;
  killed: boolean;
  /** What the killed run left on the master. */
  state: string;
  rerunCode: number | null;
  verified: boolean;
  /** Why the row fails (empty: it holds). */
  problems: string[];
}

export function printTable(rows: readonly Row[], covered: Points['covered']): void {
  const w = Math.max(...rows.map((r) => r.point.length));
  const s = Math.max(24, ...rows.map((r) => r.state.length + (r.killed ? 0 : 24)));
  const lines = [
    `${'kill point'.padEnd(w)} | ${'state found'.padEnd(s)} | rerun outcome`,
    `${'-'.repeat(w)}-|-${'-'.repeat(s)}-|-${'-'.repeat(26)}`,
    ...rows.map(
      (r) =>
        `${r.point.padEnd(w)} | ${`${r.killed ? '' : '(ended before the kill) '}${r.state}`.padEnd(s)} | exit ${r.rerunCode}, lab verify ${r.verified ? 'ok' : 'FAILED'}`,
    ),
  ];
  if (covered.length)
    lines.push(
      '',
      `${covered.length} starts not run again (no command since; the target is as at the point named):`,
      ...covered.map((c) => `  ${pointName(c.point)}  =  ${pointName(c.by)}`),
    );
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

/** Runs every point on the first free worker (a lab cluster); the rows come back in point order. */
export async function onWorkers<W>(
  workers: readonly W[],
  points: readonly KillPoint[],
  one: (w: W, p: KillPoint) => Promise<Row>,
): Promise<Row[]> {
  const rows: Row[] = new Array(points.length);
  let next = 0;
  await Promise.all(
    workers.map(async (w) => {
      for (let i = next++; i < points.length; i = next++) rows[i] = await one(w, points[i]!);
    }),
  );
  return rows;
}

/** A point's row: the state problems found after the kill, then whether the rerun converged. */
export function rowOf(
  p: KillPoint,
  killed: boolean,
  state: string,
  stateProblems: string[],
  rerun: { code: number | null; stdout: string; stderr: string },
  verify: { ok: boolean; detail: string } | undefined,
): Row {
  const problems = [...stateProblems];
  if (rerun.code !== 0 || !verify?.ok) {
    const tail = (rerun.stdout + rerun.stderr).split('\n').filter((l) => /FAILED|fatal|error/i.test(l));
    problems.push(`rerun exit ${rerun.code}; lab verify: ${verify?.detail}`, ...tail.slice(-5));
  }
  return { point: pointName(p), killed, state, rerunCode: rerun.code, verified: !!verify?.ok, problems };
}

/** Prints the table and the summary line, then fails listing every row that does not hold. */
export function assertRows(rows: readonly Row[], kp: Points, summary: string): void {
  printTable(rows, kp.covered);
  process.stdout.write(
    `${kp.points.length} kill points (${kp.covered.length} more starts covered) over ${summary}\n`,
  );
  const failed = rows.filter((r) => r.problems.length);
  assert.equal(
    failed.map((r) => `${r.point}: ${r.problems.join('\n    ')}`),
    [],
    `${failed.length} of ${rows.length} kill points do not hold`,
  );
}
