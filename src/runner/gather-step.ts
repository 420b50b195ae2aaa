/** The play's "Gathering Facts" step for one host: one exec of the gather script, as a reported task. */
import { formatLoc } from '../errors';
import { GATHER_SCRIPT, factVars, parseGatheredFacts, selectFacts } from './gather-facts';
import { errorOutcome } from './module-call';
import type { HostRun, WaveRun } from './play-context';
import { reportTaskResult } from './task-report';
import { resolveBecome } from './task-settings';
import { taskVars, type TaskScope } from './variables';

/** The lockstep key of the gather step (one per play). */
const GATHER_KEY = { gather: true };

/** 'end': the host is unreachable and leaves the play; 'failed': it failed for good. */
export async function gatherFacts(
  wave: WaveRun,
  hr: HostRun,
  scope: TaskScope,
): Promise<'ok' | 'failed' | 'end'> {
  const { shared } = wave;
  const name = 'Gathering Facts';
  const loc = formatLoc(wave.play.loc);
  await wave.sync(hr.state.name, { key: GATHER_KEY, name, loc });
  if (wave.stopped || shared.signal.aborted) return 'end';
  const started = shared.now();
  const vars = taskVars(wave.scope, hr.state, scope, undefined);
  const res = await shared.forks.with(async () => {
    try {
      const t = await hr.state.connection(shared.opts.transportFactory, vars);
      const become = resolveBecome(scope.inherited, vars, shared.opts.becomePassword, shared.templar);
      const r = await t.exec(
        GATHER_SCRIPT,
        become ? { become, signal: shared.signal } : { signal: shared.signal },
      );
      if (r.code !== 0 && !r.stdout.includes('@@hostname'))
        throw new Error(`fact gathering failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
      const facts = selectFacts(parseGatheredFacts(r.stdout), wave.play.gatherSubset ?? ['all']);
      return { ok: true as const, facts };
    } catch (e) {
      return { ok: false as const, outcome: errorOutcome(e) };
    }
  });
  const report = (status: 'ok' | 'failed' | 'unreachable', result: Record<string, unknown>, msg?: string) =>
    reportTaskResult(
      shared,
      hr,
      {
        task: name,
        loc,
        module: 'gather_facts',
        status,
        startedAt: started,
        check: shared.opts.check,
        result,
        ...(msg !== undefined ? { msg } : {}),
      },
      { rescuable: 0 },
    );
  if (res.ok) {
    Object.assign(hr.state.facts, factVars(res.facts));
    report('ok', { changed: false });
    return 'ok';
  }
  const o = res.outcome;
  report(o.status === 'unreachable' ? 'unreachable' : 'failed', { msg: o.msg }, o.msg);
  hr.lastFailure = { task: { name, action: 'gather_facts', loc }, result: { msg: o.msg } };
  if (o.status === 'unreachable') {
    hr.state.unreachable = true;
    hr.ended = true;
    wave.hostFailed(hr.state.name, false);
    return 'end';
  }
  wave.hostFailed(hr.state.name, wave.play.anyErrorsFatal);
  return 'failed';
}
