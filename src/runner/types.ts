import type { RunEvent } from '../events';
import type { SecretValues } from '../secrets/secret-values';
import type { Vars } from '../inventory/types';
import type { BecomeOptions, TransportFactory } from '../transport/types';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Seams are options, not globals: defaults live in `defaultRunnerOptions()` (src/runner/options.ts). */
export interface RunnerOptions {
  transportFactory: TransportFactory;
  clock: Clock;
  /** Receives every event, in order. */
  emit: (e: RunEvent) => void;
  check: boolean;
  diff: boolean;
  /** `--limit` pattern, intersected with each play's hosts. */
  limit?: string;
  tags: string[];
  skipTags: string[];
  /** `-e`: highest precedence. */
  extraVars: Vars;
  forks: number;
  forceHandlers: boolean;
  verbosity: 0 | 1 | 2 | 3 | 4;
  /** `--ask-become-pass` result, when given. */
  becomePassword?: BecomeOptions['password'];
  /** Ctrl-C. */
  signal?: AbortSignal;
  /** `--check --detailed-exitcode`: exit 10 when something would change and nothing failed. */
  detailedExitCode?: boolean;
  /** Module registry seam (unit tests pass fake modules). Default: `findModule`. */
  modules?: ModuleLookup;
  /** Templar seam. Default: `new Templar()` from src/template. */
  templar?: TemplarLike;
  /** Loader seam for include_tasks / vars_files. Default: src/playbook. */
  loader?: RunnerLoader;
  /** `--task-timeout N` (ansible.cfg task_timeout): seconds for tasks that set no `timeout:`; 0: none. */
  taskTimeout?: number;
  /** `--canary N|N%`: a first wave of that size in every play (a play's `canary:` otherwise). */
  canary?: number | string;
  /** `--per-group-limit GROUP=N`: at most N hosts of each group matching GROUP (a glob) in one wave. */
  perGroupLimit?: { group: string; limit: number }[];
  /**
   * After a canary wave: continue with the rest? The CLI shows the wave's grouped result and asks (TTY),
   * or answers from --yes. Without it the run continues.
   */
  confirmCanary?: (c: { play: string; canary: string[]; remaining: number }) => Promise<boolean>;
  /**
   * `--step`: asked once per task (all hosts of the step share the answer) before it runs: run it, skip it,
   * or run it and stop asking. Handlers are not asked about.
   */
  confirmStep?: (task: { name: string; loc: string }) => Promise<'yes' | 'no' | 'continue'>;
  /** `runs resume`: tasks each host finished in the journaled run are skipped as done. */
  resume?: import('./resume-state').ResumeState;
  /**
   * The run's secret values: the runner adds what it learns is secret (no_log output, secret-named
   * registers, facts and vars_files variables); reporters given the same set mask them.
   */
  secrets?: SecretValues;
  /**
   * false: once the plays are over, each connection is ended (the server told so) and its socket closed
   * at once, without waiting for the server's side before the recap and the summary. For a caller that exits
   * right after (the CLI): at 1,000 hosts sshd takes ~1 s to tear its sessions down. Default true.
   */
  awaitClose?: boolean;
}

export interface RunSummary {
  exitCode: number;
  /** Per host: ok/changed/failed/... counts. */
  hosts: Record<string, import('../events').HostCounts>;
  /** Hosts that failed or were unreachable (for the retry file). */
  failedHosts: string[];
  unreachableHosts: string[];
  changed: boolean;
}

/** What the runner needs from the templar (src/template `Templar`); a seam so unit tests can swap it. */
export interface TemplarLike {
  render(value: unknown, vars: Vars): unknown;
  renderString(template: string, vars: Vars): string;
  evaluate(expr: string, vars: Vars): unknown;
  condition(c: import('../playbook/types').Condition, vars: Vars): boolean;
  /** A lookup plugin's items (`with_<lookup>` loops); absent in templars without lookups. */
  lookup?(name: string, terms: unknown[], vars: Vars): unknown[];
}

/** Looks a module up by name (short, FQCN or alias). Default: `findModule` from src/modules. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModuleLookup = (
  name: string,
) => import('../modules/types').ModuleDefinition<any, any, any> | undefined;

/** File loading the runner does at run time (include_tasks, vars_files). Default: src/playbook. */
export interface RunnerLoader {
  loadTaskFile(
    file: string,
    includedFrom?: import('../errors').SourceLoc,
  ): Promise<import('../playbook/types').Task[]>;
  /** `includedFrom`: where the file is named (a vars_files play), for the error when it cannot be read. */
  loadVarsFile(file: string, includedFrom?: import('../errors').SourceLoc): Promise<Vars>;
}
