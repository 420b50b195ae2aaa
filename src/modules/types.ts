/**
 * How to write a module — the contract. "Plans are the program."
 *
 * A module is one file exporting `defineModule({...})`: a name, a zod `args` schema (every field
 * `.describe()`d: docs and JSON Schema come from it), and two functions:
 *
 *  - `probe(ctx, args)`: read-only look at the target through `ctx.exec` / `ctx.run` / `ctx.fact`
 *    (facts are cached per host per run: ask through a Fact where one exists). Never change anything here,
 *    never send a non-GET request. Ask for what you need at once: several facts in one exec beat several
 *    execs (see `ctx.facts`).
 *  - `plan(args, facts, ctx)`: pure. Returns `{ changes, observe?, result?, state?, unknownInCheck? }`.
 *    Each `Change` is `{ describe, diff?, steps }` where `steps` are plain data (src/plan/steps.ts):
 *      exec    {cmd: sh`...`, stdin?, cwd?, ok?: [0] | 'any', timeoutMs?, invalidates?}
 *      upload  {dest, content, mode?, owner?, group?, secret?}  — atomic (temp file + rename), small files
 *              travel on an exec's stdin
 *      fetch   {src, dest (controller), sha256?}
 *      request {request: {url, method, headers, body?, ...}} — HTTP from the controller
 *      wait    {describe, probe: exec|request, until: {rc?|status?}, intervalMs, attempts?, timeoutMs?}
 *              — polls with the runner's Clock; in check mode it looks once
 *      check   {describe, check: 'name'} — runs the module's pure `checks[name](outputs, plan, args)`,
 *              for the rare step that depends on an earlier step's output; throw ModuleError to stop
 *    Every step may carry `id` (its key in the outputs) and `always` (cleanup: runs after a failure too).
 *    A non-empty `changes` means "changed". `prelude` holds steps a real run always performs first that
 *    are no change by themselves (systemd's daemon-reload). `observe` holds read-only steps (waits, polls) that run in
 *    `--check` too and never make a task changed. Throw ModuleError to fail (in `--check` too).
 *  - optional `result({args, plan, outputs})`: pure. Builds the registered result from the plan and the
 *    outputs of the steps that ran (keyed by step id); may throw ModuleError (a command's non-zero exit).
 *    Without it, the result is `plan.result`. Called whenever at least one step ran.
 *
 *  - optional `fused(args, ctx)`: one exec doing probe and steps together for a real run, where the
 *    result and report equal the two-step path (command/shell with creates/removes).
 *
 * The runner runs probe → plan → (`--check`: report the changes and their steps, run only `observe`) →
 * the applier (src/runner/applier.ts) runs exactly the planned steps, in order, with the task's become,
 * environment, timeouts and abort; `-vv` prints each step as it runs with the same text `--check -vv`
 * shows. A module never reads check mode, never runs commands after planning, and never touches a
 * transport. Facts a step may change are dropped after it (`invalidates`, default all).
 *
 * Validate anything that reaches another program's options (names, kinds, owners: reject a leading `-`,
 * end options with `--`); build commands with `sh` (every interpolation quoted) and mark secrets.
 * Register the module in src/modules/index.ts; add table cases to test/modules/plan-is-program.test.ts.
 */
import type { z } from 'zod';
import type { ExecCommand } from '../command';
import type { Fact } from '../facts/types';
import type { Inventory, Vars } from '../inventory/types';
import type { Change, ExecOutput, Step, StepOutputs } from '../plan/steps';
import type { BecomeOptions, ExecOptions, ExecResult } from '../transport/types';

export type { Change, Step, StepOutputs } from '../plan/steps';

export interface Plan<S = unknown> {
  /** What would change, each with the exact steps that change it. Non-empty = "changed". */
  changes: Change[];
  /**
   * Steps a real run performs before the changes' steps even when nothing changes, and that are no
   * change by themselves (systemd's `daemon-reload`, as in Ansible). `--check` shows them, never runs them.
   */
  prelude?: Step[];
  /**
   * Read-only steps run after the changes' steps, in `--check` too (a wait looks once there); they never
   * make the task changed: waits, polls, read-only requests.
   */
  observe?: Step[];
  /** Plain data the module's `result` and `checks` read (what the plan was made from). */
  state?: S;
  /** The registered result when no step runs (and the base `result()` starts from). */
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

/** What a module's probe and plan may use. No writes: those are steps. */
export interface ModuleContext {
  /** Inventory hostname. */
  host: string;
  /** All variables visible to the task on this host (read-only). */
  vars: Vars;
  diff: boolean;
  /** `no_log` is on: modules must not put contents into results or changes. */
  noLog: boolean;
  /** Playbook directory (for relative `src:` of copy/template/fetch). */
  playbookDir: string;
  /** The task's role directory, when it runs in a role: its files/ and templates/ come first. */
  roleDir?: string;
  /** The task's become settings (already resolved), undefined when not becoming. */
  become?: BecomeOptions;
  /** Run a read-only command on the target with the task's become/environment. Non-zero exit is a result. */
  exec(cmd: ExecCommand, opts?: CtxExecOptions): Promise<ExecResult>;
  /** Like exec, but throws CommandError (host, code, stderr tail) on a non-zero exit. */
  run(cmd: ExecCommand, opts?: CtxExecOptions): Promise<ExecResult>;
  /** A cached, read-only fact of this host. */
  fact<T>(f: Fact<T>): Promise<T>;
  /**
   * Several facts at once: those not cached yet are asked in one exec (one round trip), then cached.
   * Optional for hand-made contexts: use `factsOf(ctx, [...])` (src/modules/ask-facts.ts), which falls
   * back to asking one by one.
   */
  facts?<T extends readonly Fact<unknown>[]>(fs: T): Promise<{ [K in keyof T]: FactValue<T[K]> }>;
  /** Drop cached facts. */
  invalidateFacts(keyPrefix?: string): void;
  /** Render a Jinja2 template string with the task's variables (plus `extra`). */
  render(template: string, extra?: Vars): string;
  /**
   * Evaluate a bare Jinja2 expression (`assert`'s `that:`, `debug`'s `var:`) with the task's variables,
   * native result. Optional for older runners; modules that need it fail clearly without it.
   */
  evaluate?(expr: string, extra?: Vars): unknown;
  /**
   * The run's in-memory inventory, read-only: add_host and group_by plan from it (what would change).
   * The runner applies their results; a module never changes it.
   */
  inventory?: Pick<Inventory, 'dynamicHostChanges' | 'dynamicGroupChanges'>;
  /** Debug output at -v / -vv. */
  log(msg: string, level?: 1 | 2 | 3): void;
  warn(msg: string): void;
  /** Aborted by Ctrl-C: long waits should stop. */
  signal: AbortSignal;
}

export type FactValue<F> = F extends Fact<infer T> ? T : never;

export type CtxExecOptions = Omit<ExecOptions, 'become'> & {
  become?: boolean;
  /** The caller traced this command already (the applier): no `exec:` log line. */
  traced?: boolean;
};

/**
 * Controller-side actions a module can ask of the runner (set_fact, meta). Returned in the result under
 * these reserved keys: `ansible_facts` (vars to set on the host), `_meta` (meta action).
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

export interface ResultInput<A, S> {
  args: A;
  plan: Plan<S>;
  /** Outputs of the steps that ran, by step id (or position). */
  outputs: StepOutputs;
}

/**
 * A fused probe-and-apply for a real run: one exec that answers the probe and, when the plan those facts
 * give has steps, performs them. Only where the result and the report are those of the two-step path:
 * `split` returns the facts the probe would have found and the outputs of exactly the planned steps.
 */
export interface Fused<F> {
  cmd: ExecCommand;
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Fact keys (prefixes) the exec may change, as its steps declare them (default: all). */
  invalidates?: string[];
  split(out: ExecOutput): { facts: F; outputs: StepOutputs };
}

export interface ModuleDefinition<A extends z.ZodTypeAny = z.ZodTypeAny, F = unknown, S = unknown> {
  /** Short name; the registry also answers to `ansible.builtin.<name>` and `aliases`. */
  name: string;
  aliases?: string[];
  description: string;
  /** Args schema. Free-form modules accept `_raw_params`. */
  args: A;
  /** Runs on the controller only and needs no connection (debug, set_fact, assert, fail, meta). */
  controllerOnly?: boolean;
  /**
   * Ansible's BYPASS_HOST_LOOP (add_host): the task runs once, for the first host of the batch, and only
   * that host registers its result (unlike run_once, nothing is copied to the other hosts).
   */
  bypassHostLoop?: boolean;
  /** Read-only look at the target. Must not change anything. */
  probe(ctx: ModuleContext, args: z.infer<A>): Promise<F>;
  /** Pure: from args and facts, what would change and its steps. Throw ModuleError to fail. */
  plan(args: z.infer<A>, facts: F, ctx: ModuleContext): Plan<S> | Promise<Plan<S>>;
  /** Pure: the registered result from the plan and its step outputs. May throw ModuleError. */
  result?(input: ResultInput<z.infer<A>, S>): ModuleResult;
  /**
   * Optional: a fused probe-and-apply exec for a real run (never in --check), or undefined to take the
   * two-step path. test/modules/plan-is-program.test.ts runs both paths on the same cases.
   */
  fused?(args: z.infer<A>, ctx: ModuleContext): Fused<F> | undefined;
  /** Pure follow-up checks named by `check` steps. Throw ModuleError to stop before the next steps. */
  checks?: Record<string, (outputs: StepOutputs, plan: Plan<S>, args: z.infer<A>) => void>;
}

/** Helper to keep a module's arg type inferred: `export default defineModule({...})`. */
export function defineModule<A extends z.ZodTypeAny, F, S>(
  def: ModuleDefinition<A, F, S>,
): ModuleDefinition<A, F, S> {
  return def;
}
