/** Shaping task results: module outcomes to registered results, loop aggregates, conditions, labels. */
import type { TaskStatus } from '../events';
import type { Vars } from '../inventory/types';
import type { Change } from '../plan/steps';
import type { Condition, ModuleTask } from '../playbook/types';
import { errorOutcome, type CallOutcome } from './module-call';
import type { TemplarLike } from './types';
import { UnresolvedVar } from './variables';

export interface ItemResult {
  status: Exclude<TaskStatus, 'rescued' | 'ignored'>;
  result: Record<string, unknown>;
  changes: Change[];
  msg?: string;
}

export function applyConditions(
  r: ItemResult,
  task: ModuleTask,
  templar: TemplarLike,
  vars: Vars,
): ItemResult {
  if (!task.changedWhen?.length && !task.failedWhen?.length) return r;
  const out: ItemResult = { ...r, result: { ...r.result } };
  // `changed_when: false` needs no variables: the copy of the host's vars is made only for a template
  const cond = (c: Condition, v: () => Vars) => (typeof c === 'boolean' ? c : templar.condition(c, v()));
  try {
    if (task.changedWhen?.length) {
      let v: Vars | undefined;
      const changed = task.changedWhen.every((c) =>
        cond(c, () => (v ??= withResult(vars, task, out.result))),
      );
      out.result['changed'] = changed;
      if (out.status !== 'failed') out.status = changed ? 'changed' : 'ok';
    }
    if (task.failedWhen?.length) {
      const failed = task.failedWhen.every((c) => cond(c, () => withResult(vars, task, out.result)));
      out.result['failed'] = failed;
      if (failed) {
        out.status = 'failed';
        const msg =
          typeof out.result['msg'] === 'string' && out.result['msg']
            ? (out.result['msg'] as string)
            : `failed_when condition met: ${task.failedWhen.map(String).join(' and ')}`;
        out.msg = msg;
        out.result['failed_when_result'] = true;
      } else if (out.status === 'failed') {
        out.status = out.result['changed'] === true ? 'changed' : 'ok';
        out.msg = undefined;
        out.result['failed_when_result'] = false;
      }
    }
  } catch (e) {
    return fromOutcome(errorOutcome(e));
  }
  return out;
}

/** Vars with the result visible both directly (as Ansible does) and under the register name. */
export function withResult(vars: Vars, task: ModuleTask, result: Record<string, unknown>): Vars {
  const v: Vars = Object.assign({}, vars, result);
  if (task.register) v[task.register] = result;
  return v;
}

export function fromOutcome(o: CallOutcome): ItemResult {
  // a failure keeps the module's own `changed` (a command that ran and failed is changed, as in Ansible)
  const changed = o.status === 'changed' || (o.status === 'failed' && o.result['changed'] === true);
  const result: Record<string, unknown> = { ...o.result, changed };
  if (o.status === 'failed') result['failed'] = true;
  if (o.status === 'skipped') result['skipped'] = true;
  if (o.status === 'unreachable') result['unreachable'] = true;
  if (o.msg !== undefined && result['msg'] === undefined) result['msg'] = o.msg;
  const msg = o.msg ?? (typeof result['msg'] === 'string' ? (result['msg'] as string) : undefined);
  return { status: o.status, result, changes: o.changes, ...(msg !== undefined ? { msg } : {}) };
}

/** A rendered value that is (or holds) a variable that could not be rendered: raise its error. */
export function throwIfUnresolved(v: unknown, depth = 0): void {
  if (v instanceof UnresolvedVar) throw v.error;
  if (depth > 8 || v === null || typeof v !== 'object') return;
  for (const x of Array.isArray(v) ? v : Object.values(v as Vars)) throwIfUnresolved(x, depth + 1);
}

export function failedItem(msg: string): ItemResult {
  return { status: 'failed', result: { changed: false, failed: true, msg }, changes: [], msg };
}

export function aggregate(items: ItemResult[]): ItemResult {
  const results = items.map((i) => i.result);
  const anyFailed = items.some((i) => i.status === 'failed');
  const anyUnreachable = items.some((i) => i.status === 'unreachable');
  const anyChanged = items.some((i) => i.status === 'changed' || i.result['changed'] === true);
  const allSkipped = items.length === 0 || items.every((i) => i.status === 'skipped');
  const status: ItemResult['status'] = anyUnreachable
    ? 'unreachable'
    : anyFailed
      ? 'failed'
      : anyChanged
        ? 'changed'
        : allSkipped
          ? 'skipped'
          : 'ok';
  const msg =
    anyFailed || anyUnreachable
      ? 'One or more items failed'
      : allSkipped
        ? 'All items skipped'
        : 'All items completed';
  const result: Record<string, unknown> = { results, changed: anyChanged, msg };
  if (anyFailed) result['failed'] = true;
  if (allSkipped) result['skipped'] = true;
  return { status, result, changes: items.flatMap((i) => i.changes), msg };
}

export function firstFalse(
  conds: Condition[],
  templar: TemplarLike,
  vars: Vars,
): { cond?: Condition; error?: string } {
  for (const c of conds) {
    try {
      if (!templar.condition(c, vars)) return { cond: c };
    } catch (e) {
      return {
        error: `the conditional check '${String(c)}' failed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }
  return {};
}

export function itemLabel(
  item: unknown,
  label: string | undefined,
  templar: TemplarLike,
  vars: Vars,
): string {
  if (label !== undefined) {
    try {
      return String(templar.render(label, vars));
    } catch {
      return label;
    }
  }
  if (typeof item === 'string') return item;
  try {
    return JSON.stringify(item);
  } catch {
    return String(item);
  }
}

export function truthy(v: boolean | string | undefined, templar: TemplarLike, vars: Vars): boolean {
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  try {
    return templar.condition(v, vars);
  } catch {
    return true;
  }
}
