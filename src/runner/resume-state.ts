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
}

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

/** A task result that ends the task on its host (not a loop item, not an until: retry under way). */
export function isFinalResult(e: RunEvent): e is TaskResult {
  return e.kind === 'task-result' && e.item === undefined && !e.attempt && e.module !== 'gather_facts';
}

/** What finished per host in a journaled run; a task that failed or lost its host is not done. */
export function resumeStateFrom(runId: string, events: readonly RunEvent[]): ResumeState {
  const done = new Map<string, Map<string, DoneTask[]>>();
  for (const e of events) {
    if (!isFinalResult(e)) continue;
    if (e.status === 'failed' || e.status === 'unreachable') continue;
    let byLoc = done.get(e.host);
    if (!byLoc) done.set(e.host, (byLoc = new Map()));
    const list = byLoc.get(e.loc) ?? [];
    // a task skipped as done in an earlier resume carries the original result
    const original = e.result?.['done_in'] !== undefined ? (e.result['done_status'] as TaskStatus) : e.status;
    list.push({ status: original, task: e.task, ...(e.result ? { result: e.result } : {}) });
    byLoc.set(e.loc, list);
  }
  return { runId, done, cursor: new Map() };
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
 * hosts, as Ansible does). On resume it is done for this wave when a host of the wave ran it (this
 * occurrence) in the resumed run; in a play without `serial` (one wave) also when the host that ran it
 * stopped for good since and is not resumed.
 */
export function doneOnce(
  rs: ResumeState,
  waveHosts: readonly string[],
  loc: string,
  occurrence: number,
  singleWave: boolean,
): DoneTask | undefined {
  for (const h of waveHosts) {
    const d = rs.done.get(h)?.get(loc)?.[occurrence - 1];
    if (d) return d;
  }
  if (!singleWave) return undefined;
  for (const byLoc of rs.done.values()) {
    const d = byLoc.get(loc)?.[occurrence - 1];
    if (d) return d;
  }
  return undefined;
}
