/**
 * What happened to each host, in the words an operator uses: fixed (changed), already fine, would fix
 * (--check), refused (a precondition said no, nothing changed), failed (task, message), unreachable
 * (reason). Folded from the event stream by `OutcomeTracker`, a subscriber like any reporter; the grouped
 * summary, the fleet report and the journal's `runs show` all read these.
 */
import type { HostCounts, Reporter, RunEvent } from '../events';

export type OutcomeKind =
  'changed' | 'ok' | 'would-change' | 'refused' | 'failed' | 'unreachable' | 'unfinished';

export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'changed',
  'would-change',
  'ok',
  'refused',
  'failed',
  'unreachable',
  'unfinished',
];

/** Words for an outcome in summaries and reports. */
export const OUTCOME_LABEL: Record<OutcomeKind, string> = {
  changed: 'fixed (changed)',
  'would-change': 'would fix (check)',
  ok: 'already fine',
  refused: 'refused',
  failed: 'failed',
  unreachable: 'unreachable',
  unfinished: 'did not finish (interrupted)',
};

export interface ChangeRecord {
  task: string;
  loc: string;
  describe: string;
  diff?: { path?: string; before: string; after: string; secret?: boolean };
}

export interface HostOutcome {
  host: string;
  outcome: OutcomeKind;
  /** refused: the precondition's code (`key-mismatch`); unreachable: the connection failure. */
  reason?: string;
  /** failed / refused / unreachable: the task it happened in and its location. */
  task?: string;
  loc?: string;
  /** failed / refused: the message. */
  message?: string;
  changes: ChangeRecord[];
  counts: HostCounts;
  /** First task start to last result on this host. */
  durationMs: number;
}

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

/** `refused (key-mismatch): the message; nothing was changed` → reason and message. */
export function parseRefusal(msg: string | undefined): { reason: string; message: string } | undefined {
  const m = /^refused \(([^)]+)\): ([\s\S]*)$/.exec(msg ?? '');
  if (!m) return undefined;
  const cut = m[2]!.indexOf('; nothing was changed');
  return { reason: m[1]!, message: cut >= 0 ? m[2]!.slice(0, cut) : m[2]! };
}

interface Seen {
  first?: number;
  last?: number;
  changes: ChangeRecord[];
  failure?: TaskResult;
  unreachable?: TaskResult;
  counts: HostCounts;
}

const zero = (): HostCounts => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
});

export class OutcomeTracker implements Reporter {
  private readonly seen = new Map<string, Seen>();
  check = false;
  /** The run was interrupted (Ctrl-C) or never ended (killed): hosts that did not stop are unfinished. */
  interrupted = false;
  /** The run stopped after a canary wave: hosts that never ran a task did not run, the others finished. */
  stoppedEarly = false;
  recap?: Record<string, HostCounts>;
  durationMs = 0;
  started?: number;

  private host(h: string): Seen {
    let s = this.seen.get(h);
    if (!s) this.seen.set(h, (s = { changes: [], counts: zero() }));
    return s;
  }

  on(e: RunEvent): void {
    switch (e.kind) {
      case 'run-start':
        this.check = e.check;
        this.started = e.time;
        return;
      case 'play-start':
        for (const h of e.hosts) this.host(h);
        return;
      case 'host-task-start': {
        const s = this.host(e.host);
        s.first ??= e.time;
        return;
      }
      case 'task-result':
        return this.result(e);
      case 'recap':
        this.recap = e.hosts;
        this.durationMs = e.durationMs;
        for (const [h, c] of Object.entries(e.hosts)) this.host(h).counts = { ...c };
        return;
      default:
        return;
    }
  }

  private result(e: TaskResult): void {
    const s = this.host(e.host);
    s.first ??= e.time - e.durationMs;
    s.last = e.time;
    if (e.attempt) return; // an until: retry under way, not a result
    if (e.status === 'changed' && e.item === undefined)
      for (const c of e.changes ?? [])
        s.changes.push({
          task: e.task,
          loc: e.loc,
          describe: c.describe,
          ...(c.diff ? { diff: c.diff } : {}),
        });
    else if (e.status === 'changed' && e.item !== undefined)
      for (const c of e.changes ?? []) s.changes.push({ task: e.task, loc: e.loc, describe: c.describe });
    if (e.status === 'failed' && e.item === undefined) s.failure = e;
    // Ctrl-C closes the connections under hosts still connecting: not the host's fault
    if (e.status === 'unreachable' && /the run is over: connections are closed/.test(e.msg ?? '')) return;
    if (e.status === 'unreachable') s.unreachable = e;
    if (!this.recap) {
      const k = e.status === 'rescued' ? 'rescued' : e.status;
      if (e.item === undefined) s.counts[k]++;
    }
  }

  /** Per host, in first-seen order. */
  outcomes(): HostOutcome[] {
    return [...this.seen.entries()].map(([host, s]) => this.outcomeOf(host, s));
  }

  private outcomeOf(host: string, s: Seen): HostOutcome {
    const counts = s.counts;
    const base = {
      host,
      changes: dedupe(s.changes),
      counts,
      durationMs: s.first !== undefined && s.last !== undefined ? s.last - s.first : 0,
    };
    if (s.unreachable || (counts.unreachable > 0 && !this.interrupted)) {
      const u = s.unreachable;
      return {
        ...base,
        outcome: 'unreachable',
        reason: unreachableReason(host, u?.msg),
        ...(u ? { task: u.task, loc: u.loc } : {}),
      };
    }
    if (counts.failed > 0) {
      const f = s.failure;
      const refusal = parseRefusal(f?.msg);
      if (refusal)
        return {
          ...base,
          outcome: 'refused',
          reason: refusal.reason,
          message: refusal.message,
          task: f!.task,
          loc: f!.loc,
        };
      return {
        ...base,
        outcome: 'failed',
        message: f?.msg ?? 'failed',
        ...(f ? { task: f.task, loc: f.loc } : {}),
      };
    }
    if (this.interrupted) return { ...base, outcome: 'unfinished' };
    if (this.stoppedEarly && s.last === undefined) return { ...base, outcome: 'unfinished' };
    if (base.changes.length > 0 || counts.changed > 0)
      return { ...base, outcome: this.check ? 'would-change' : 'changed' };
    return { ...base, outcome: 'ok' };
  }
}

/** A connection failure without the host label it starts with (`kube01.c006: cannot connect ...`). */
export function unreachableReason(host: string, msg: string | undefined): string {
  const m = (msg ?? 'unreachable').trim();
  return m.startsWith(`${host}: `) ? m.slice(host.length + 2) : m;
}

function dedupe(cs: ChangeRecord[]): ChangeRecord[] {
  const seen = new Set<string>();
  return cs.filter((c) => {
    const k = `${c.loc}\u0000${c.describe}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Outcome totals, every kind present (0 when none). */
export function totals(outcomes: readonly HostOutcome[]): Record<OutcomeKind, number> {
  const t = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<OutcomeKind, number>;
  for (const o of outcomes) t[o.outcome]++;
  return t;
}
