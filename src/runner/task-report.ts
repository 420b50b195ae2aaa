/**
 * The one place that turns a task's outcome on a host into a `task-result` event and the host's recap
 * counts. The task executor, include_tasks and fact gathering all report through `reportTaskResult`;
 * per-item and per-attempt events (loops, until-retries) go through it with `count: false`.
 */
import type { HostCounts, RunEvent, TaskStatus } from '../events';
import { publicChange, type Change } from '../plan/steps';
import type { HostRun, RunShared } from './play-context';
import { NO_LOG_MSG, sanitizeResult } from './sanitize';

type TaskResultEvent = Extract<RunEvent, { kind: 'task-result' }>;

/** What a reporter of one result knows: the task's identity, its status and what it produced. */
export interface TaskResultReport {
  task: string;
  loc: string;
  module: string;
  status: TaskStatus;
  /** `shared.now()` when the task started on this host. */
  startedAt: number;
  /** Overrides the duration (`now - startedAt`), for results that took no time of their own. */
  durationMs?: number;
  check: boolean;
  msg?: string;
  changes?: Change[];
  item?: string;
  result?: Record<string, unknown>;
  handler?: boolean;
  attempt?: { n: number; of: number };
  /** no_log: the message, changes, item label and result are censored in the event. */
  noLog?: boolean;
}

/** How a final result counts in the recap; `false` for per-item and per-attempt events. */
export type CountRule = false | { rescuable: number; ignoreUnreachable?: boolean };

export function reportTaskResult(
  shared: RunShared,
  hr: HostRun,
  r: TaskResultReport,
  count: CountRule,
): void {
  if (count) countResult(hr.state.counts, r.status, r.result?.['changed'] === true, count);
  shared.emit(taskResultEvent(shared.now(), hr.state.name, r));
}

/** Ansible's recap arithmetic: ignored failures count as ok, a rescued failure is not a failure. */
export function countResult(
  counts: HostCounts,
  status: TaskStatus,
  changed: boolean,
  rule: Exclude<CountRule, false>,
): void {
  if (status === 'ok' || status === 'changed' || status === 'ignored') counts.ok++;
  if (status === 'changed' || (status === 'ignored' && changed)) counts.changed++;
  if (status === 'skipped') counts.skipped++;
  if (status === 'ignored') counts.ignored++;
  if (status === 'unreachable') {
    if (rule.ignoreUnreachable) counts.ignored++;
    else counts.unreachable++;
  }
  if (status === 'failed' && rule.rescuable === 0) counts.failed++;
}

/** A block's rescue section took over a failure: counted as rescued (no event of its own). */
export function countRescued(hr: HostRun): void {
  hr.state.counts.rescued++;
}

function taskResultEvent(time: number, host: string, r: TaskResultReport): TaskResultEvent {
  const noLog = r.noLog === true;
  return {
    kind: 'task-result',
    time,
    host,
    task: r.task,
    loc: r.loc,
    module: r.module,
    status: r.status,
    durationMs: r.durationMs ?? time - r.startedAt,
    ...(r.msg !== undefined ? { msg: noLog && r.status !== 'skipped' ? NO_LOG_MSG : r.msg } : {}),
    ...(r.changes?.length
      ? { changes: noLog ? [{ describe: NO_LOG_MSG, steps: [] }] : r.changes.map(publicChange) }
      : {}),
    ...(r.item !== undefined ? { item: noLog ? '(hidden)' : r.item } : {}),
    ...(r.result !== undefined ? { result: sanitizeResult(r.result, noLog) } : {}),
    ...(r.handler ? { handler: true } : {}),
    check: r.check,
    ...(r.attempt ? { attempt: r.attempt } : {}),
  };
}
