/** What every step of one task on one host shares: the task, its scope, its base variables and settings. */
import { formatLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { ModuleTask } from '../playbook/types';
import type { HostRun, InheritedKeywords, RunShared, WaveRun } from './play-context';
import type { TaskResultReport } from './task-report';
import { truthy, type ItemResult } from './task-results';
import type { TemplarLike } from './types';
import { taskVars, type TaskScope } from './variables';

export interface ExecuteOptions {
  handler?: boolean;
  /** Display name (rendered). */
  name: string;
  /** The task's variables, when the caller already built them. */
  vars?: Vars;
}

/** One task on one host, fixed before its first step runs. */
export interface TaskRun {
  wave: WaveRun;
  shared: RunShared;
  hr: HostRun;
  task: ModuleTask;
  scope: TaskScope;
  /** The keywords in force: the task's own over those its blocks, includes and play pass down. */
  kw: InheritedKeywords;
  name: string;
  handler: boolean;
  /** file:line:col of the task. */
  loc: string;
  startedAt: number;
  /** The task's variables before any loop item. */
  baseVars: Vars;
  check: boolean;
  noLog: boolean;
}

export function startTask(
  wave: WaveRun,
  hr: HostRun,
  task: ModuleTask,
  scope: TaskScope,
  eo: ExecuteOptions,
): TaskRun {
  const { shared } = wave;
  const kw = scope.inherited;
  const baseVars = eo.vars ?? taskVars(wave.scope, hr.state, scope, task.vars);
  return {
    wave,
    shared,
    hr,
    task,
    scope,
    kw,
    name: eo.name,
    handler: eo.handler === true,
    loc: formatLoc(task.loc),
    startedAt: shared.now(),
    baseVars,
    check: effectiveCheck(kw, shared.opts.check),
    noLog: truthy(kw.noLog, shared.templar, baseVars),
  };
}

export function effectiveCheck(kw: InheritedKeywords, check: boolean): boolean {
  return kw.checkMode ?? check;
}

/** Render a keyword value that may be a template string ("{{ n }}") or a plain value. */
export function renderKeyword(templar: TemplarLike, v: unknown, vars: Vars): unknown {
  return typeof v === 'string' ? templar.render(v, vars) : v;
}

export function toInt(v: unknown, dflt: number): number {
  const n = Math.floor(Number(v));
  return Number.isFinite(n) ? n : dflt;
}

export function toNumber(v: unknown, dflt: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

/** The report of an item result (or of one until-attempt) of this task. */
export function itemReport(
  run: TaskRun,
  r: Pick<ItemResult, 'result' | 'changes' | 'msg'> & { status: TaskResultReport['status'] },
  item?: string,
  attempt?: { n: number; of: number },
): TaskResultReport {
  return {
    task: run.name,
    loc: run.loc,
    module: run.task.module,
    startedAt: run.startedAt,
    check: run.check,
    handler: run.handler,
    noLog: run.noLog,
    status: r.status,
    result: r.result,
    changes: r.changes,
    ...(r.msg !== undefined ? { msg: r.msg } : {}),
    ...(item !== undefined ? { item } : {}),
    ...(attempt ? { attempt } : {}),
  };
}
