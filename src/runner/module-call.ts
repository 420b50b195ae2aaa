/**
 * One module invocation on one host: probe → plan → (check: report the steps, run only `observe`) → the
 * applier runs exactly the planned steps → the result; errors mapped to a status.
 */
import { CommandError, ConnectError, ModuleError, RemediateError, TemplateError } from '../errors';
import type { Fused, ModuleDefinition, Plan } from '../modules/types';
import { planSteps, type Change, type ExecOutput, type ExecStep } from '../plan/steps';
import { applySteps, assembleResult, type ApplierContext } from './applier';

export type CallStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

export interface CallOutcome {
  status: CallStatus;
  /** Registered result fields (without changed/failed/skipped, which the caller adds). */
  result: Record<string, unknown>;
  changes: Change[];
  msg?: string;
}

export const CHECK_MODE_UNKNOWN_MSG =
  'skipped in check mode: this task cannot tell what it would change (set check_mode: false to run it)';

export async function callModule(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: ModuleDefinition<any, any, any>,
  args: unknown,
  ctx: ApplierContext,
  check: boolean,
): Promise<CallOutcome> {
  try {
    const { plan: _plan, ...outcome } = await runModuleCall(def, args, ctx, check);
    return outcome;
  } catch (e) {
    return errorOutcome(e);
  }
}

/** callModule's pipeline, throwing what fails, with the plan it ran (for tests and tools). */
export async function runModuleCall(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: ModuleDefinition<any, any, any>,
  args: unknown,
  ctx: ApplierContext,
  check: boolean,
): Promise<CallOutcome & { plan: Plan }> {
  const fused = check || noFusion(ctx) ? undefined : def.fused?.(args, ctx);
  if (fused) return runFused(def, args, ctx, fused);
  const facts = await def.probe(ctx, args);
  const plan: Plan = await def.plan(args, facts, ctx);
  const changes = plan.changes ?? [];
  const observe = plan.observe ?? [];
  const planned = { ...(plan.result ?? {}) };
  // a module may decline to act (debug below its verbosity): reported skipped, with its reason
  if (changes.length === 0 && typeof planned['skipped_reason'] === 'string') {
    return {
      status: 'skipped',
      result: planned,
      changes: [],
      msg: planned['skipped_reason'] as string,
      plan,
    };
  }
  const status = changes.length ? 'changed' : 'ok';
  if (check && plan.unknownInCheck)
    return { status: 'skipped', result: planned, changes: [], msg: CHECK_MODE_UNKNOWN_MSG, plan };
  const all = [...(plan.prelude ?? []), ...planSteps(changes)];
  const steps = check ? [] : all;
  if (steps.length === 0 && observe.length === 0) return { status, result: planned, changes, plan };
  let outputs = await applySteps(ctx, def, plan, args, steps, { check });
  // observe steps keep their keys whether the changes' steps ran or not
  if (observe.length)
    outputs = await applySteps(ctx, def, plan, args, observe, { check, outputs, offset: all.length });
  const result = assembleResult(def, plan, args, outputs);
  // warnings a module's result declares (Ansible's `warnings`) are shown as warnings
  if (Array.isArray(result['warnings'])) for (const w of result['warnings']) ctx.warn(String(w));
  return { status, result, changes, plan };
}

/** Map a thrown error to a failed (or unreachable) outcome. Aborts are re-thrown. */
export function errorOutcome(e: unknown): CallOutcome {
  if (e instanceof Error && e.name === 'AbortError') throw e;
  if (e instanceof ConnectError) {
    const msg = e.hint ? `${e.message} (${e.hint})` : e.message;
    return { status: 'unreachable', result: { msg }, changes: [], msg };
  }
  if (e instanceof CommandError) {
    const msg = e.message;
    return {
      status: 'failed',
      result: { rc: e.code, stderr: e.stderr, cmd: e.command, msg },
      changes: [],
      msg,
    };
  }
  if (e instanceof ModuleError) {
    const msg = e.hint ? `${e.message} (${e.hint})` : e.message;
    // the result carries the module's own message (as Ansible's); the event's adds remediate's detail
    const resultMsg = typeof e.data?.['msg'] === 'string' ? e.data['msg'] : e.message;
    return { status: 'failed', result: { ...(e.data ?? {}), msg: resultMsg }, changes: [], msg };
  }
  if (e instanceof TemplateError || e instanceof RemediateError) {
    const msg = e.hint ? `${e.message} (${e.hint})` : e.message;
    return { status: 'failed', result: { msg }, changes: [], msg };
  }
  const msg = `module failure: ${e instanceof Error ? e.message : String(e)}`;
  return { status: 'failed', result: { msg }, changes: [], msg };
}

/** A context may ask for the two-step path everywhere (tests compare both paths). */
function noFusion(ctx: ApplierContext): boolean {
  return ctx.noFusion === true;
}

/** The fused path: one exec, then the same plan, status and result as the two-step path. */
async function runFused(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: ModuleDefinition<any, any, any>,
  args: unknown,
  ctx: ApplierContext,
  fused: Fused<unknown>,
): Promise<CallOutcome & { plan: Plan }> {
  const step: ExecStep = {
    kind: 'exec',
    id: 'fused',
    cmd: fused.cmd,
    stdin: fused.stdin,
    cwd: fused.cwd,
    timeoutMs: fused.timeoutMs,
    ok: 'any',
    ...(fused.invalidates ? { invalidates: fused.invalidates } : {}),
  };
  const out = (await applySteps(ctx, def, { changes: [] }, args, [step]))['fused'] as ExecOutput;
  const { facts, outputs } = fused.split(out);
  const plan: Plan = await def.plan(args, facts, ctx);
  const changes = plan.changes ?? [];
  const status = changes.length ? 'changed' : 'ok';
  const ran = planSteps(changes).length > 0;
  const result = ran ? assembleResult(def, plan, args, outputs) : { ...(plan.result ?? {}) };
  return { status, result, changes, plan };
}
