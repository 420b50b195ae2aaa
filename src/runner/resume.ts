/**
 * `remediate runs resume`: a host continues from its first unfinished task. Tasks it finished in the
 * journaled run are skipped as done (reported `skipped`, "done in run ID"): their registered result and
 * set_fact facts are restored from the journal, and a done task that changed something notifies its
 * handlers again, so handlers still pending when the run stopped do run. Read from the journal's events
 * by `resumeStateFrom` (pure); applied by the play walker before a task runs.
 */
import type { RunEvent, TaskStatus } from '../events';
import type { ModuleTask } from '../playbook/types';
import type { HostRun, WaveRun } from './play-context';
import { notify } from './task-executor';
import type { Vars } from '../inventory/types';

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

/** Report the task as done, restore what it registered and set, and re-notify its handlers. */
export function skipAsDone(
  wave: WaveRun,
  hr: HostRun,
  task: ModuleTask,
  d: DoneTask,
  info: { name: string; loc: string; handler?: boolean },
  vars: Vars,
): void {
  const { shared } = wave;
  const rs = shared.opts.resume!;
  const prior = d.result ?? {};
  const { done_in: _in, done_status: _st, skipped: _sk, ...original } = prior;
  void _in;
  void _st;
  void _sk;
  if (task.register) hr.state.dynamicVars[task.register] = original;
  const facts = original['ansible_facts'];
  if ((task.module === 'set_fact' || task.module.endsWith('.set_fact')) && facts && typeof facts === 'object')
    Object.assign(hr.state.dynamicVars, facts);
  if (d.status === 'changed' && task.notify?.length) notify(wave, hr, task, vars);
  hr.state.counts.skipped++;
  shared.emit({
    kind: 'task-result',
    time: shared.now(),
    host: hr.state.name,
    task: info.name,
    loc: info.loc,
    module: task.module,
    status: 'skipped',
    durationMs: 0,
    msg: `done in run ${rs.runId} (${d.status})`,
    result: { ...original, skipped: true, done_in: rs.runId, done_status: d.status },
    check: shared.opts.check,
    ...(info.handler ? { handler: true } : {}),
  });
}
