/**
 * The run journal: every run writes `.remediate/runs/<run-id>/` in the working directory —
 * `run.json` (the command line, what it ran with, digests of the playbook, templates and inventory,
 * start/end, exit code) and `events.ndjson` (run/play/task starts, one line per task result per host,
 * the recap). Secrets are masked (the same redaction as every reporter); a change's plan steps are left
 * out (its description and diff are kept). Lines are written in batches — every 100 ms, every 2,000 lines
 * and at each task boundary — by writes off the event loop (one in flight, each chunk at its offset, so
 * the file is always a prefix of the run's events; a killed controller loses at most the last 100 ms of
 * results, whose tasks run again on resume and find their work done), and an fsync follows at task
 * boundaries (a task start, a play's end, the recap), so a crash of the machine loses at most the running
 * task's results. `close` writes the rest synchronously.
 * `remediate runs list/show/resume` and `runs merge` read it back.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, RunEvent } from '../events';
import type { ReportedChange } from '../plan/steps';
import { needsSanitizing, sanitizingReplacer } from '../secrets/sanitize';
import { redactEvent } from './journal';
import { maskLiterals, redactValue } from './redact';
import type { SecretValues } from '../secrets/secret-values';

export const RUNS_DIR = path.join('.remediate', 'runs');

export interface RunDigests {
  /** sha256 of the playbook and every task/vars file beside it. */
  playbook: string;
  /** sha256 of the template files (`templates/` beside the playbook and its parent). */
  templates: string;
  /** sha256 of the inventory sources (files, directories with group_vars/host_vars). */
  inventory: string;
}

export interface RunMeta {
  version: 1;
  id: string;
  /** `remediate run ...` as typed (secret values masked). */
  commandLine: string[];
  cwd: string;
  playbook: string;
  /** What the run was started with, for `runs resume` (secret values masked: pass them again). */
  options: Record<string, unknown>;
  digests: RunDigests;
  check: boolean;
  /** `--shard I/N`. */
  shard?: { index: number; count: number };
  /** The run this one resumes or retries. */
  resumes?: string;
  retries?: string;
  started: string;
  ended?: string;
  exitCode?: number;
  interrupted?: boolean;
  /** The run stopped after a canary wave (no confirmation): `runs resume RUN --yes` continues it. */
  canaryStop?: boolean;
}

/** `20261202T172600Z-3f9a`: sortable by time, unique in one directory. */
export function newRunId(now = new Date()): string {
  const t = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${t}-${randomBytes(2).toString('hex')}`;
}

/** Which events are journaled: enough to resume and report, not the live output. */
const JOURNALED = new Set<RunEvent['kind']>([
  'run-start',
  'play-start',
  'task-start',
  'task-result',
  'warning',
  'play-end',
  'recap',
  'run-end',
]);
const BOUNDARY = new Set<RunEvent['kind']>(['task-start', 'play-end', 'recap', 'run-end']);
/** Lines are written in batches: at most this old (ms) or this many, and at every task boundary. */
const FLUSH_MS = 100;
const FLUSH_LINES = 2000;

/**
 * One journal line: the event redacted as `redactEvent` does, without plan steps, serialized without a
 * copy — and without the redacting replacer when nothing in the event needs it (most results, see
 * `needsSanitizing`: several times faster); changes are copied only when one has steps or a secret diff.
 */
export function journalLine(e: RunEvent): string {
  const ev =
    e.kind === 'task-result' && e.changes?.some((c) => c.steps || c.diff?.secret)
      ? { ...e, changes: e.changes.map(journaledChange) }
      : e;
  try {
    const masked = ev.kind === 'task-result' ? resultNeedsSanitizing(ev) : needsSanitizing(ev);
    return masked ? JSON.stringify(ev, sanitizingReplacer) : JSON.stringify(ev);
  } catch {
    return JSON.stringify(redactEvent(ev)); // a cycle: sanitize cuts it at depth 20
  }
}

/**
 * A task result's own fields and its changes' fields have names fixed by their types, none of them
 * secret-looking: there only the values are checked (`secret()`, buffers); the registered result, whose
 * names come from modules and users, is checked in full.
 */
function resultNeedsSanitizing(e: RunEvent & { kind: 'task-result' }): boolean {
  for (const k in e) {
    const v = (e as unknown as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null && needsSanitizing(v, 1, k === 'result')) return true;
  }
  return false;
}

/** A change as journaled: no plan steps, a secret diff emptied. */
function journaledChange({ steps: _steps, ...c }: ReportedChange): ReportedChange {
  return c.diff?.secret ? { ...c, diff: { ...c.diff, before: '***', after: '***' } } : c;
}

export class RunJournal implements Reporter {
  readonly dir: string;
  private fd: number | undefined;
  /** Lines not yet handed to a write (at most FLUSH_MS old). */
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** Chunks waiting for the write in flight; each is written at the next offset, in order. */
  private queue: Buffer[] = [];
  private inflight: { bufs: Buffer[]; at: number } | undefined;
  /** Where the next chunk goes (positional writes: the file is a prefix of the run's events at any time). */
  private offset = 0;
  private syncWanted = false;
  /** Async writes and fsyncs under way; a closed journal closes its descriptor when they are done. */
  private busy = 0;
  private closedFd: number | undefined;

  constructor(
    root: string,
    private meta: RunMeta,
    private readonly secrets: SecretValues | readonly string[] = [],
  ) {
    this.dir = path.join(root, RUNS_DIR, meta.id);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.writeMeta();
    // not O_APPEND: positional writes (with O_APPEND Linux ignores the offset)
    this.fd = fs.openSync(path.join(this.dir, 'events.ndjson'), 'w', 0o600);
  }

  get id(): string {
    return this.meta.id;
  }

  private writeMeta(): void {
    const file = path.join(this.dir, 'run.json');
    const tmp = `${file}.tmp`;
    fs.writeFileSync(
      tmp,
      maskLiterals(JSON.stringify(redactValue(this.meta), null, 2), this.secrets) + '\n',
      {
        mode: 0o600,
      },
    );
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  }

  on(e: RunEvent): void {
    if (this.fd === undefined || !JOURNALED.has(e.kind)) return;
    this.pending.push(journalLine(e));
    if (BOUNDARY.has(e.kind)) {
      this.syncWanted = true;
      this.flush();
    } else if (this.pending.length >= FLUSH_LINES) this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Hand the queued lines to the writer (one write, off the event loop). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.fd === undefined) return;
    if (this.pending.length) {
      this.queue.push(Buffer.from(maskLiterals(this.pending.join('\n'), this.secrets) + '\n'));
      this.pending = [];
    }
    this.kick();
  }

  /** One write in flight at a time, at its offset; then the fsync a task boundary asked for. */
  private kick(): void {
    const fd = this.fd;
    if (fd === undefined || this.inflight || this.busy) return;
    if (this.queue.length) {
      const w = { bufs: this.queue, at: this.offset };
      this.queue = [];
      for (const b of w.bufs) this.offset += b.length;
      this.inflight = w;
      this.busy++;
      const done = () => {
        if (this.inflight === w) this.inflight = undefined;
        this.idle();
      };
      if (w.bufs.length === 1) fs.write(fd, w.bufs[0]!, 0, w.bufs[0]!.length, w.at, done);
      else fs.writev(fd, w.bufs, w.at, done);
    } else if (this.syncWanted) {
      this.syncWanted = false;
      this.busy++;
      fs.fsync(fd, () => this.idle());
    }
  }

  private idle(): void {
    this.busy--;
    if (this.fd !== undefined) return this.kick();
    if (this.busy === 0 && this.closedFd !== undefined) {
      fs.close(this.closedFd, () => {});
      this.closedFd = undefined;
    }
  }

  /** Record the end (exit code, interrupted) and close. */
  finish(end: { exitCode: number; interrupted: boolean; canaryStop?: boolean }): void {
    this.close();
    this.meta = { ...this.meta, ended: new Date().toISOString(), ...end };
    this.writeMeta();
  }

  /** Write everything now (the chunk in flight again, at its offset: the same bytes), fsync, close. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    if (this.pending.length) {
      this.queue.push(Buffer.from(maskLiterals(this.pending.join('\n'), this.secrets) + '\n'));
      this.pending = [];
    }
    if (this.inflight) fs.writevSync(fd, this.inflight.bufs, this.inflight.at);
    for (const b of this.queue) {
      fs.writeSync(fd, b, 0, b.length, this.offset);
      this.offset += b.length;
    }
    this.queue = [];
    fs.fsyncSync(fd);
    this.fd = undefined;
    if (this.busy) this.closedFd = fd;
    else fs.closeSync(fd);
  }
}

export interface StoredRun {
  dir: string;
  meta: RunMeta;
  events: RunEvent[];
}

/** A run directory by id (or a unique id prefix, or a path to the directory). */
export function findRunDir(root: string, run: string): string | undefined {
  if (fs.existsSync(path.join(run, 'run.json'))) return path.resolve(run);
  const base = path.join(root, RUNS_DIR);
  if (!fs.existsSync(base)) return undefined;
  const ids = fs.readdirSync(base).filter((d) => d === run || d.startsWith(run));
  if (ids.includes(run)) return path.join(base, run);
  return ids.length === 1 ? path.join(base, ids[0]!) : undefined;
}

export function readRun(dir: string): StoredRun {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunMeta;
  const file = path.join(dir, 'events.ndjson');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // a line cut short by a killed controller: everything before it counts
    }
  }
  return { dir, meta, events };
}

/** Every run under `root`, oldest first. */
export function listRuns(root: string): StoredRun[] {
  const base = path.join(root, RUNS_DIR);
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .filter((d) => fs.existsSync(path.join(base, d, 'run.json')))
    .sort()
    .map((d) => readRun(path.join(base, d)));
}
