/**
 * listr2 in a TTY: one row per host with its current task and ok/changed/failed/skipped counts; then, in
 * plain text, the failures, warnings and the PLAY RECAP (the grouped summary of what changed follows,
 * from SummaryReporter). listr2 draws on process.stdout. Not a TTY, -v or --diff → the plain reporter.
 */
import { Listr } from 'listr2';
import type { Reporter, RunEvent } from '../events';
import { banner } from './ansible-format';
import { PlainReporter } from './plain';
import { maskLiterals } from './redact';
import type { ReporterOptions } from './types';

interface Row {
  task: string;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  state: 'running' | 'done' | 'failed' | 'unreachable';
  title?: (s: string) => void;
  /** Settles when the host is done with the play; listr2 waits on it (it may start the row later). */
  done: Promise<void>;
  finish: () => void;
  fail: (e: Error) => void;
}

function newRow(): Row {
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    finish = res;
    fail = rej;
  });
  done.catch(() => {});
  return { task: 'waiting', ok: 0, changed: 0, failed: 0, skipped: 0, state: 'running', done, finish, fail };
}

export class PrettyReporter implements Reporter {
  private readonly plain: PlainReporter;
  private rows = new Map<string, Row>();
  private running?: Promise<unknown>;
  private readonly later: RunEvent[] = [];

  constructor(private readonly o: ReporterOptions) {
    this.plain = new PlainReporter(o);
  }

  on(e: RunEvent): void {
    switch (e.kind) {
      case 'play-start':
        return this.startPlay(e.play, e.hosts);
      case 'host-task-start': {
        const r = this.rows.get(e.host);
        if (r) {
          r.task = e.task;
          this.refresh(e.host, r);
        }
        return;
      }
      case 'task-result':
        return this.result(e);
      case 'play-end':
        return this.endPlay();
      case 'warning':
        this.later.push(e);
        return;
      case 'recap':
      case 'run-end':
        this.later.push(e);
        return;
      default:
        return;
    }
  }

  async close(): Promise<void> {
    this.endPlay();
    await this.running;
    for (const e of this.later) this.plain.on(e);
    this.later.length = 0;
  }

  private startPlay(play: string, hosts: string[]): void {
    this.endPlay();
    this.rows = new Map(hosts.map((h) => [h, newRow()]));
    const rows = this.rows;
    const list = new Listr(
      [
        {
          title: maskLiterals(play, this.o.secrets),
          task: (_ctx, task) =>
            task.newListr(
              hosts.map((h) => ({
                title: h,
                task: (_c, t) => {
                  const row = rows.get(h)!;
                  row.title = (s) => (t.title = s);
                  this.refresh(h, row);
                  return row.done;
                },
              })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      {
        concurrent: false,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { collapseSubtasks: false },
      },
    );
    this.running = list.run().catch(() => {});
  }

  private endPlay(): void {
    for (const [host, row] of this.rows) {
      if (row.state === 'running') row.state = 'done';
      row.task = row.state === 'done' ? 'done' : row.state;
      this.refresh(host, row);
      // listr2 shows a failed task's error message in place of its title
      if (row.state === 'done') row.finish();
      else row.fail(new Error(this.text(host, row)));
    }
  }

  private result(e: Extract<RunEvent, { kind: 'task-result' }>): void {
    const row = this.rows.get(e.host);
    if (!row || e.item !== undefined || e.attempt) return;
    if (e.status === 'ok' || e.status === 'changed' || e.status === 'ignored') row.ok++;
    if (e.status === 'changed') row.changed++;
    if (e.status === 'skipped') row.skipped++;
    if (e.status === 'failed') {
      row.failed++;
      row.state = 'failed';
      this.later.push(e);
    }
    if (e.status === 'unreachable') {
      row.state = 'unreachable';
      this.later.push(e);
    }
    this.refresh(e.host, row);
  }

  private text(host: string, r: Row): string {
    // the live rows are written by listr2, not through `w`: a task name holding a secret is masked here
    const line = `${host}  ${r.task}  ok=${r.ok} changed=${r.changed} failed=${r.failed} skipped=${r.skipped}`;
    return maskLiterals(line, this.o.secrets);
  }

  private refresh(host: string, r: Row): void {
    r.title?.(this.text(host, r));
  }
}
