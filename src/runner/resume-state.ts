/**
 * What a journaled run finished, per host and task (pure: read from the journal's events), for
 * `runs resume`. The play walker asks `doneBefore` before a task runs; see ./resume.ts.
 */
import type { RunEvent, TaskStatus } from '../events';

export interface DoneTask {
  status: TaskStatus;
  task: string;
  result?: Record<string, unknown>;
}

export interface ResumeState {
  runId: string;
  /** Per host, per task location: the final results of that task's runs, in order. */
  done: Map<string, Map<string, DoneTask[]>>;
  /** How many runs of each location a host has reached in this run. */
  cursor: Map<string, Map<string, number>>;
  /** Per task location, every host's final results in journal order (for run_once tasks); `used` once resumed. */
  byLoc: Map<string, { host: string; task: DoneTask; used?: boolean }[]>;
}

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

/** A task result that ends the task on its host (not a loop item, not an until: retry under way). */
export function isFinalResult(e: RunEvent): e is TaskResult {
  return e.kind === 'task-result' && e.item === undefined && !e.attempt && e.module !== 'gather_facts';
}

/** What finished per host in a journaled run; a task that failed or lost its host is not done. */
export function resumeStateFrom(runId: string, events: readonly RunEvent[]): ResumeState {
  const done = new Map<string, Map<string, DoneTask[]>>();
  const anyHost: ResumeState['byLoc'] = new Map();
  for (const e of events) {
    if (!isFinalResult(e)) continue;
    if (e.status === 'failed' || e.status === 'unreachable') continue;
    let byLoc = done.get(e.host);
    if (!byLoc) done.set(e.host, (byLoc = new Map()));
    const list = byLoc.get(e.loc) ?? [];
    // a task skipped as done in an earlier resume carries the original result
    const original = e.result?.['done_in'] !== undefined ? (e.result['done_status'] as TaskStatus) : e.status;
    const d: DoneTask = { status: original, task: e.task, ...(e.result ? { result: e.result } : {}) };
    list.push(d);
    byLoc.set(e.loc, list);
    const all = anyHost.get(e.loc) ?? [];
    all.push({ host: e.host, task: d });
    anyHost.set(e.loc, all);
  }
  return { runId, done, cursor: new Map(), byLoc: anyHost };
}

/** The journaled result of this run of the task on this host, when it finished in the resumed run. */
export function doneBefore(rs: ResumeState, host: string, loc: string): DoneTask | undefined {
  let c = rs.cursor.get(host);
  if (!c) rs.cursor.set(host, (c = new Map()));
  const n = c.get(loc) ?? 0;
  c.set(loc, n + 1);
  return rs.done.get(host)?.get(loc)?.[n];
}

/**
 * A run_once task is journaled on the one host that ran it (its result was shared with the wave's other
 * hosts, as Ansible does). On resume it is done for this wave when a host of the wave ran it in the resumed
 * run (the first such result not taken yet: one per wave, per play, per include); in a play without `serial`
 * (one wave) also when the host that ran it stopped for good since and is not resumed.
 */
export function doneOnce(
  rs: ResumeState,
  waveHosts: readonly string[],
  loc: string,
  singleWave: boolean,
): DoneTask | undefined {
  const all = rs.byLoc.get(loc) ?? [];
  const inWave = new Set(waveHosts);
  const hit =
    all.find((x) => !x.used && inWave.has(x.host)) ?? (singleWave ? all.find((x) => !x.used) : undefined);
  if (!hit) return undefined;
  hit.used = true;
  return hit.task;
}
