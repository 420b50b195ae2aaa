/** Reporters: subscribers of the RunEvent stream (listr2 for a TTY, plain lines, NDJSON, the run journal). */
import type { Reporter, RunEvent } from '../events';
import { JsonReporter } from './json';
import { PlainReporter } from './plain';
import { PrettyReporter } from './pretty';
import type { ReporterKind, ReporterOptions } from './types';

export type { ReporterKind, ReporterOptions, TextSink } from './types';
export { createJournal, readJournal, Journal, redactEvent } from './journal';
export { PlainReporter } from './plain';
export { JsonReporter } from './json';
export { banner, recapLine, renderDiff } from './ansible-format';

const MIN_PRETTY_COLUMNS = 20;

export function createReporter(kind: ReporterKind, opts: ReporterOptions): Reporter {
  if (kind === 'json') return new JsonReporter(opts);
  if (kind === 'pretty') {
    const tty = opts.isTTY ?? Boolean((process.stdout as { isTTY?: boolean }).isTTY);
    // a terminal that reports no width (a pty from `script`, some CI runners) would get one character a
    // line from listr2: plain lines instead
    const wide = (process.stdout.columns ?? 0) >= MIN_PRETTY_COLUMNS;
    // details (-v) and diffs need the scrolling plain output; the rows only redraw counts
    return tty && wide && !opts.diff && opts.verbosity < 1
      ? new PrettyReporter(opts)
      : new PlainReporter(opts);
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
