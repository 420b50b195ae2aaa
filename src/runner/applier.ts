/**
 * The one applier: runs a plan's steps (src/plan/steps.ts) in order through the task's context — exec
 * with the task's become and environment, uploads on an exec's stdin then an atomic rename (the
 * transport's `put` only for big files or where stdin cannot carry content), fetches, controller-side
 * requests, waits on the runner's Clock, and the module's declared checks. Each step is traced at -vv
 * with `describeStep`, the text `--check -vv` shows. After a failure only `always` steps still run; the
 * first failure is then thrown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CommandError, ModuleError } from '../errors';
import type { ModuleContext, ModuleDefinition, Plan } from '../modules/types';
import {
  describeStep,
  stepKey,
  type ExecOutput,
  type ExecStep,
  type RequestOutput,
  type RequestStep,
  type Step,
  type StepOutput,
  type StepOutputs,
  type TlsOutput,
  type UploadStep,
  type WaitStep,
} from '../plan/steps';
import { fileStat, parseStat } from '../facts/file';
import type { Fact } from '../facts/types';
import { putScript, sha256 } from '../transport/file-transfer';
import type * as HttpT from '../transport/http';
import type * as TlsProbeT from '../transport/tls-probe';
import type { PutOptions, PutResult } from '../transport/types';
import type { Clock } from './types';

/* eslint-disable @typescript-eslint/no-require-imports */
/** Loaded when a step needs them (node:http/https/tls cost a run's start-up ~5 ms otherwise). */
const controllerRequest: typeof HttpT.controllerRequest = (...a) =>
  (require('../transport/http') as typeof HttpT).controllerRequest(...a);
const tlsHandshake: typeof TlsProbeT.tlsHandshake = (...a) =>
  (require('../transport/tls-probe') as typeof TlsProbeT).tlsHandshake(...a);
/* eslint-enable @typescript-eslint/no-require-imports */

/** Uploads up to this size travel on an exec's stdin; bigger ones use the transport's put. */
export const STDIN_UPLOAD_MAX = 4 * 1024 * 1024;

/** What the applier needs of a task's context: the module's view plus the writes and a clock. */
export interface ApplierContext extends ModuleContext {
  put(remotePath: string, content: Buffer, opts?: Omit<PutOptions, 'become'>): Promise<PutResult>;
  get(remotePath: string): Promise<Buffer>;
  /** The runner's clock (waits); the wall clock when absent. */
  clock?: Clock;
  /** Take the two-step path even where a module offers a fused probe-and-apply exec. */
  noFusion?: boolean;
  /** Drop the connection and open a fresh one (exec steps with `reconnect`). Optional. */
  reconnect?(): Promise<void>;
  /** Cache a fact's value known from a step's output (nothing asked twice). Optional. */
  knowFact?<T>(f: Fact<T>, value: T): void;
}

const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abort());
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(t), reject(abort())), { once: true });
    }),
};

function abort(): Error {
  const e = new Error('interrupted');
  e.name = 'AbortError';
  return e;
}

export interface ApplyOptions {
  /** Check mode: a wait looks once. */
  check?: boolean;
  /** Outputs of steps that ran before (the changes' steps, when applying `observe`). */
  outputs?: StepOutputs;
  /** Position of the first step (keys of steps without an id continue from there). */
  offset?: number;
}

/** Run `steps` in order; returns every output by step key. Throws the first failure after `always` steps. */
export async function applySteps(
  ctx: ApplierContext,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: Pick<ModuleDefinition<any, any, any>, 'name' | 'checks'>,
  plan: Plan,
  args: unknown,
  steps: readonly Step[],
  o: ApplyOptions = {},
): Promise<StepOutputs> {
  const outputs: StepOutputs = o.outputs ?? {};
  let failure: unknown;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (failure !== undefined && !step.always) continue;
    if (ctx.signal.aborted && failure === undefined) failure = abort();
    if (failure !== undefined && !step.always) continue;
    if (!ctx.noLog) ctx.log(describeStep(step), 2);
    try {
      outputs[stepKey(step, (o.offset ?? 0) + i)] = await runStep(ctx, def, plan, args, step, outputs, o);
    } catch (e) {
      if (failure === undefined && !step.always) failure = e;
    }
  }
  if (failure !== undefined) throw failure;
  return outputs;
}

async function runStep(
  ctx: ApplierContext,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: Pick<ModuleDefinition<any, any, any>, 'name' | 'checks'>,
  plan: Plan,
  args: unknown,
  step: Step,
  outputs: StepOutputs,
  o: ApplyOptions,
): Promise<StepOutput> {
  switch (step.kind) {
    case 'exec':
      return execStep(ctx, step);
    case 'upload':
      return uploadStep(ctx, step);
    case 'fetch': {
      const content = await ctx.get(step.src);
      const got = sha256(content);
      if (step.sha256 && got !== step.sha256)
        throw new ModuleError(
          `checksum mismatch fetching ${step.src}: the file changed during the transfer`,
          {
            hint: 'run again',
          },
        );
      writeLocalAtomic(step.dest, content);
      return { kind: 'fetch', sha256: got, bytes: content.length };
    }
    case 'request':
      return requestStep(ctx, step);
    case 'tls':
      return tlsHandshake(step);
    case 'wait':
      return waitStep(ctx, step, !!o.check);
    case 'check': {
      const fn = def.checks?.[step.check];
      if (!fn) throw new ModuleError(`module ${def.name} declares no check '${step.check}'`);
      fn(outputs, plan, args);
      return { kind: 'check' };
    }
  }
}

async function execStep(ctx: ApplierContext, step: ExecStep): Promise<ExecOutput> {
  const clock = ctx.clock ?? wallClock;
  const start = clock.now();
  const execOpts = {
    stdin: step.stdin,
    cwd: step.cwd,
    timeoutMs: step.timeoutMs,
    become: !step.noBecome,
    traced: true,
  };
  let r;
  try {
    if (step.reconnect) {
      try {
        await ctx.reconnect?.();
        r = await ctx.exec(step.cmd, execOpts);
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        // the host is not back yet: a result the wait judges, not a failure
        const end = clock.now();
        return {
          kind: 'exec',
          stdout: '',
          stderr: (e as Error).message,
          code: null,
          signal: null,
          durationMs: end - start,
          start,
          end,
        };
      }
    } else r = await ctx.exec(step.cmd, execOpts);
  } finally {
    // A command can change anything: the facts it may have changed cannot be trusted after it.
    if (step.invalidates) for (const k of step.invalidates) ctx.invalidateFacts(k);
    else ctx.invalidateFacts();
  }
  const out: ExecOutput = {
    kind: 'exec',
    stdout: r.stdout,
    stderr: r.stderr,
    code: r.code,
    signal: r.signal,
    durationMs: r.durationMs,
    start,
    end: clock.now(),
  };
  if (r.timedOut) out.timedOut = true;
  if (r.truncated) out.truncated = true;
  const ok = step.ok ?? [0];
  if (ok !== 'any' && (r.timedOut || r.code === null || !ok.includes(r.code))) {
    throw new CommandError(
      ctx.host,
      step.cmd.display,
      r.code,
      r.signal,
      ctx.noLog ? '' : r.stderr,
      r.durationMs,
    );
  }
  return out;
}

/** `su` with a password runs on a pty: the command's stdin cannot carry content there. */
function stdinUsable(ctx: ApplierContext): boolean {
  return !(ctx.become?.method === 'su' && ctx.become.password !== undefined);
}

async function uploadStep(ctx: ApplierContext, step: UploadStep): Promise<StepOutput> {
  const digest = sha256(step.content);
  // the file's facts are stale from here on (this task is the only one asking on this host meanwhile)
  ctx.invalidateFacts(`file:${step.dest}:`);
  if (step.content.length > STDIN_UPLOAD_MAX || !stdinUsable(ctx)) {
    const r = await ctx.put(step.dest, step.content, {
      mode: step.mode,
      owner: step.owner,
      group: step.group,
    });
    return { kind: 'upload', changed: r.changed, sha256: r.sha256 };
  }
  const cmd = putScript(step.dest, digest, step.content.length, {
    mode: step.mode,
    owner: step.owner,
    group: step.group,
    statLine: true,
  });
  const r = await ctx.exec(cmd, { stdin: step.content, traced: true });
  if (r.code !== 0) {
    throw new CommandError(
      ctx.host,
      `upload ${step.dest}`,
      r.code,
      r.signal,
      ctx.noLog || step.secret ? '' : r.stderr,
      r.durationMs,
    );
  }
  const lines = r.stdout.trim().split('\n');
  const last = lines.pop();
  knowWritten(ctx, step.dest, lines.join('\n'), digest);
  return { kind: 'upload', changed: last !== 'unchanged', sha256: digest };
}

/** What the upload printed about the file it wrote becomes its stat facts (a regular file, followed or not). */
function knowWritten(ctx: ApplierContext, dest: string, statOut: string, digest: string): void {
  if (!ctx.knowFact || !statOut.startsWith('S ')) return;
  try {
    const st = parseStat(dest, statOut, 0);
    if (!st.isreg) return;
    for (const follow of [false, true]) {
      ctx.knowFact(fileStat(dest, { follow, checksum: false }), { ...st });
      ctx.knowFact(fileStat(dest, { follow, checksum: true }), { ...st, checksum: digest });
    }
  } catch {
    /* not the stat line we expected: the facts are simply asked again */
  }
}

async function requestStep(ctx: ApplierContext, step: RequestStep): Promise<RequestOutput> {
  const r = await controllerRequest(step.request, ctx.signal);
  return { kind: 'request', ...r };
}

async function waitStep(ctx: ApplierContext, step: WaitStep, check: boolean): Promise<StepOutput> {
  const clock = ctx.clock ?? wallClock;
  const start = clock.now();
  if (step.delayMs && !check) await clock.sleep(step.delayMs, ctx.signal);
  const attempts = check ? 1 : (step.attempts ?? Infinity);
  let last: ExecOutput | RequestOutput | TlsOutput | undefined;
  for (let n = 1; ; n++) {
    const p = step.probe;
    last =
      p.kind === 'exec'
        ? await execStep(ctx, p)
        : p.kind === 'request'
          ? await requestStep(ctx, p)
          : await tlsHandshake(p);
    const met =
      last.kind === 'exec'
        ? (step.until.rc ?? [0]).includes(last.code ?? -1)
        : last.kind === 'request'
          ? (step.until.status ?? [200]).includes(last.status)
          : last.verified;
    const elapsedMs = clock.now() - start;
    const outOfTime = step.timeoutMs !== undefined && elapsedMs + step.intervalMs > step.timeoutMs;
    if (met || n >= attempts || outOfTime)
      return { kind: 'wait', met, attempts: n, elapsedMs, last, ...(check ? { lookedOnce: true } : {}) };
    if (!ctx.noLog)
      ctx.log(`wait: ${step.describe}: attempt ${n} not met, next in ${step.intervalMs / 1000} s`, 1);
    await clock.sleep(step.intervalMs, ctx.signal);
  }
}

/** Write a controller file atomically (temp file in its directory, then rename). */
function writeLocalAtomic(dest: string, content: Buffer): void {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.remediate-${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, dest);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The registered result: the module's `result()` over the outputs, or the plan's result. */
export function assembleResult(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: Pick<ModuleDefinition<any, any, any>, 'result'>,
  plan: Plan,
  args: unknown,
  outputs: StepOutputs,
): Record<string, unknown> {
  const base = { ...(plan.result ?? {}) };
  return def.result ? { ...base, ...def.result({ args, plan, outputs }) } : base;
}
