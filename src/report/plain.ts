/** Plain text, one line per event, as ansible-playbook prints it: for CI logs and pipes. */
import path from 'node:path';
import type { RunEvent } from '../events';
import type { Reporter } from '../events';
import {
  BRIGHT_PURPLE,
  BRIGHT_RED,
  CYAN,
  GREEN,
  RED,
  YELLOW,
  banner,
  colorDiff,
  paint,
  customStatsLines,
  recapLine,
  renderDiff,
  resultJson,
} from './ansible-format';
import { maskLiterals, redactValue } from './redact';
import { describeStep } from '../plan/steps';
import type { ReporterOptions } from './types';
import { pyJsonDumps } from '../py-json';

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

/** `file:line:col` with the file relative to the working directory when it lies under it. */
export function displayLoc(loc: string): string {
  const m = /^(.*):(\d+):(\d+)$/.exec(loc);
  if (!m || !path.isAbsolute(m[1]!)) return loc;
  const rel = path.relative(process.cwd(), m[1]!);
  return rel.startsWith('..') || path.isAbsolute(rel) ? loc : `${rel}:${m[2]}:${m[3]}`;
}

/** How long task-result lines may wait to be written together to a pipe or file (see pendingOut). */
const FLUSH_MS = 100;

/** Result keys never worth repeating in `=> {...}` at -v. */
const QUIET_KEYS = new Set(['ansible_loop_var']);

interface Banner {
  key: string;
  task: string;
  loc: string;
  handler?: boolean;
}

export class PlainReporter implements Reporter {
  /** (host, task loc) pairs that printed per-item lines: their loop summary line is not repeated. */
  private readonly itemized = new Set<string>();
  /** loc and name of the task whose banner was printed last. */
  private lastBanner = '';
  /** The running task's results per status, for its totals line. */
  private taskTotals?: { key: string; counts: Map<string, number>; hosts: Set<string>; of: Set<string> };

  /** `= 6 hosts: 3 ok, 2 changed, 1 unreachable` under a finished task. */
  private flushTotals(): void {
    const t = this.taskTotals;
    this.taskTotals = undefined;
    // only a task every one of whose hosts reported (linear): under strategy free a banner ends early
    if (!t || t.counts.size === 0 || t.hosts.size !== t.of.size) return;
    let n = 0;
    const parts: string[] = [];
    for (const [status, c] of t.counts) {
      n += c;
      parts.push(`${c} ${status}`);
    }
    this.print(`= ${n} host${n === 1 ? '' : 's'}: ${parts.join(', ')}`);
  }

  private printBanner(b: Banner): void {
    this.lastBanner = b.key;
    this.print('');
    this.print(banner(`${b.handler ? 'RUNNING HANDLER' : 'TASK'} [${b.task}]`));
    if (this.o.verbosity >= 2) this.print(`task path: ${displayLoc(b.loc)}`);
  }

  /**
   * Task-result lines not yet written, when the output is a pipe or a file: they go out together at most
   * every FLUSH_MS (or once 64 KiB wait) instead of one write per line (a synchronous pipe write that wakes
   * its reader each time: a context switch per host and task at 1,000 hosts; one per event-loop turn was
   * still ~1 write per 2 lines). Any other event, a line on stderr and `close` write them first, so the
   * order of what is printed never changes. A terminal gets every line at once.
   */
  private pendingOut = '';
  private readonly batchOut: boolean;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: ReporterOptions) {
    const sink = o.out as { fd?: unknown; isTTY?: boolean };
    this.batchOut = typeof sink.fd === 'number' && !sink.isTTY;
  }

  private print(line: string): void {
    const text = maskLiterals(line, this.o.secrets) + '\n';
    if (!this.batchOut) this.o.out.write(text);
    else this.pendingOut += text;
  }
  private printErr(line: string): void {
    this.flushOut();
    this.o.err.write(maskLiterals(line, this.o.secrets) + '\n');
  }
  private flushOut(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pendingOut) return;
    const text = this.pendingOut;
    this.pendingOut = '';
    this.o.out.write(text);
  }
  private scheduleFlush(): void {
    if (!this.pendingOut) return;
    if (this.pendingOut.length >= 65536) return this.flushOut();
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flushOut(), FLUSH_MS);
    // a run that is over does not wait for it: close() writes what is left
    this.flushTimer.unref();
  }

  close(): void {
    this.flushOut();
  }
  private c(s: string, code: string): string {
    return this.o.color ? paint(s, code) : s;
  }

  on(e: RunEvent): void {
    this.print1(e);
    if (e.kind === 'task-result' || e.kind === 'host-output') this.scheduleFlush();
    else this.flushOut();
  }

  private print1(e: RunEvent): void {
    switch (e.kind) {
      case 'run-start':
        if (e.check && this.o.verbosity >= 1) this.print('(check mode: nothing will be changed)');
        return;
      case 'play-start': {
        const n = e.hosts.length;
        const wave = e.wave ? ` (wave ${e.wave.index}/${e.wave.count}: ${n} host${n === 1 ? '' : 's'})` : '';
        this.print('');
        this.print(banner(`PLAY [${e.play}]${wave}`));
        return;
      }
      case 'task-start':
        this.flushTotals();
        this.taskTotals = {
          key: `${e.loc}\u0000${e.task}`,
          counts: new Map(),
          hosts: new Set(),
          of: new Set(e.hosts),
        };
        // at once: a long task shows what it is while it runs
        this.printBanner({ key: `${e.loc}\u0000${e.task}`, task: e.task, loc: e.loc, handler: e.handler });
        return;
      case 'task-result':
        return this.result(e);
      case 'host-output':
        if (this.o.verbosity >= 3)
          for (const l of e.chunk.replace(/\n$/, '').split('\n')) this.print(`<${e.host}> ${e.stream}: ${l}`);
        return;
      case 'log':
        if (
          e.level <= Math.max(1, this.o.verbosity) &&
          (e.level <= this.o.verbosity || e.msg.startsWith('included: '))
        ) {
          this.print(e.host ? `<${e.host}> ${e.msg}` : e.msg);
        }
        return;
      case 'warning':
        this.printErr(this.c(`[WARNING]: ${e.host ? `${e.host}: ` : ''}${e.msg}`, BRIGHT_PURPLE));
        return;
      case 'play-end':
        this.flushTotals();
        return;
      case 'recap': {
        this.flushTotals();
        this.print('');
        this.print(banner('PLAY RECAP'));
        for (const host of Object.keys(e.hosts).sort())
          this.print(recapLine(host, e.hosts[host]!, this.o.color));
        this.print('');
        if (e.customStats) for (const line of customStatsLines(e.customStats)) this.print(line);
        return;
      }
      case 'run-end':
        return;
    }
  }

  private result(e: TaskResult): void {
    // a result under another task's banner (strategy free interleaves hosts; include_tasks has no
    // task-start of its own) gets its own banner first, as Ansible prints it
    const own = `${e.loc}\u0000${e.task}`;
    if (this.lastBanner !== own) this.printBanner({ key: own, task: e.task, loc: e.loc, handler: e.handler });
    const tt = this.taskTotals;
    if (tt?.key === own && e.item === undefined && !e.attempt && tt.of.has(e.host) && !tt.hosts.has(e.host)) {
      tt.hosts.add(e.host);
      tt.counts.set(e.status, (tt.counts.get(e.status) ?? 0) + 1);
    }
    const key = `${e.host}\u0000${e.loc}\u0000${e.task}`;
    const item = e.item !== undefined ? ` (item=${e.item})` : '';
    if (e.attempt) {
      const left = e.attempt.of - e.attempt.n;
      this.print(this.c(`FAILED - RETRYING: [${e.host}]: ${e.task} (${left} retries left).`, RED));
      return;
    }
    if (e.item !== undefined) this.itemized.add(key);
    else if (this.itemized.has(key)) {
      this.itemized.delete(key);
      // the items said it all: Ansible prints no line of its own for a loop's failed result
      if (e.status === 'ignored') this.print(this.c('...ignoring', CYAN));
      if (e.status !== 'unreachable') return;
    }
    const v = this.o.verbosity;
    // -v: one line of JSON as Ansible prints it (json.dumps, keys sorted)
    const details =
      v >= 1 && e.result
        ? ` => ${pyJsonDumps(this.visible(e.result), { sortKeys: true, ensureAscii: false })}`
        : '';
    switch (e.status) {
      case 'ok': {
        const shown = this.shownResult(e);
        const arrow = e.item !== undefined ? ` => (item=${e.item})` : '';
        if (shown !== undefined) this.print(this.c(`ok: [${e.host}]${arrow} => ${shown}`, GREEN));
        else this.print(this.c(`ok: [${e.host}]${arrow}${details}`, GREEN));
        break;
      }
      case 'changed': {
        const arrow = e.item !== undefined ? ` => (item=${e.item})` : '';
        this.print(this.c(`changed: [${e.host}]${arrow}${details}`, YELLOW));
        this.changes(e);
        break;
      }
      case 'skipped': {
        if (e.result?.['done_in'] !== undefined) {
          // runs resume: finished in the resumed run, not run again
          this.print(this.c(`done: [${e.host}] (in run ${String(e.result['done_in'])})`, CYAN));
          break;
        }
        const arrow = e.item !== undefined ? ` => (item=${e.item})` : '';
        const reason = v >= 1 && e.msg ? ` => ${e.msg}` : '';
        this.print(this.c(`skipping: [${e.host}]${arrow}${reason}`, CYAN));
        break;
      }
      case 'failed':
      case 'ignored': {
        // the result as ansible-playbook's default callback prints it, then where it happened and why
        const dump = this.failedResult(e, { msg: e.msg ?? 'failed' });
        if (e.item !== undefined) this.print(this.c(`failed: [${e.host}]${item} => ${dump}`, RED));
        else this.print(this.c(`fatal: [${e.host}]: FAILED! => ${dump}`, RED));
        this.whereWhy(e);
        if (e.status === 'ignored') this.print(this.c('...ignoring', CYAN));
        break;
      }
      case 'unreachable': {
        const dump = this.failedResult(e, { changed: false, msg: e.msg ?? 'unreachable', unreachable: true });
        this.print(this.c(`fatal: [${e.host}]: UNREACHABLE! => ${dump}`, BRIGHT_RED));
        break;
      }
      case 'rescued':
        this.print(this.c(`rescued: [${e.host}]${item}`, GREEN));
        break;
    }
  }

  /**
   * debug-like modules show their message even at -v0, as Ansible does (its callback's _clean_results):
   * a `msg` is shown alone; a `var` result keeps the loop's `ansible_loop_var` and loop variable.
   */
  private shownResult(e: TaskResult): string | undefined {
    if (!e.result || !/(^|\.)debug$/.test(e.module)) return undefined;
    const { changed: _c, failed: _f, ...rest } = e.result;
    void _c;
    void _f;
    return resultJson('msg' in rest ? { msg: rest['msg'] } : rest);
  }

  /**
   * A failed or unreachable result as Ansible's default callback dumps it: `failed`/`skipped` and internal
   * keys dropped, keys sorted, one line of JSON (indented by 4 for debug/assert, which Ansible always shows
   * verbosely, and from -vvv); no_log results are already censored by the runner.
   */
  private failedResult(e: TaskResult, fallback: Record<string, unknown>): string {
    const r: Record<string, unknown> = { ...(e.result ?? fallback) };
    delete r['failed'];
    delete r['skipped'];
    if (r['msg'] === undefined && !('censored' in r) && e.msg !== undefined) r['msg'] = e.msg;
    if (e.status === 'unreachable') {
      r['changed'] ??= false;
      r['unreachable'] = true;
    }
    for (const k of Object.keys(r)) if (k.startsWith('_ansible_')) delete r[k];
    if (this.o.verbosity < 3) delete r['diff'];
    // Ansible's debug and assert actions mark their results to be shown indented; a task that failed before
    // its action ran (a template error) has no such mark
    const verboseAlways =
      (/(^|\.)debug$/.test(e.module) && e.status !== 'failed' && e.status !== 'ignored') ||
      (/(^|\.)assert$/.test(e.module) && 'assertion' in r);
    const pretty = verboseAlways || this.o.verbosity > 2;
    return pyJsonDumps(redactValue(r), {
      sortKeys: true,
      ensureAscii: false,
      ...(pretty ? { indent: 4 } : {}),
    });
  }

  /** After the result: the task's file:line:col and remediate's own message when it says more. */
  private whereWhy(e: TaskResult): void {
    const r = e.result ?? {};
    const said = e.msg === undefined || e.msg === r['msg'] || e.msg === r['censored'];
    if (!e.loc && said) return;
    const where = e.loc ? displayLoc(e.loc) : '';
    this.print(this.c(`  ${where}${where && !said ? ': ' : ''}${said ? '' : e.msg}`, RED));
  }

  private visible(r: Record<string, unknown>): Record<string, unknown> {
    return redactValue(Object.fromEntries(Object.entries(r).filter(([k]) => !QUIET_KEYS.has(k))));
  }

  private changes(e: TaskResult): void {
    for (const ch of e.changes ?? []) {
      this.print(`    ~ ${ch.describe}`);
      if (this.o.verbosity >= 2) {
        for (const step of ch.steps ?? []) this.print(`      ${describeStep(step)}`);
      }
      if (this.o.diff) {
        const d = renderDiff(ch);
        if (d) this.print(this.o.color ? colorDiff(d) : d);
      }
    }
  }
}
