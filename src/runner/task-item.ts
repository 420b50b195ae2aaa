/**
 * One item of a task (the whole task when it has no loop): when → module call prepared → until/retries
 * around (module call → changed_when/failed_when) → facts.
 */
import { formatLoc, TemplateError } from '../errors';
import { undefinedOptionMessage } from './ansible-error-text';
import type { Vars } from '../inventory/types';
import type { ModuleDefinition } from '../modules/types';
import type { ApplierContext } from './applier';
import { validateModuleArgs } from '../playbook/index';
import type { BecomeOptions } from '../transport/types';
import { callModule, errorOutcome } from './module-call';
import { reportTaskResult } from './task-report';
import {
  applyConditions,
  failedItem,
  firstFalse,
  fromOutcome,
  throwIfUnresolved,
  truthy,
  withResult,
  type ItemResult,
} from './task-results';
import { HostState } from './host-state';
import { createTaskContext } from './task-context';
import { hostVarsOf, makeHostvars } from './variables';
import { applyFacts, applyInventory, applyStats } from './task-effects';
import { itemReport, renderKeyword, toInt, toNumber, type TaskRun } from './task-run';
import { resolveBecome, resolveEnvironment } from './task-settings';
import { isSecretVarName } from '../secrets/secret-names';
import { abortError } from '../abort';

const LOCALHOST = new Set(['localhost', '127.0.0.1', '::1']);

/** A module call ready to run: its definition, validated arguments and context. */
interface PreparedCall {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: ModuleDefinition<any, any, any>;
  args: unknown;
  /** The call's context, whose commands stop when `signal` aborts (the run's Ctrl-C, the task's timeout). */
  ctx: (signal: AbortSignal) => ApplierContext;
  /** Where a delegated task ran (undefined: the task's own host). */
  target?: HostState | 'local';
}

/**
 * After a task's timeout fired, how long its commands get to be stopped (the transport kills their process
 * groups, TERM then KILL) before the task is reported anyway.
 */
const TIMEOUT_GRACE_MS = 15_000;

export async function runItem(run: TaskRun, vars: Vars, label?: string): Promise<ItemResult> {
  const skipped = checkWhen(run, vars);
  if (skipped) return skipped;
  const call = prepareCall(run, vars);
  if ('status' in call) return call;
  const r = await callWithRetries(run, call, vars, label);
  // delegate_facts: facts a delegated task sets belong to the host it ran on, as in Ansible
  const factsHost =
    call.target && truthy(run.kw.delegateFacts, run.shared.templar, vars)
      ? call.target === 'local'
        ? localFactsHost(run)
        : call.target
      : run.hr.state;
  applyFacts(run.task, factsHost, r.result);
  applyInventory(run, r.result);
  applyStats(run, r.result);
  return r;
}

/** The block's and the task's `when`: the first false condition skips the item. */
function checkWhen(run: TaskRun, vars: Vars): ItemResult | undefined {
  const conds = [...run.scope.when, ...(run.task.when ?? [])];
  const falseCond = firstFalse(conds, run.shared.templar, vars);
  if (falseCond.error) return failedItem(falseCond.error);
  if (falseCond.cond === undefined) return undefined;
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

/**
 * `delegate_to`: undefined (the task's own host), 'local' (localhost not in the inventory), or the state of
 * another host, whose own connection variables (ansible_host, ansible_port, ansible_user, ...) are used.
 */
function delegateTarget(run: TaskRun, vars: Vars): HostState | 'local' | undefined {
  const { shared, kw } = run;
  if (kw.delegateTo === undefined) return undefined;
  const name = String(renderKeyword(shared.templar, kw.delegateTo, vars));
  if (name === run.hr.state.name) return undefined;
  const known = shared.inventory.hosts.has(name);
  if (!known && LOCALHOST.has(name)) return 'local';
  let state = shared.hosts.get(name);
  if (!state) {
    state = new HostState(name, known ? shared.inventory.hostVars(name) : {});
    shared.hosts.set(name, state);
  }
  return state;
}

/**
 * `delegate_to: localhost` outside the inventory with delegate_facts: the implicit localhost (created as a
 * `localhost` pattern creates it), whose facts `hostvars['localhost']` then shows, as in Ansible.
 */
function localFactsHost(run: TaskRun): HostState {
  const { shared } = run;
  let state = shared.hosts.get('localhost');
  if (!state) {
    const inv = shared.inventory;
    try {
      inv.select('localhost');
    } catch {
      // an inventory that cannot add it: the facts are kept, hostvars does not show them
    }
    const known = inv.hosts.has('localhost');
    state = new HostState('localhost', known ? inv.hostVars('localhost') : { ansible_connection: 'local' });
    shared.hosts.set('localhost', state);
    if (known) run.wave.scope.magic['hostvars'] = makeHostvars(run.wave.scope);
  }
  return state;
}

/** Resolve the module, render and validate its arguments, settle become/environment, build its context. */
function prepareCall(run: TaskRun, vars: Vars): PreparedCall | ItemResult {
  const { shared, task, kw, hr } = run;
  const { templar } = shared;
  const def = shared.modules(task.module);
  if (!def) return failedItem(`couldn't resolve module/action '${task.module}' (${formatLoc(task.argsLoc)})`);
  let target: HostState | 'local' | undefined;
  try {
    target = delegateTarget(run, vars);
  } catch (e) {
    return fromOutcome(errorOutcome(e));
  }
  let args: unknown;
  let become: BecomeOptions | undefined;
  let env: Record<string, string> | undefined;
  let rendered: unknown;
  try {
    rendered = templar.render(task.args, vars);
    throwIfUnresolved(rendered);
  } catch (e) {
    const item = fromOutcome(errorOutcome(e));
    // an undefined variable in the arguments: the result says it in Ansible's words
    if (e instanceof TemplateError && e.variable !== undefined) {
      item.result = { failed: true, msg: undefinedOptionMessage(e.message, task.loc) };
    }
    return item;
  }
  try {
    become = resolveBecome(kw, vars, shared.opts.becomePassword, templar);
    env = resolveEnvironment(kw.environment, templar, vars);
    args = validateModuleArgs(def, (rendered ?? {}) as Vars, task.argsLoc);
  } catch (e) {
    return fromOutcome(errorOutcome(e));
  }
  const ctx = (signal: AbortSignal) =>
    createTaskContext({
      host: hr.state.name,
      vars,
      diff: shared.opts.diff,
      noLog: run.noLog,
      playbookDir: shared.playbook.dir,
      inventory: shared.inventory,
      ...(run.scope.role ? { roleDir: run.scope.role.path } : {}),
      become,
      env,
      transport: () =>
        target === 'local'
          ? shared.localTransport()
          : target
            ? target.connection(shared.opts.transportFactory, hostVarsOf(run.wave.scope, target))
            : hr.state.connection(shared.opts.transportFactory, vars),
      ...(target === undefined
        ? { reconnect: () => hr.state.reconnect(shared.opts.transportFactory, vars) }
        : {}),
      // facts describe the machine the module runs on
      facts: target && target !== 'local' ? target.factsCache : hr.state.factsCache,
      templar,
      emit: (e) => shared.emit(e),
      now: () => shared.now(),
      clock: shared.opts.clock,
      // output that will be registered under a secret name is not streamed live (-vvv) before it is known secret
      verbosity:
        task.register && isSecretVarName(task.register)
          ? Math.min(2, shared.opts.verbosity)
          : shared.opts.verbosity,
      signal,
    });
  return { def, args, ctx, ...(target ? { target } : {}) };
}

/** `until`: call again after `delay` seconds while the condition is false, `retries` times at most. */
async function callWithRetries(
  run: TaskRun,
  call: PreparedCall,
  vars: Vars,
  label: string | undefined,
): Promise<ItemResult> {
  const { shared, task } = run;
  const { templar } = shared;
  const until = task.until ?? [];
  const retries = until.length ? Math.max(0, toInt(renderKeyword(templar, task.retries ?? 3, vars), 3)) : 0;
  const delayMs = Math.max(0, toNumber(renderKeyword(templar, task.delay ?? 5, vars), 5)) * 1000;
  const attempts = retries + 1;
  const timeoutSec = taskTimeout(run, vars);
  if (typeof timeoutSec === 'string') return failedItem(timeoutSec);
  let r: ItemResult = failedItem('not run');
  for (let n = 1; n <= attempts; n++) {
    r = timeoutSec > 0 ? await callWithTimeout(run, call, vars, timeoutSec) : await callOnce(run, call, vars);
    // as in Ansible, a timed-out attempt ends the task: no until, no failed_when
    if (timedOut.has(r)) return r;
    if (!until.length || r.status === 'skipped' || r.status === 'unreachable') break;
    const done = firstFalse(until, templar, withResult(vars, task, r.result));
    if (done.error) return failedItem(done.error);
    r.result['attempts'] = n;
    if (done.cond === undefined) break;
    if (n === attempts) {
      const msg = `Retried ${attempts} times; the until condition never held: ${String(done.cond)}`;
      // ansible-playbook (2.14) reports attempts = retries after the last of its retries + 1 tries
      return { ...r, status: 'failed', msg, result: { ...r.result, attempts: retries, failed: true, msg } };
    }
    reportTaskResult(shared, run.hr, itemReport(run, r, label, { n, of: attempts }), false);
    await shared.opts.clock.sleep(delayMs, shared.signal);
  }
  return r;
}

/** `timeout:` (the task's, else inherited, else --task-timeout), in seconds (0: none), or why it is invalid. */
function taskTimeout(run: TaskRun, vars: Vars): number | string {
  const v = run.kw.timeout ?? run.shared.opts.taskTimeout;
  if (v === undefined) return 0;
  let n: unknown;
  try {
    n = renderKeyword(run.shared.templar, v, vars);
  } catch (e) {
    return `timeout: ${e instanceof Error ? e.message : String(e)}`;
  }
  const secs = Number(n);
  if (!Number.isInteger(secs) || secs < 0)
    return `timeout: ${JSON.stringify(n)} is not a non-negative whole number of seconds`;
  return secs;
}

/**
 * One attempt bounded by `timeout:` seconds, as Ansible 2.10+ does it: when the time is up the attempt's
 * commands are stopped (the transport kills their process groups on the target, as on Ctrl-C) and the
 * item fails with Ansible's message; the run goes on (ignore_errors applies). The run's own Ctrl-C still
 * stops the run.
 */
async function callWithTimeout(
  run: TaskRun,
  call: PreparedCall,
  vars: Vars,
  timeoutSec: number,
): Promise<ItemResult> {
  const { shared } = run;
  const expiry = new AbortController();
  const finished = new AbortController();
  const signal = AbortSignal.any([shared.signal, expiry.signal]);
  shared.opts.clock.sleep(timeoutSec * 1000, finished.signal).then(
    () => expiry.abort(),
    () => {},
  );
  const attempt = callOnce(run, call, vars, signal);
  try {
    const settled = await Promise.race([
      attempt.then(
        (r) => ({ r }),
        (e: unknown) => ({ e }),
      ),
      new Promise<'expired'>((resolve) => expiry.signal.addEventListener('abort', () => resolve('expired'))),
    ]);
    if (settled !== 'expired' && !expiry.signal.aborted) {
      if ('e' in settled) throw settled.e;
      return settled.r;
    }
    if (shared.signal.aborted) throw abortError();
    // the commands are being stopped: wait for that (bounded), to say whether something may still run
    const stopped = await Promise.race([
      attempt.then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      ),
      new Promise<string>((resolve) =>
        setTimeout(() => resolve('interrupted; it did not stop in time'), TIMEOUT_GRACE_MS).unref(),
      ),
    ]);
    if (shared.signal.aborted) throw abortError();
    return timedOutItem(run, timeoutSec, stopped);
  } finally {
    finished.abort();
  }
}

/** Ansible's result for a task that ran out of time, plus what could not be stopped, if anything. */
function timedOutItem(run: TaskRun, timeoutSec: number, stopped: string | undefined): ItemResult {
  let msg = `The ${run.task.module} action failed to execute in the expected time frame (${timeoutSec}) and was terminated`;
  const left = stopped?.startsWith('interrupted; ') ? stopped.slice('interrupted; '.length) : undefined;
  if (left) msg += ` (${left})`;
  // the registered result is ansible-core 2.14's (2.15 adds `timedout`)
  const r: ItemResult = { status: 'failed', result: { changed: false, failed: true, msg }, changes: [], msg };
  timedOut.add(r);
  return r;
}

/** Attempts that ran out of time (their result is Ansible's, with nothing to mark it). */
const timedOut = new WeakSet<ItemResult>();

/** The module call itself, then `changed_when` / `failed_when` over its result. */
async function callOnce(
  run: TaskRun,
  call: PreparedCall,
  vars: Vars,
  signal: AbortSignal = run.shared.signal,
): Promise<ItemResult> {
  const r = fromOutcome(await callModule(call.def, call.args, call.ctx(signal), run.check));
  if (r.status === 'skipped' || r.status === 'unreachable') return r;
  return applyConditions(r, run.task, run.shared.templar, vars);
}
