/**
 * `remediate runs resume`: a host continues from its first unfinished task. Tasks it finished in the
 * journaled run are skipped as done (reported `skipped`, "done in run ID"): their registered result and
 * set_fact facts are restored from the journal, and a done task that changed something notifies its
 * handlers again, so handlers still pending when the run stopped do run. Read from the journal's events
 * by `resumeStateFrom` (pure); applied by the play walker before a task runs.
 */
import type { ModuleTask } from '../playbook/types';
import type { HostRun, WaveRun } from './play-context';
import { notify } from './task-effects';
import type { DoneTask } from './resume-state';
import type { Vars } from '../inventory/types';

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
  if (/(^|\.)include_vars$/.test(task.module) && facts && typeof facts === 'object')
    Object.assign(hr.state.includedVars, facts);
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
