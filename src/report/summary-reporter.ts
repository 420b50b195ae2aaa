/**
 * Prints the grouped summary (src/report/grouped-summary.ts) once the display has finished: after the
 * PLAY RECAP of the plain and pretty views, on stderr for `--output json`.
 */
import type { Reporter, RunEvent } from '../events';
import { groupOutcomes, renderGroupedSummary } from './grouped-summary';
import { OutcomeTracker } from './outcomes';
import { maskLiterals } from './redact';
import type { TextSink } from './types';
import type { SecretValues } from '../secrets/secret-values';

export class SummaryReporter implements Reporter {
  private ended = false;

  constructor(
    private readonly o: {
      out: TextSink;
      diff: boolean;
      secrets?: SecretValues | readonly string[];
      /** Ctrl-C: hosts that had not stopped are shown as unfinished. */
      interrupted?: () => 'interrupted' | 'canary' | undefined;
    },
    readonly outcomes: OutcomeTracker = new OutcomeTracker(),
  ) {}

  on(e: RunEvent): void {
    this.outcomes.on(e);
    if (e.kind === 'recap') this.ended = true;
  }

  close(): void {
    // a killed run has no recap; after Ctrl-C, hosts that were still working did not finish
    if (!this.ended) return;
    const why = this.o.interrupted?.();
    if (why === 'interrupted') this.outcomes.interrupted = true;
    if (why === 'canary') this.outcomes.stoppedEarly = true;
    const lines = renderGroupedSummary(groupOutcomes(this.outcomes.outcomes()), {
      diff: this.o.diff,
      check: this.outcomes.check,
    });
    for (const l of lines) this.o.out.write(maskLiterals(l, this.o.secrets) + '\n');
  }
}
