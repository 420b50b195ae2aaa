/** Shared state of one play wave and one host within it, used by the walker and the task executor. */
import type { RunEvent, TaskStatus } from '../events';
import type { Inventory, Vars } from '../inventory/types';
import type { Play, Playbook } from '../playbook/types';
import type { Transport } from '../transport/types';
import type { Semaphore, StepInfo } from './concurrency';
import type { HostState } from './host-state';
import type { ModuleLookup, RunnerLoader, RunnerOptions, TemplarLike } from './types';
import type { PlayScope } from './variables';

/** Everything that lives for the whole run. */
export interface RunShared {
  opts: RunnerOptions;
  templar: TemplarLike;
  modules: ModuleLookup;
  loader: RunnerLoader;
  playbook: Playbook;
  inventory: Inventory;
  hosts: Map<string, HostState>;
  /** Transport for `delegate_to: localhost`, opened once. */
  localTransport(): Promise<Transport>;
  forks: Semaphore;
  signal: AbortSignal;
  emit(e: RunEvent): void;
  now(): number;
  /** set_stats' custom statistics: per host, `_run` for the run's own (shown after the recap). */
  customStats?: Record<string, Vars>;
}

/** One wave of one play. */
export interface WaveRun {
  shared: RunShared;
  play: Play;
  scope: PlayScope;
  waveHosts: string[];
  /** Hosts of this wave that failed for good (or became unreachable). */
  failedHosts: Set<string>;
  /** Ends the play for every host (end_play, any_errors_fatal, max_fail_percentage). */
  stopped: boolean;
  /** The stop came from `meta: end_batch`: later waves still run. */
  batchOnly?: boolean;
  /** The stop came from failures (any_errors_fatal, max_fail_percentage): the run ends, as in Ansible. */
  failedOut?: boolean;
  /** Wait for the host's turn at a task (linear: all hosts in step; free: at once). */
  sync(host: string, info?: StepInfo): Promise<void>;
  /** run_once results, by task and occurrence. */
  runOnce: Map<object, Map<number, RunOnceSlot>>;
  /**
   * Linear strategy: the first host (in the batch's order) of those released together at a step, which
   * runs the step's run_once or add_host task, as in Ansible. Undefined under strategy free (first come).
   */
  leaderOf?(key: object): string | undefined;
  /** include_role tasks that have run (their `handlersId`): their handlers are known to the play from then on. */
  includedHandlers: Set<string>;
  /** A host failed for good: apply any_errors_fatal / max_fail_percentage. */
  hostFailed(host: string, anyErrorsFatal: boolean): void;
}

/** Per host, per play wave. */
export interface HostRun {
  state: HostState;
  /** end_host / unreachable: this host does nothing more in the play. */
  ended: boolean;
  /** The last failed task and result (for `ansible_failed_task` / `ansible_failed_result`). */
  lastFailure?: { task: Record<string, unknown>; result: Record<string, unknown> };
  /** How many times each task object ran on this host (include loops run a task several times). */
  occurrences: Map<object, number>;
}

/** One run_once (or add_host) task occurrence: the host that runs it, and its outcome for the others. */
export interface RunOnceSlot {
  claimed: boolean;
  outcome: Promise<SharedOutcome>;
  resolve(o: SharedOutcome): void;
}

export interface SharedOutcome {
  status: TaskStatus;
  result: Record<string, unknown>;
  facts?: Vars;
}

/** Task keywords that the play, blocks and includes pass down (one table: playbook/schema.ts). */
export { inheritKeywords } from '../playbook/inherited';
export type { InheritedKeywords } from '../playbook/types';
