/**
 * The live view for fleets (more than 20 hosts, in a TTY): listr2 with one row per play wave whose title
 * is the header — a progress bar and totals per outcome — and whose output lines (kept on screen, never
 * scrolled away) are the tasks in flight with how many hosts are on each, then the failing and unreachable
 * hosts as they happen (the newest 8, with a count of the rest). The text is rebuilt at most every 250 ms
 * and listr2 draws only then (lazy: no spinner timer; lines truncated, not word-wrapped — they are fitted
 * to the terminal already), so the view's cost does not grow with the event rate: a few short frames a
 * second. After the rows: failures, warnings, PLAY RECAP.
 */
import { Listr } from 'listr2';
import type { Reporter, RunEvent } from '../events';
import { parseRefusal, unreachableReason } from './outcomes';
import { PlainReporter } from './plain';
import { maskLiterals } from './redact';
import type { ReporterOptions } from './types';

const BAR = 24;
const SHOWN_PROBLEMS = 8;
const REDRAW_MS = 250;

interface WaveState {
  title: string;
  hosts: Set<string>;
  done: Set<string>;
  /** Per host: the task it is on. */
  current: Map<string, string>;
  finish: () => void;
  set?: (title: string, output: string) => void;
}

export class FleetView implements Reporter {
  private readonly plain: PlainReporter;
  private readonly later: RunEvent[] = [];
  private wave?: WaveState;
  private running?: Promise<unknown>;
  private timer?: NodeJS.Timeout;
  private dirty = false;
  /** Per host, its worst status so far in this run: changed, ok, failed, unreachable. */
  private readonly status = new Map<string, 'ok' | 'changed' | 'failed' | 'refused' | 'unreachable'>();
  private readonly problems: string[] = [];
  private check = false;
  private total = 0;

  constructor(private readonly o: ReporterOptions) {
    this.plain = new PlainReporter(o);
  }

  on(e: RunEvent): void {
    switch (e.kind) {
      case 'run-start':
        this.check = e.check;
        return;
      case 'play-start':
        return this.startWave(e.play, e.hosts, e.wave);
      case 'host-task-start':
        this.wave?.current.set(e.host, e.task);
        return this.touch();
      case 'task-result':
        return this.result(e);
      case 'play-end':
        return this.endWave();
      case 'warning':
      case 'recap':
      case 'run-end':
        this.later.push(e);
        return;
      default:
        return;
    }
  }

  private result(e: Extract<RunEvent, { kind: 'task-result' }>): void {
    if (e.item !== undefined || e.attempt) return;
    const before = this.status.get(e.host);
    if (e.status === 'unreachable' || e.status === 'failed') {
      if (before !== 'failed' && before !== 'unreachable' && before !== 'refused') {
        this.status.set(e.host, e.status === 'failed' && parseRefusal(e.msg) ? 'refused' : e.status);
        const msg = (e.msg ?? '').split('\n')[0]!.slice(0, 160);
        const refusal = e.status === 'failed' ? parseRefusal(e.msg) : undefined;
        this.problems.push(
          refusal
            ? `⊘ refused (${refusal.reason}) ${e.host}: ${refusal.message}`
            : e.status === 'failed'
              ? `✖ failed ${e.host} — ${e.task}: ${msg}`
              : `⚠ unreachable ${e.host}: ${unreachableReason(e.host, msg)}`,
        );
        this.later.push(e);
      }
      this.wave?.done.add(e.host);
    } else if (e.status === 'changed') {
      if (before !== 'failed' && before !== 'unreachable' && before !== 'refused')
        this.status.set(e.host, 'changed');
    } else if (!before) this.status.set(e.host, 'ok');
    this.touch();
  }

  private touch(): void {
    this.dirty = true;
    if (!this.timer) {
      this.timer = setInterval(() => this.redraw(), REDRAW_MS);
      this.timer.unref();
    }
  }

  /** `[████████░░░░] 120/200 hosts · 80 changed · 30 ok · 5 failed · 3 unreachable` */
  header(w: WaveState): string {
    const n = w.hosts.size;
    const d = w.done.size;
    const filled = n ? Math.round((d / n) * BAR) : BAR;
    const c = { ok: 0, changed: 0, failed: 0, unreachable: 0, refused: 0 };
    for (const s of this.status.values()) c[s]++;
    const changed = this.check ? 'would change' : 'changed';
    return `${w.title}\n[${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}] ${d}/${n} hosts done · so far: ${c.changed} ${changed} · ${c.ok} ok · ${c.refused} refused · ${c.failed} failed · ${c.unreachable} unreachable (${this.total} hosts)`;
  }

  body(w: WaveState): string {
    const onTask = new Map<string, number>();
    for (const [h, t] of w.current) if (!w.done.has(h)) onTask.set(t, (onTask.get(t) ?? 0) + 1);
    const lines = [...onTask].map(([t, k]) => `▸ ${t}: ${k} host${k === 1 ? '' : 's'}`);
    const shown = this.problems.slice(-SHOWN_PROBLEMS);
    if (this.problems.length > shown.length)
      lines.push(`… ${this.problems.length - shown.length} earlier problems (listed at the end)`);
    lines.push(...shown);
    return lines.join('\n');
  }

  private redraw(): void {
    if (!this.dirty || !this.wave?.set) return;
    this.dirty = false;
    const w = this.wave;
    const width = Math.max(40, (process.stdout.columns ?? 100) - 6);
    const fit = (s: string) =>
      s
        .split('\n')
        .map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l))
        .join('\n');
    w.set!(
      fit(maskLiterals(this.header(w), this.o.secrets)),
      fit(maskLiterals(this.body(w), this.o.secrets)),
    );
  }

  private startWave(play: string, hosts: string[], wave?: { index: number; count: number }): void {
    this.endWave();
    for (const h of hosts) if (!this.status.has(h)) this.total++;
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const w: WaveState = {
      title: wave ? `${play} (wave ${wave.index}/${wave.count})` : play,
      hosts: new Set(hosts),
      done: new Set(),
      current: new Map(),
      finish,
    };
    this.wave = w;
    const list = new Listr(
      [
        {
          title: this.header(w),
          task: (_ctx, task) => {
            // one multi-line title, rewritten in place (a task's output would pile up in listr2's bar)
            w.set = (title, body) => {
              task.title = body ? `${title}\n${body}` : title;
            };
            this.dirty = true;
            this.redraw();
            return done;
          },
        },
      ],
      {
        concurrent: false,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { lazy: true, formatOutput: 'truncate' },
      },
    );
    const prev = this.running;
    this.running = (async () => {
      await prev;
      await list.run().catch(() => {});
    })();
  }

  private endWave(): void {
    const w = this.wave;
    if (!w) return;
    for (const h of w.hosts) w.done.add(h);
    w.current.clear();
    this.dirty = true;
    this.redraw();
    w.finish();
    this.wave = undefined;
  }

  async close(): Promise<void> {
    this.endWave();
    if (this.timer) clearInterval(this.timer);
    await this.running;
    for (const e of this.later) this.plain.on(e);
    this.later.length = 0;
  }
}
