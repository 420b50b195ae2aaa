/** `loop:` with `loop_control`: one item after another, each reported, then one aggregate result. */
import type { Vars } from '../inventory/types';
import type { LoopControl } from '../playbook/types';
import { errorOutcome } from './module-call';
import { abortError } from './options';
import { reportTaskResult } from './task-report';
import { aggregate, fromOutcome, itemLabel, type ItemResult } from './task-results';
import { itemReport, type TaskRun } from './task-run';
import type { TemplarLike } from './types';
import { taskVars } from './variables';

/** A task's loop items: `loop:` rendered, or a `with_<lookup>`'s rendered terms through the lookup. */
export function loopItems(
  templar: TemplarLike,
  task: { loop?: unknown; loopLookup?: string },
  vars: Vars,
): unknown {
  const rendered = templar.render(task.loop, vars);
  if (!task.loopLookup) return rendered;
  if (!templar.lookup) throw new Error(`with_${task.loopLookup}: this templar has no lookups`);
  return templar.lookup(task.loopLookup, Array.isArray(rendered) ? rendered : [rendered], vars);
}

export type ItemRunner = (run: TaskRun, vars: Vars, label?: string) => Promise<ItemResult>;

/** Run every item; `perItem` is true when the items ran (and were reported one by one). */
export async function runLoop(
  run: TaskRun,
  runItem: ItemRunner,
): Promise<{ result: ItemResult; perItem: boolean }> {
  const { shared, task, hr } = run;
  let items: unknown[];
  try {
    const rendered = loopItems(shared.templar, task, run.baseVars);
    if (!Array.isArray(rendered)) throw new Error(`loop must be a list, got ${typeof rendered}`);
    items = rendered;
  } catch (e) {
    return { result: fromOutcome(errorOutcome(e)), perItem: false };
  }
  const lc = task.loopControl;
  const loopVar = lc?.loopVar ?? 'item';
  const results: ItemResult[] = [];
  for (let i = 0; i < items.length; i++) {
    if (shared.signal.aborted) throw abortError();
    // rebuilt from the source layers (not re-rendered from baseVars): loop vars may be referenced by vars
    const vars = taskVars(run.wave.scope, hr.state, run.scope, task.vars, loopVars(items, i, lc));
    const label = itemLabel(items[i], lc?.label, shared.templar, vars);
    const r = await runItem(run, vars, label);
    r.result[loopVar] = items[i];
    if (lc?.indexVar) r.result[lc.indexVar] = i;
    r.result['ansible_loop_var'] = loopVar;
    results.push(r);
    reportTaskResult(shared, hr, itemReport(run, r, label), false);
    if (lc?.pause && i < items.length - 1) await shared.opts.clock.sleep(lc.pause * 1000, shared.signal);
  }
  return { result: aggregate(results), perItem: true };
}

/** The variables one item adds: the loop var, index_var, and Ansible's `ansible_loop` when extended. */
export function loopVars(items: unknown[], i: number, lc: LoopControl | undefined): Vars {
  const loopVar = lc?.loopVar ?? 'item';
  const extra: Vars = { [loopVar]: items[i], ansible_loop_var: loopVar };
  if (lc?.indexVar) extra[lc.indexVar] = i;
  if (lc?.extended) {
    // Ansible's loop_control.extended: the whole set, previtem/nextitem only where they exist
    const loop: Vars = {
      index: i + 1,
      index0: i,
      revindex: items.length - i,
      revindex0: items.length - i - 1,
      first: i === 0,
      last: i === items.length - 1,
      length: items.length,
      allitems: items,
    };
    if (i > 0) loop['previtem'] = items[i - 1];
    if (i < items.length - 1) loop['nextitem'] = items[i + 1];
    extra['ansible_loop'] = loop;
  }
  return extra;
}
