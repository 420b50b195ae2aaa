/**
 * `--journal FILE`: every run event appended as one JSON line (events carry no secrets: the runner
 * sanitizes results before emitting them). Opened in append mode, so runs accumulate; written
 * synchronously so the journal is complete even when the process is interrupted.
 */
import * as fs from 'node:fs';
import { UsageError } from '../errors';
import type { RunEvent } from '../events';

export interface Journal {
  write(e: RunEvent): void;
  close(): Promise<void>;
}

export function openJournal(file: string): Journal {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'a', 0o600);
  } catch (e) {
    throw new UsageError(`--journal ${file}: ${(e as Error).message}`);
  }
  return {
    write(e) {
      if (fd !== undefined) fs.writeSync(fd, JSON.stringify(e) + '\n');
    },
    async close() {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
  };
}
