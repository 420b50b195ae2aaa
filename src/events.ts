/**
 * One typed event stream. The runner emits `RunEvent`s; every reporter (listr2, plain, NDJSON, recap,
 * journal) is a subscriber. The runner never formats text; reporters never touch transports.
 */
import type { ReportedChange } from './plan/steps';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'rescued' | 'ignored';

export interface HostCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type RunEvent =
  | { kind: 'run-start'; time: number; playbook: string; check: boolean; diff: boolean }
  | {
      kind: 'play-start';
      time: number;
      play: string;
      hosts: string[];
      wave?: { index: number; count: number };
    }
  | {
      kind: 'task-start';
      time: number;
      play: string;
      task: string;
      loc: string;
      hosts: string[];
      handler?: boolean;
    }
  | { kind: 'host-task-start'; time: number; host: string; task: string; loc: string; handler?: boolean }
  | {
      kind: 'task-result';
      time: number;
      host: string;
      task: string;
      /** file:line:col of the task. */
      loc: string;
      module: string;
      status: TaskStatus;
      durationMs: number;
      /** One-line message (failure reason, skip reason, debug msg). */
      msg?: string;
      /** What changed (or would change in --check). */
      changes?: ReportedChange[];
      /** Loop item label, for per-item results. */
      item?: string;
      /** The registered result, secrets and no_log content already removed. */
      result?: Record<string, unknown>;
      handler?: boolean;
      check: boolean;
      /** A retry of `until:` is under way (attempt numbers). */
      attempt?: { n: number; of: number };
    }
  | { kind: 'host-output'; time: number; host: string; stream: 'stdout' | 'stderr'; chunk: string }
  | { kind: 'log'; time: number; host?: string; level: 1 | 2 | 3; msg: string }
  | { kind: 'warning'; time: number; host?: string; msg: string }
  | { kind: 'play-end'; time: number; play: string }
  | {
      kind: 'recap';
      time: number;
      hosts: Record<string, HostCounts>;
      durationMs: number;
      /** set_stats' custom statistics: per host, and `_run` for the run's own. */
      customStats?: Record<string, Record<string, unknown>>;
    }
  | { kind: 'run-end'; time: number; exitCode: number };

export type RunEventKind = RunEvent['kind'];

export interface Reporter {
  on(event: RunEvent): void;
  /** Called once at the end; flush and release the terminal. */
  close?(): Promise<void> | void;
}
