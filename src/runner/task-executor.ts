/**
 * Runs one module task on one host: when → loop → (until/retries → module call → changed_when /
 * failed_when) → register, set_fact, notify → task-result events and counts.
 */
import { formatLoc } from '../errors';
import type { TaskStatus } from '../events';
import type { Vars } from '../inventory/types';
import type { Change } from '../modules/types';
import type { ModuleTask } from '../playbook/types';
import { validateModuleArgs } from '../playbook/index';
import type { BecomeOptions } from '../transport/types';
import { callModule, errorOutcome } from './module-call';
import { abortError } from './options';
import { Templar } from '../template/index';
import type { HostRun, InheritedKeywords, WaveRun } from './play-context';
import { NO_LOG_MSG, sanitizeResult } from './sanitize';
import { createTaskContext } from './task-context';
import {
  aggregate,
  applyConditions,
  failedItem,
  firstFalse,
  fromOutcome,
  itemLabel,
  stripCommands,
  throwIfUnresolved,
  truthy,
  withResult,
  type ItemResult,
} from './task-results';
import { resolveBecome, resolveEnvironment } from './task-settings';
import { taskVars, type TaskScope } from './variables';

export { resolveBecome } from './task-settings';

/** What the walker needs back. */
export type TaskEnd = 'ok' | 'failed' | 'unreachable';

export interface ExecuteOptions {
  handler?: boolean;
  /** Display name (rendered). */
  name: string;
  /** The task's variables, when the caller already built them. */
  vars?: Vars;
}

const LOCALHOST = new Set(['localhost', '127.0.0.1', '::1']);

export async function executeTask(
  wave: WaveRun,
  hr: HostRun,
  task: ModuleTask,
  scope: TaskScope,
  eo: ExecuteOptions,
): Promise<TaskEnd> {
  const { shared } = wave;
  const { templar } = shared;
  const host = hr.state;
  const started = shared.now();
  const kw = scope.inherited;
  const baseVars = eo.vars ?? taskVars(wave.scope, host, scope, task.vars);
  const check = effectiveCheck(kw, shared.opts.check);
  const noLog = truthy(kw.noLog, templar, baseVars);
  const loc = formatLoc(task.loc);
  const emitResult = (
    r: ItemResult | { status: TaskStatus; result: Record<string, unknown>; changes: Change[]; msg?: string },
    item?: string,
    attempt?: { n: number; of: number },
  ) => {
    shared.emit({
      kind: 'task-result',
      time: shared.now(),
      host: host.name,
      task: eo.name,
      loc,
      module: task.module,
      status: r.status,
      durationMs: shared.now() - started,
      ...(r.msg !== undefined ? { msg: noLog && r.status !== 'skipped' ? NO_LOG_MSG : r.msg } : {}),
      ...(r.changes.length
        ? { changes: noLog ? [{ describe: NO_LOG_MSG }] : r.changes.map(stripCommands) }
        : {}),
      ...(item !== undefined ? { item: noLog ? '(hidden)' : item } : {}),
      result: sanitizeResult(r.result, noLog),
      ...(eo.handler ? { handler: true } : {}),
      check,
      ...(attempt ? { attempt } : {}),
    });
  };

  const runItem = async (vars: Vars, label?: string): Promise<ItemResult> => {
    const conds = [...scope.when, ...(task.when ?? [])];
    const falseCond = firstFalse(conds, templar, vars);
    if (falseCond.error) return failedItem(falseCond.error);
    if (falseCond.cond !== undefined) {
      return {
        status: 'skipped',
        result: {
          changed: false,
          skipped: true,
          skip_reason: 'Conditional result was False',
          false_condition: String(falseCond.cond),
        },
        changes: [],
        msg: `Conditional result was False: ${String(falseCond.cond)}`,
      };
    }
    const def = shared.modules(task.module);
    if (!def)
      return failedItem(`couldn't resolve module/action '${task.module}' (${formatLoc(task.argsLoc)})`);
    if (kw.delegateTo !== undefined && !LOCALHOST.has(String(render(templar, kw.delegateTo, vars)))) {
      return failedItem(`delegate_to: only localhost is supported, not '${kw.delegateTo}'`);
    }
    let args: unknown;
    let become: BecomeOptions | undefined;
    let env: Record<string, string> | undefined;
    try {
      args = templar.render(task.args, vars);
      throwIfUnresolved(args);
      become = resolveBecome(kw, vars, shared.opts.becomePassword, templar);
      env = resolveEnvironment(kw.environment, templar, vars);
    } catch (e) {
      return fromOutcome(errorOutcome(e));
    }
    let parsed: unknown;
    try {
      parsed = validateModuleArgs(def, (args ?? {}) as Vars, task.argsLoc);
    } catch (e) {
      return fromOutcome(errorOutcome(e));
    }
    const delegated = kw.delegateTo !== undefined;
    const ctx = createTaskContext({
      host: host.name,
      vars,
      check,
      diff: shared.opts.diff,
      noLog,
      playbookDir: shared.playbook.dir,
      become,
      env,
      transport: () =>
        delegated
          ? shared.localTransport()
          : host.connection(shared.opts.transportFactory, connectionVars(vars)),
      facts: host.factsCache,
      templar,
      emit: (e) => shared.emit(e),
      now: () => shared.now(),
      verbosity: shared.opts.verbosity,
      signal: shared.signal,
    });
    const retries = task.until?.length ? Math.max(0, toInt(render(templar, task.retries ?? 3, vars), 3)) : 0;
    const delayMs = Math.max(0, toNumber(render(templar, task.delay ?? 5, vars), 5)) * 1000;
    const attempts = retries + 1;
    let r: ItemResult = failedItem('not run');
    for (let n = 1; n <= attempts; n++) {
      r = fromOutcome(await callModule(def, parsed, ctx, check));
      if (r.status !== 'skipped' && r.status !== 'unreachable') r = applyConditions(r, task, templar, vars);
      if (!task.until?.length || r.status === 'skipped' || r.status === 'unreachable') break;
      const done = firstFalse(task.until, templar, withResult(vars, task, r.result));
      if (done.error) {
        r = failedItem(done.error);
        break;
      }
      r.result['attempts'] = n;
      if (done.cond === undefined) break;
      if (n === attempts) {
        const msg = `Retried ${attempts} times; the until condition never held: ${String(done.cond)}`;
        r = { ...r, status: 'failed', msg, result: { ...r.result, failed: true, msg } };
        break;
      }
      emitResult(r, label, { n, of: attempts });
      await shared.opts.clock.sleep(delayMs, shared.signal);
    }
    applyFacts(task, hr, r.result);
    return r;
  };

  let final: ItemResult;
  let loopResults: ItemResult[] | undefined;
  if (task.loop !== undefined) {
    let items: unknown[];
    try {
      const rendered = templar.render(task.loop, baseVars);
      if (!Array.isArray(rendered)) throw new Error(`loop must be a list, got ${typeof rendered}`);
      items = rendered;
    } catch (e) {
      items = [];
      final = fromOutcome(errorOutcome(e));
      return finish(final);
    }
    loopResults = [];
    const lc = task.loopControl;
    const loopVar = lc?.loopVar ?? 'item';
    for (let i = 0; i < items.length; i++) {
      if (shared.signal.aborted) throw abortError();
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
      // rebuilt from the source layers (not re-rendered from baseVars): loop vars may be referenced by vars
      const vars = taskVars(wave.scope, host, scope, task.vars, extra);
      const label = itemLabel(items[i], lc?.label, templar, vars);
      const r = await runItem(vars, label);
      r.result[loopVar] = items[i];
      if (lc?.indexVar) r.result[lc.indexVar] = i;
      r.result['ansible_loop_var'] = loopVar;
      loopResults.push(r);
      emitResult(r, label);
      if (lc?.pause && i < items.length - 1) await shared.opts.clock.sleep(lc.pause * 1000, shared.signal);
    }
    final = aggregate(loopResults);
  } else {
    final = await runItem(baseVars);
  }
  return finish(final);

  function finish(r: ItemResult): TaskEnd {
    let status: TaskStatus = r.status;
    if (status === 'failed' && truthy(kw.ignoreErrors, templar, baseVars)) status = 'ignored';
    if (task.register) host.dynamicVars[task.register] = r.result;
    const counts = host.counts;
    if (status === 'ok' || status === 'changed' || status === 'ignored') counts.ok++;
    if (status === 'changed' || (status === 'ignored' && r.result['changed'] === true)) counts.changed++;
    if (status === 'skipped') counts.skipped++;
    if (status === 'ignored') counts.ignored++;
    if (status === 'unreachable') {
      if (kw.ignoreUnreachable) counts.ignored++;
      else counts.unreachable++;
    }
    if (status === 'failed') {
      hr.lastFailure = { task: { name: eo.name, action: task.module, loc }, result: r.result };
      if (scope.rescuable === 0) counts.failed++;
    }
    emitResult(loopResults ? { ...r, status, changes: [] } : { ...r, status });
    if (status === 'changed' && task.notify?.length) notify(wave, hr, task, baseVars);
    if (status === 'failed') return 'failed';
    if (status === 'unreachable') return kw.ignoreUnreachable ? 'ok' : 'unreachable';
    return 'ok';
  }
}

export function notify(wave: WaveRun, hr: HostRun, task: ModuleTask, vars: Vars): void {
  const handlers = wave.play.handlers;
  for (const raw of task.notify ?? []) {
    let name = raw;
    try {
      name = String(wave.shared.templar.render(raw, vars));
    } catch {
      // keep the name as written
    }
    // a handler is notified by its name or a listen topic, either possibly templated ("restart {{ svc }}"):
    // rendered with the notifying task's variables; the handler is remembered by the topic as written
    let known = false;
    for (const h of handlers) {
      for (const topic of h.listen ? [h.name, ...h.listen] : [h.name]) {
        if (topic === undefined) continue;
        if (topic === name || (Templar.isTemplated(topic) && renderedTopic(wave, topic, vars) === name)) {
          hr.state.notified.add(topic);
          known = true;
        }
      }
    }
    if (!known) {
      wave.shared.emit({
        kind: 'warning',
        time: wave.shared.now(),
        host: hr.state.name,
        msg: `${formatLoc(task.loc)}: the handler '${name}' is not defined in this play`,
      });
    }
  }
}

function renderedTopic(wave: WaveRun, topic: string, vars: Vars): string | undefined {
  try {
    return String(wave.shared.templar.render(topic, vars));
  } catch {
    return undefined; // a handler name that cannot be rendered here matches nothing
  }
}

function applyFacts(task: ModuleTask, hr: HostRun, result: Record<string, unknown>): void {
  const facts = result['ansible_facts'];
  if (!facts || typeof facts !== 'object' || result['failed'] === true) return;
  if (task.module === 'set_fact' || task.module.endsWith('.set_fact'))
    Object.assign(hr.state.dynamicVars, facts);
  else {
    const current = (hr.state.facts['ansible_facts'] as Vars | undefined) ?? {};
    hr.state.facts['ansible_facts'] = { ...current, ...(facts as Vars) };
    Object.assign(hr.state.facts, facts);
  }
}

export function effectiveCheck(kw: InheritedKeywords, check: boolean): boolean {
  return kw.checkMode ?? check;
}

function render(templar: WaveRun['shared']['templar'], v: unknown, vars: Vars): unknown {
  return typeof v === 'string' ? templar.render(v, vars) : v;
}

function toInt(v: unknown, dflt: number): number {
  const n = Math.floor(Number(v));
  return Number.isFinite(n) ? n : dflt;
}
function toNumber(v: unknown, dflt: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

/** Connection variables for the transport: the host's resolved vars (templated values already rendered). */
function connectionVars(vars: Vars): Vars {
  return vars;
}
