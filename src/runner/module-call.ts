/** One module invocation on one host: probe → plan → (check: stop) → apply, errors mapped to a status. */
import { CommandError, ConnectError, ModuleError, RemediateError, TemplateError } from '../errors';
import type { Change, ModuleContext, ModuleDefinition } from '../modules/types';

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
  ctx: ModuleContext,
  check: boolean,
): Promise<CallOutcome> {
  try {
    const facts = await def.probe(ctx, args);
    const plan = await def.plan(args, facts, ctx);
    const changes = plan.changes ?? [];
    const planned = { ...(plan.result ?? {}) };
    // a module may decline to act (debug below its verbosity): reported skipped, with its reason
    if (changes.length === 0 && typeof planned['skipped_reason'] === 'string') {
      return { status: 'skipped', result: planned, changes: [], msg: planned['skipped_reason'] as string };
    }
    if (check) {
      if (plan.unknownInCheck)
        return { status: 'skipped', result: planned, changes: [], msg: CHECK_MODE_UNKNOWN_MSG };
      return { status: changes.length ? 'changed' : 'ok', result: planned, changes };
    }
    if (changes.length === 0) return { status: 'ok', result: planned, changes };
    const applied = await def.apply(ctx, args, plan, facts);
    return { status: 'changed', result: { ...planned, ...applied }, changes };
  } catch (e) {
    return errorOutcome(e);
  }
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
    return { status: 'failed', result: { ...(e.data ?? {}), msg }, changes: [], msg };
  }
  if (e instanceof TemplateError || e instanceof RemediateError) {
    const msg = e.hint ? `${e.message} (${e.hint})` : e.message;
    return { status: 'failed', result: { msg }, changes: [], msg };
  }
  const msg = `module failure: ${e instanceof Error ? e.message : String(e)}`;
  return { status: 'failed', result: { msg }, changes: [], msg };
}
