/** Options every reporter takes. */
import type { SecretValues } from '../secrets/secret-values';

export interface TextSink {
  write(chunk: string): unknown;
}

export interface ReporterOptions {
  /** 0 = default, 1 = -v (results, skip reasons), 2 = -vv (commands), 3 = -vvv (live output). */
  verbosity: number;
  /** `--diff`: show unified diffs of changes (never for secret / no_log). */
  diff: boolean;
  /** Where results go (stdout). */
  out: TextSink;
  /** Where warnings (and, for json, everything human) go (stderr). */
  err: TextSink;
  color: boolean;
  /** Literal values to mask as `***` wherever they appear (become password, vault values ...). */
  secrets?: SecretValues | readonly string[];
  /** pretty only: how many hosts the run selects (more than 20: the fleet view instead of per-host rows). */
  hostCount?: number;
  /** pretty only: is `out` a terminal? Default: `process.stdout.isTTY`. */
  isTTY?: boolean;
}

export type ReporterKind = 'pretty' | 'plain' | 'json';
