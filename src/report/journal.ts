/**
 * The run journal (`--journal FILE`): every event as one NDJSON line, appended synchronously so the file
 * is complete up to the last event even if the process dies. Secrets are redacted.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, RunEvent } from '../events';
import { maskLiterals, redactValue } from './redact';
import type { SecretValues } from '../secrets/secret-values';

export interface JournalOptions {
  /** Literal secrets to mask (become password ...). */
  secrets?: SecretValues | readonly string[];
}

export class Journal implements Reporter {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    private readonly opts: JournalOptions = {},
  ) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, 'a', 0o600);
  }

  on(e: RunEvent): void {
    if (this.fd === undefined) return;
    const line = maskLiterals(JSON.stringify(redactEvent(e)), this.opts.secrets);
    fs.writeSync(this.fd, line + '\n');
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** An event with secret diffs emptied and secret values masked. */
export function redactEvent(e: RunEvent): RunEvent {
  if (e.kind === 'task-result' && e.changes) {
    e = {
      ...e,
      changes: e.changes.map((c) =>
        c.diff?.secret ? { ...c, diff: { ...c.diff, before: '***', after: '***' } } : c,
      ),
    };
  }
  return redactValue(e);
}

export function createJournal(file: string, opts: JournalOptions = {}): Journal {
  return new Journal(file, opts);
}

/** Read a journal back (for tests and `remediate` tooling). */
export function readJournal(file: string): RunEvent[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RunEvent);
}
