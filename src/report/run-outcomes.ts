/**
 * Outcomes of a journaled run, replayed from its events through the same OutcomeTracker a live run uses.
 * A run that never reached its recap (interrupted, killed) has hosts that did not finish: they are
 * reported as such by `runs show` and continued by `runs resume`.
 */
import type { RunEvent } from '../events';
import { isFinalResult } from '../runner/resume-state';
import { OutcomeTracker, type HostOutcome } from './outcomes';
import type { StoredRun } from './run-journal';

export function outcomesOfRun(run: StoredRun): HostOutcome[] {
  const t = new OutcomeTracker();
  t.interrupted = !runCompleted(run) && !run.meta.canaryStop;
  t.stoppedEarly = Boolean(run.meta.canaryStop);
  for (const e of run.events) t.on(e);
  return t.outcomes();
}

/** Did every host finish (ok, changed, failed or unreachable)? Not after Ctrl-C, nor when killed. */
export function runCompleted(run: StoredRun): boolean {
  // a controller that exited before recording its end (a second Ctrl-C, a kill) did not finish either
  return (
    run.meta.exitCode !== undefined && !run.meta.interrupted && run.events.some((e) => e.kind === 'recap')
  );
}

/** A failure that came from the controller's own stop (Ctrl-C closes connections), not from the host. */
export function byOurStop(msg: string | undefined): boolean {
  return /the run is over: connections are closed|interrupted|AbortError|aborted/i.test(msg ?? '');
}

/**
 * Hosts that stopped for good in an unfinished run: unreachable, or whose last task result failed (not
 * because the run was interrupted). Every other host of the run's selection has work left.
 */
export function stoppedHosts(events: readonly RunEvent[]): Set<string> {
  const last = new Map<string, RunEvent & { kind: 'task-result' }>();
  const out = new Set<string>();
  for (const e of events) {
    if (e.kind !== 'task-result') continue;
    if (e.status === 'unreachable' && !byOurStop(e.msg)) out.add(e.host);
    if (e.module === 'gather_facts' || isFinalResult(e)) last.set(e.host, e);
  }
  for (const [h, e] of last) if (e.status === 'failed' && !byOurStop(e.msg)) out.add(h);
  return out;
}
