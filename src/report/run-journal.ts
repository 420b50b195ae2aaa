/**
 * The run journal: every run writes `.remediate/runs/<run-id>/` in the working directory —
 * `run.json` (the command line, what it ran with, digests of the playbook, templates and inventory,
 * start/end, exit code) and `events.ndjson` (run/play/task starts, one line per task result per host,
 * the recap). Secrets are masked (the same redaction as every reporter). Each line is written at once
 * (a killed controller loses nothing written before); the file is fsync'd at task boundaries (a task
 * start, a play's end, the recap) so a crash of the machine loses at most the running task's results —
 * those fsyncs run off the event loop (a slow disk does not stall every host's next step), and closing
 * the journal fsyncs once more, synchronously.
 * `remediate runs list/show/resume` and `runs merge` read it back.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, RunEvent } from '../events';
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

export class RunJournal implements Reporter {
  readonly dir: string;
  private fd: number | undefined;
  /** A second descriptor of events.ndjson for the boundary fsyncs in flight (closed after the last one). */
  private syncFd: number | undefined;
  private syncing = false;
  private syncAgain = false;

  constructor(
    root: string,
    private meta: RunMeta,
    private readonly secrets: SecretValues | readonly string[] = [],
  ) {
    this.dir = path.join(root, RUNS_DIR, meta.id);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.writeMeta();
    const events = path.join(this.dir, 'events.ndjson');
    this.fd = fs.openSync(events, 'a', 0o600);
    this.syncFd = fs.openSync(events, 'r');
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
    fs.writeSync(this.fd, maskLiterals(JSON.stringify(redactEvent(e)), this.secrets) + '\n');
    if (BOUNDARY.has(e.kind)) this.syncSoon();
  }

  /** fsync in the background; a boundary reached while one is in flight asks for one more after it. */
  private syncSoon(): void {
    if (this.syncFd === undefined) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    const fd = this.syncFd;
    fs.fsync(fd, () => {
      this.syncing = false;
      if (this.fd === undefined) {
        // closed meanwhile (close() fsynced synchronously): the descriptor was left for us to close
        fs.close(fd, () => undefined);
        this.syncFd = undefined;
      } else if (this.syncAgain) {
        this.syncAgain = false;
        this.syncSoon();
      }
    });
  }

  /** Record the end (exit code, interrupted) and close. */
  finish(end: { exitCode: number; interrupted: boolean; canaryStop?: boolean }): void {
    this.close();
    this.meta = { ...this.meta, ended: new Date().toISOString(), ...end };
    this.writeMeta();
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
    if (this.syncFd !== undefined && !this.syncing) {
      fs.closeSync(this.syncFd);
      this.syncFd = undefined;
    }
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
