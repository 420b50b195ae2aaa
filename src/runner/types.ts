import type { RunEvent } from '../events';
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
