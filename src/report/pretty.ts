/**
 * listr2 in a TTY: one row per host with its current task and ok/changed/failed/skipped counts, then the
 * PLAY RECAP (and failures, warnings) in plain text. listr2 draws on process.stdout. Not a TTY → plain.
 */
import { Listr } from 'listr2';
import type { Reporter, RunEvent } from '../events';
import { PlainReporter } from './plain';
import type { ReporterOptions } from './types';

interface Row {
  task: string;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  state: 'running' | 'done' | 'failed' | 'unreachable';
  title?: (s: string) => void;
  finish?: () => void;
  fail?: (e: Error) => void;
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
    this.rows = new Map(
      hosts.map((h) => [
        h,
        { task: 'waiting', ok: 0, changed: 0, failed: 0, skipped: 0, state: 'running' as const },
      ]),
    );
    const list = new Listr(
      [
        {
          title: play,
          task: (_ctx, task) =>
            task.newListr(
              hosts.map((h) => ({
                title: h,
                task: (_c, t) =>
                  new Promise<void>((resolve, reject) => {
                    const row = this.rows.get(h)!;
                    row.title = (s) => (t.title = s);
                    row.finish = resolve;
                    row.fail = reject;
                    this.refresh(h, row);
                  }),
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
    for (const row of this.rows.values()) {
      if (row.state === 'running') row.state = 'done';
      if (row.state === 'done') row.finish?.();
      else row.fail?.(new Error(row.state));
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

  private refresh(host: string, r: Row): void {
    r.title?.(`${host}  ${r.task}  ok=${r.ok} changed=${r.changed} failed=${r.failed} skipped=${r.skipped}`);
  }
}
