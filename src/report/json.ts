/**
 * NDJSON for machines on stdout: one `start` object when a host begins a task (so a watcher can act on a task
 * in flight), `log` objects at -v and above (e.g. each command a task sends at -vv), one `task` object per task
 * result, then one `recap` object (with the exit code).
 * Everything human (play/task headers, warnings) goes to stderr through a plain reporter.
 */
import type { HostCounts, Reporter, RunEvent } from '../events';
import { PlainReporter } from './plain';
import { maskLiterals, redactValue } from './redact';
import type { ReporterOptions } from './types';

export class JsonReporter implements Reporter {
  private readonly human: PlainReporter;
  private recap?: {
    hosts: Record<string, HostCounts>;
    durationMs: number;
    customStats?: Record<string, Record<string, unknown>>;
  };
  private play = '';

  constructor(private readonly o: ReporterOptions) {
    this.human = new PlainReporter({ ...o, out: o.err, diff: false });
  }

  private line(obj: Record<string, unknown>): void {
    this.o.out.write(maskLiterals(JSON.stringify(redactValue(obj)), this.o.secrets) + '\n');
  }

  on(e: RunEvent): void {
    if (e.kind === 'play-start') this.play = e.play;
    if (e.kind === 'host-task-start') {
      this.line({
        type: 'start',
        time: new Date(e.time).toISOString(),
        play: this.play,
        host: e.host,
        task: e.task,
        loc: e.loc,
        ...(e.handler ? { handler: true } : {}),
      });
    } else if (e.kind === 'log') {
      this.line({
        type: 'log',
        time: new Date(e.time).toISOString(),
        ...(e.host ? { host: e.host } : {}),
        level: e.level,
        msg: e.msg,
      });
    } else if (e.kind === 'task-result') {
      this.line({
        type: 'task',
        time: new Date(e.time).toISOString(),
        play: this.play,
        host: e.host,
        task: e.task,
        loc: e.loc,
        module: e.module,
        status: e.status,
        changed: e.status === 'changed' || e.result?.['changed'] === true,
        check: e.check,
        durationMs: e.durationMs,
        ...(e.item !== undefined ? { item: e.item } : {}),
        ...(e.handler ? { handler: true } : {}),
        ...(e.attempt ? { attempt: e.attempt } : {}),
        ...(e.msg !== undefined ? { msg: e.msg } : {}),
        ...(e.changes?.length
          ? {
              changes: e.changes.map((c) => ({
                describe: c.describe,
                ...(c.diff && !c.diff.secret && this.o.diff ? { diff: c.diff } : {}),
              })),
            }
          : {}),
        ...(e.result ? { result: e.result } : {}),
      });
    } else if (e.kind === 'recap') {
      this.recap = {
        hosts: e.hosts,
        durationMs: e.durationMs,
        ...(e.customStats ? { customStats: e.customStats } : {}),
      };
    } else if (e.kind === 'run-end') {
      this.line({
        type: 'recap',
        time: new Date(e.time).toISOString(),
        exitCode: e.exitCode,
        hosts: this.recap?.hosts ?? {},
        durationMs: this.recap?.durationMs ?? 0,
        ...(this.recap?.customStats ? { custom_stats: this.recap.customStats } : {}),
      });
    }
    this.human.on(e);
  }
}
