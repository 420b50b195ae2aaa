/**
 * Runs one module task on one host, as a pipeline of named steps:
 *
 *   startTask → (runLoop → runItem per item | runItem) → finishTask
 *   runItem   = checkWhen → prepareCall → callWithRetries(callOnce = callModule → applyConditions) → applyFacts
 *   finishTask = ignore_errors → register → reportTaskResult (event + counts) → notify
 *
 * Each step lives in its own file: task-run (shared state), task-loop, task-item, task-effects,
 * task-report (the one place that emits `task-result` and counts it).
 */
import type { TaskStatus } from '../events';
import type { ModuleTask } from '../playbook/types';
import type { HostRun, WaveRun } from './play-context';
import { trackTaskSecrets } from './secret-tracking';
import { notify, register } from './task-effects';
import { runItem } from './task-item';
import { runLoop } from './task-loop';
import { reportTaskResult } from './task-report';
import { truthy, type ItemResult } from './task-results';
import { itemReport, startTask, type ExecuteOptions, type TaskRun } from './task-run';
import type { TaskScope } from './variables';

export { resolveBecome } from './task-settings';
export { effectiveCheck, type ExecuteOptions } from './task-run';

/** What the walker needs back. */
export type TaskEnd = 'ok' | 'failed' | 'unreachable';

export async function executeTask(
  wave: WaveRun,
  hr: HostRun,
  task: ModuleTask,
  scope: TaskScope,
  eo: ExecuteOptions,
): Promise<TaskEnd> {
  const run = startTask(wave, hr, task, scope, eo);
  if (task.loop === undefined) return finishTask(run, await runItem(run, run.baseVars), false);
  const { result, perItem } = await runLoop(run, runItem);
  return finishTask(run, result, perItem);
}

/** ignore_errors, register, the task's result event and counts, handlers; what the walker does next. */
function finishTask(run: TaskRun, r: ItemResult, perItem: boolean): TaskEnd {
  const { task, hr, kw } = run;
  let status: TaskStatus = r.status;
  if (status === 'failed' && truthy(kw.ignoreErrors, run.shared.templar, run.baseVars)) status = 'ignored';
  // as in Ansible, a registered result that ran always says whether it failed
  const registered =
    'failed' in r.result || r.status === 'skipped'
      ? r.result
      : { ...r.result, failed: r.status === 'failed' };
  register(task, hr, registered);
  trackTaskSecrets(
    run.shared.opts.secrets,
    { noLog: run.noLog, register: task.register, module: task.module },
    registered,
  );
  if (status === 'failed') {
    // ansible_failed_task.name is the task's own name ('' when it has none), as in Ansible
    hr.lastFailure = {
      task: { name: task.name === undefined ? '' : run.name, action: task.module, loc: run.loc },
      result: r.result,
    };
  }
  // the items were reported one by one: the loop's own line carries no changes of its own
  const report = itemReport(run, { ...r, status, changes: perItem ? [] : r.changes });
  reportTaskResult(run.shared, hr, report, {
    rescuable: run.scope.rescuable,
    ignoreUnreachable: kw.ignoreUnreachable === true,
  });
  if (status === 'changed' && task.notify?.length) notify(run.wave, hr, task, run.baseVars);
  if (status === 'failed') return 'failed';
  if (status === 'unreachable') return kw.ignoreUnreachable ? 'ok' : 'unreachable';
  return 'ok';
}
