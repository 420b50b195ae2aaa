/** Reporters: subscribers of the RunEvent stream (listr2 for a TTY, plain lines, NDJSON, the run journal). */
import type { Reporter, RunEvent } from '../events';
import { JsonReporter } from './json';
import { PlainReporter } from './plain';
import type { PrettyReporter } from './pretty';
import type { FleetView } from './fleet-view';
import type { OutcomeTracker } from './outcomes';
import { SummaryReporter } from './summary-reporter';
import type { ReporterKind, ReporterOptions } from './types';

export type { ReporterKind, ReporterOptions, TextSink } from './types';
export { createJournal, readJournal, Journal, redactEvent } from './journal';
export { PlainReporter } from './plain';
export { JsonReporter } from './json';
export { banner, recapLine, renderDiff } from './ansible-format';
export { OutcomeTracker, type HostOutcome, type OutcomeKind } from './outcomes';
export { groupOutcomes, renderGroupedSummary } from './grouped-summary';

const MIN_PRETTY_COLUMNS = 20;
/** Up to this many hosts the live view has one row per host. */
export const PER_HOST_ROWS_MAX = 20;

/** The display for `kind`, followed by the grouped summary (on stderr for json). */
export function createRunReporter(
  kind: ReporterKind,
  opts: ReporterOptions,
  outcomes?: OutcomeTracker,
  interrupted?: () => 'interrupted' | 'canary' | undefined,
): Reporter {
  const summary = new SummaryReporter(
    { out: kind === 'json' ? opts.err : opts.out, diff: opts.diff, secrets: opts.secrets, interrupted },
    outcomes,
  );
  return teeReporters(createReporter(kind, opts), summary);
}

/** The display alone: listr2 rows, plain lines or NDJSON. */
export function createReporter(kind: ReporterKind, opts: ReporterOptions): Reporter {
  if (kind === 'json') return new JsonReporter(opts);
  if (kind === 'pretty') {
    const tty = opts.isTTY ?? Boolean((process.stdout as { isTTY?: boolean }).isTTY);
    // a terminal that reports no width (a pty from `script`, some CI runners) would get one character a
    // line from listr2: plain lines instead
    const wide = (process.stdout.columns ?? 0) >= MIN_PRETTY_COLUMNS;
    // details (-v) and diffs need the scrolling plain output; the rows only redraw counts
    if (!(tty && wide && !opts.diff && opts.verbosity < 1)) return new PlainReporter(opts);
    // per-host rows read up to about a screen of hosts; beyond, the fleet view (header, bar, problems)
    // loaded here: listr2 is start-up time that the plain and JSON outputs (pipes, CI) should not pay
    /* eslint-disable @typescript-eslint/no-require-imports */
    if ((opts.hostCount ?? 0) > PER_HOST_ROWS_MAX)
      return new (require('./fleet-view') as { FleetView: typeof FleetView }).FleetView(opts);
    return new (require('./pretty') as { PrettyReporter: typeof PrettyReporter }).PrettyReporter(opts);
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return new PlainReporter(opts);
}

/** Fan one event stream out to several reporters (a display reporter plus the journal). */
export function teeReporters(...reporters: Reporter[]): Reporter & { emit(e: RunEvent): void } {
  const on = (e: RunEvent) => {
    for (const r of reporters) {
      try {
        r.on(e);
      } catch {
        // one broken subscriber must not silence the others
      }
    }
  };
  return {
    on,
    emit: on,
    async close() {
      for (const r of reporters) await r.close?.();
    },
  };
}
