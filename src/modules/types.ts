/**
 * A module is one file exporting a `ModuleDefinition`: a zod args schema (every field `.describe()`d),
 * then `probe` (read-only), `plan` (pure: what would change) and `apply` (do it). "Changed" is a non-empty
 * plan, so `--check` is the same code path minus `apply`, for every module, by construction.
 */
import type { z } from 'zod';
import type { Command, ExecCommand } from '../command';
import type { Fact } from '../facts/types';
import type { Vars } from '../inventory/types';
import type { BecomeOptions, ExecOptions, ExecResult, PutOptions, PutResult } from '../transport/types';

/** One change a module would make; `describe` is what the dry-run shows. */
export interface Change {
  describe: string;
  /** Optional unified-diff material for `--diff` (the runner renders it with the `diff` package). */
  diff?: { path?: string; before: string; after: string; secret?: boolean };
  /** The commands applying this change would run, for `-vv` previews. */
  commands?: Command[];
}

export interface Plan<S = unknown> {
  changes: Change[];
  /** Whatever `apply` needs from planning (new content, computed paths...). */
  state?: S;
  /**
   * For modules with no side effects on targets whose result is their output (stat, slurp, debug,
   * x509_info, set_fact...): the result fields to register. Also used when nothing changes.
   */
  result?: Record<string, unknown>;
  /**
   * Check mode cannot tell (command/shell without creates/removes): the task is reported "skipped" in
   * `--check` unless the task sets `check_mode: false`.
   */
  unknownInCheck?: boolean;
}

export interface ModuleResult {
  /** Fields to register and to show at -v (stdout, rc, dest, ...). `changed`/`failed` are set by the runner. */
  [key: string]: unknown;
}

export interface ModuleContext {
  /** Inventory hostname. */
  host: string;
  /** All variables visible to the task on this host (read-only). */
  vars: Vars;
  check: boolean;
  diff: boolean;
  /** `no_log` is on: modules must not put contents into results or changes. */
  noLog: boolean;
  /** Playbook directory (for relative `src:` of copy/template/fetch). */
  playbookDir: string;
  /** The task's role directory, when it runs in a role: its files/ and templates/ come first. */
  roleDir?: string;
  /** The task's become settings (already resolved), undefined when not becoming. */
  become?: BecomeOptions;
  /** Run a command on the target with the task's become/environment applied. Non-zero exit is a result. */
  exec(cmd: ExecCommand, opts?: Omit<ExecOptions, 'become'> & { become?: boolean }): Promise<ExecResult>;
  /** Like exec, but throws CommandError (host, code, stderr tail) on a non-zero exit. */
  run(cmd: ExecCommand, opts?: Omit<ExecOptions, 'become'> & { become?: boolean }): Promise<ExecResult>;
  put(remotePath: string, content: Buffer, opts?: Omit<PutOptions, 'become'>): Promise<PutResult>;
  get(remotePath: string): Promise<Buffer>;
  /** A cached, read-only fact of this host. */
  fact<T>(f: Fact<T>): Promise<T>;
  /** Drop cached facts (after apply changed what they describe). */
  invalidateFacts(keyPrefix?: string): void;
  /** Render a Jinja2 template string with the task's variables (plus `extra`). */
  render(template: string, extra?: Vars): string;
  /**
   * Evaluate a bare Jinja2 expression (`assert`'s `that:`, `debug`'s `var:`) with the task's variables,
   * native result. Optional for older runners; modules that need it fail clearly without it.
   */
  evaluate?(expr: string, extra?: Vars): unknown;
  /** Debug output at -v / -vv. */
  log(msg: string, level?: 1 | 2 | 3): void;
  warn(msg: string): void;
  /** Aborted by Ctrl-C: long waits should stop. */
  signal: AbortSignal;
}

/**
 * Controller-side actions a module can ask of the runner (set_fact, meta). Returned in the apply/probe
 * result under these reserved keys: `ansible_facts` (vars to set on the host), `_meta` (meta action).
 */
export type MetaAction =
  | 'flush_handlers'
  | 'end_play'
  | 'end_host'
  | 'clear_host_errors'
  | 'noop'
  | 'refresh_inventory'
  | 'reset_connection'
  | 'clear_facts'
  | 'end_batch';

export interface ModuleDefinition<A extends z.ZodTypeAny = z.ZodTypeAny, F = unknown, S = unknown> {
  /** Short name; the registry also answers to `ansible.builtin.<name>` and `aliases`. */
  name: string;
  aliases?: string[];
  description: string;
  /** Args schema. Free-form modules accept `_raw_params`. */
  args: A;
  /** Runs on the controller only and needs no connection (debug, set_fact, assert, fail, meta). */
  controllerOnly?: boolean;
  /** Read-only look at the target. Must not change anything. */
  probe(ctx: ModuleContext, args: z.infer<A>): Promise<F>;
  /** Pure: from args and facts, what would change. Empty `changes` = ok/unchanged. Throw ModuleError to fail. */
  plan(args: z.infer<A>, facts: F, ctx: ModuleContext): Plan<S> | Promise<Plan<S>>;
  /** Make the planned changes. Only called when the plan is non-empty and not in check mode. */
  apply(ctx: ModuleContext, args: z.infer<A>, plan: Plan<S>, facts: F): Promise<ModuleResult>;
}

/** Helper to keep a module's arg type inferred: `export default defineModule({...})`. */
export function defineModule<A extends z.ZodTypeAny, F, S>(
  def: ModuleDefinition<A, F, S>,
): ModuleDefinition<A, F, S> {
  return def;
}
