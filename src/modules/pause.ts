/**
 * `pause`: wait `seconds` or `minutes` on the runner's Clock, as one `wait` step (its probe is a `true` on
 * the target, so the pause also proves the host still answers). Runs in `--check` too, but there a wait
 * looks once and does not sleep. A `prompt` is never answered here: remediate runs non-interactively, so
 * — as Ansible does without a TTY — it warns and goes on with an empty `user_input`.
 */
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import type { WaitOutput } from '../plan/steps';
import { boolArg } from './arg-types';
import { defineModule } from './types';

const num = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
  z.number().min(0),
);
const args = z
  .object({
    seconds: num.optional().describe('Seconds to pause'),
    minutes: num.optional().describe('Minutes to pause'),
    prompt: z.string().optional().describe('Text to show; never waits for input (non-interactive runner)'),
    echo: boolArg().default(true).describe('Accepted for compatibility (no input is read)'),
  })
  .strict();

export default defineModule<typeof args, undefined, { ms: number }>({
  name: 'pause',
  description: 'Pause for a number of seconds or minutes (on the runner clock)',
  args,
  async probe(ctx, a) {
    if (a.prompt !== undefined && a.seconds === undefined && a.minutes === undefined)
      ctx.warn('Not waiting for response to prompt as stdin is not interactive');
    return undefined;
  },
  plan(a) {
    if (a.seconds !== undefined && a.minutes !== undefined)
      throw new ModuleError('parameters are mutually exclusive: minutes|seconds');
    const ms = Math.round(((a.minutes ?? 0) * 60 + (a.seconds ?? 0)) * 1000);
    const secs = ms / 1000;
    const base = { echo: a.echo, user_input: '', ...(a.prompt !== undefined ? { prompt: a.prompt } : {}) };
    if (ms === 0)
      return { changes: [], state: { ms }, result: { ...base, stdout: 'Paused for 0.0 seconds', delta: 0 } };
    return {
      changes: [],
      state: { ms },
      observe: [
        {
          kind: 'wait',
          id: 'pause',
          describe: `pause ${secs} s`,
          probe: { kind: 'exec', cmd: sh`true`, invalidates: [] },
          until: { rc: [0] },
          intervalMs: 1000,
          attempts: 1,
          delayMs: ms,
        },
      ],
      result: { ...base, stdout: `Paused for ${secs} seconds`, delta: secs },
    };
  },
  result({ plan, outputs }) {
    const w = outputs['pause'] as WaitOutput | undefined;
    const delta = w ? w.elapsedMs / 1000 : 0;
    const mins = plan.state && plan.state.ms >= 60000;
    const shown = mins ? `${Math.round((delta / 60) * 100) / 100} minutes` : `${delta} seconds`;
    return { ...(plan.result ?? {}), delta, stdout: `Paused for ${shown}` };
  },
});
