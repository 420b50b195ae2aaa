/**
 * One task context per (host, task) on top of a Transport: become, environment, facts cache, logging.
 * Modules see it as a ModuleContext (read-only); the applier also uses its put/get and clock.
 */
import type { ExecCommand } from '../command';
import { CommandError } from '../errors';
import type { RunEvent } from '../events';
import type { Fact } from '../facts/types';
import type { Vars } from '../inventory/types';
import type { CtxExecOptions, ModuleContext } from '../modules/types';
import type { BecomeOptions, ExecOptions, Transport } from '../transport/types';
import type { ApplierContext } from './applier';
import type { FactsCache } from './facts-cache';
import { askFacts } from './facts-batch';
import type { Clock, TemplarLike } from './types';

export interface TaskContextInit {
  host: string;
  vars: Vars;
  diff: boolean;
  noLog: boolean;
  playbookDir: string;
  /** The directory of the role the task belongs to (its files/ and templates/ are searched first). */
  roleDir?: string;
  become?: BecomeOptions;
  env?: Record<string, string>;
  /** Opens (once) and returns the transport this task talks to. */
  transport: () => Promise<Transport>;
  /** Drops the connection and opens a fresh one (reboot, wait_for_connection); absent: not possible. */
  reconnect?: () => Promise<Transport>;
  facts: FactsCache;
  templar: TemplarLike;
  emit: (e: RunEvent) => void;
  now: () => number;
  /** The runner's clock, for the applier's waits. */
  clock?: Clock;
  /** The in-memory inventory (add_host and group_by plan from it). */
  inventory?: ModuleContext['inventory'];
  /** Two-step path only (no fused probe-and-apply execs). */
  noFusion?: boolean;
  verbosity: number;
  signal: AbortSignal;
}

export type TaskContext = ApplierContext;

export function createTaskContext(init: TaskContextInit): TaskContext {
  const execOpts = (opts: CtxExecOptions = {}): ExecOptions => {
    const { become, traced: _traced, ...rest } = opts;
    const out: ExecOptions = { ...rest };
    if (init.env && Object.keys(init.env).length) out.env = { ...init.env, ...(rest.env ?? {}) };
    const useBecome = become ?? true;
    if (useBecome && init.become) out.become = init.become;
    out.signal ??= init.signal;
    if (init.verbosity >= 3 && !init.noLog) {
      out.onStdout ??= (chunk) =>
        init.emit({ kind: 'host-output', time: init.now(), host: init.host, stream: 'stdout', chunk });
      out.onStderr ??= (chunk) =>
        init.emit({ kind: 'host-output', time: init.now(), host: init.host, stream: 'stderr', chunk });
    }
    return out;
  };
  const ctx: TaskContext = {
    host: init.host,
    vars: init.vars,
    clock: init.clock,
    noFusion: init.noFusion,
    diff: init.diff,
    noLog: init.noLog,
    playbookDir: init.playbookDir,
    ...(init.roleDir ? { roleDir: init.roleDir } : {}),
    ...(init.inventory ? { inventory: init.inventory } : {}),
    become: init.become,
    signal: init.signal,
    ...(init.reconnect
      ? {
          async reconnect() {
            await init.reconnect!();
          },
        }
      : {}),
    async exec(cmd: ExecCommand, opts?: CtxExecOptions) {
      const t = await init.transport();
      if (!init.noLog && !opts?.traced) ctx.log(`exec: ${cmd.display}`, 2);
      return t.exec(cmd, execOpts(opts));
    },
    async run(cmd: ExecCommand, opts?: CtxExecOptions) {
      const r = await ctx.exec(cmd, opts);
      if (r.code !== 0) {
        throw new CommandError(
          init.host,
          cmd.display,
          r.code,
          r.signal,
          init.noLog ? '' : r.stderr,
          r.durationMs,
        );
      }
      return r;
    },
    async put(remotePath, content, opts = {}) {
      const t = await init.transport();
      return t.put(remotePath, content, init.become ? { ...opts, become: init.become } : opts);
    },
    async get(remotePath) {
      const t = await init.transport();
      return t.get(remotePath, init.become ? { become: init.become } : {});
    },
    fact<T>(f: Fact<T>): Promise<T> {
      return init.facts.get(f, async () => {
        const r = await ctx.exec(f.command, { become: f.become ?? true });
        return f.parse(r.stdout, r);
      });
    },
    facts(fs) {
      return askFacts(init.facts, fs, (cmd, become) => ctx.exec(cmd, { become })) as never;
    },
    invalidateFacts(keyPrefix?: string) {
      init.facts.invalidate(keyPrefix);
    },
    knowFact(f, value) {
      init.facts.set(f, value);
    },
    evaluate(expr: string, extra?: Vars) {
      return init.templar.evaluate(expr, extra ? Object.assign({}, init.vars, extra) : init.vars);
    },
    render(template: string, extra?: Vars) {
      return init.templar.renderString(template, extra ? Object.assign({}, init.vars, extra) : init.vars);
    },
    log(msg: string, level: 1 | 2 | 3 = 1) {
      if (level <= init.verbosity) init.emit({ kind: 'log', time: init.now(), host: init.host, level, msg });
    },
    warn(msg: string) {
      init.emit({ kind: 'warning', time: init.now(), host: init.host, msg });
    },
  };
  return ctx;
}
