/**
 * `wait_for`: wait on the target until a port is open/closed, a path exists/is gone, or a regex appears in
 * a file or a port's banner. A `wait` step: one POSIX sh check per attempt, every `sleep` seconds on the
 * runner's clock, for at most `timeout`; never a change. In `--check` it looks once (no waiting, since
 * earlier steps did not run) and reports ok with a warning when not met.
 */
import { z } from 'zod';
import { intArg } from './arg-types';
import { sh } from '../command';
import { ModuleError } from '../errors';
import type { WaitOutput } from '../plan/steps';
import { defineModule } from './types';
import { waitScript } from './wait-for-script';

const args = z
  .object({
    host: z.string().default('127.0.0.1').describe('Host to check the port on, as seen from the target'),
    port: intArg({ min: 1, max: 65535 }).optional().describe('TCP port to wait for'),
    path: z.string().optional().describe('File to wait for (present/absent, or containing search_regex)'),
    search_regex: z.string().optional().describe('Extended regex to find in the file or in the port banner'),
    state: z
      .enum(['started', 'stopped', 'present', 'absent'])
      .default('started')
      .describe('started/present: wait until there; stopped/absent: until gone'),
    delay: intArg({ min: 0 }).default(0).describe('Seconds to wait before the first check'),
    timeout: intArg({ min: 0 }).default(300).describe('Seconds to wait at most'),
    sleep: intArg({ min: 1 }).default(1).describe('Seconds between checks'),
    connect_timeout: intArg({ min: 1 }).default(5).describe('Seconds for one connection attempt'),
    msg: z.string().optional().describe('Failure message instead of the default'),
  })
  .strict();

type Args = z.infer<typeof args>;

function condition(a: Args): string {
  const what = a.port !== undefined ? `port ${a.host}:${a.port}` : `path ${a.path}`;
  return `${what} ${a.state}${a.search_regex ? ` (matching /${a.search_regex}/)` : ''}`;
}

export default defineModule<typeof args, undefined, undefined>({
  name: 'wait_for',
  description: 'Wait on the target for a port, a file, or a regex in a file or port banner (never a change)',
  args,
  async probe(_ctx, a) {
    if ((a.port === undefined) === (a.path === undefined))
      throw new ModuleError('wait_for needs exactly one of port or path');
    return undefined;
  },
  plan(a) {
    // one look: exit 0 when the wanted state holds, 1 when not yet, 3 when the target lacks bash and nc
    const look = sh`out=$(${waitScript({ ...a, delay: 0, timeout: 0 })}); rc=$?; [ $rc -eq 0 ] || exit $rc; case "$out" in OK*) exit 0 ;; *) exit 1 ;; esac`;
    return {
      changes: [],
      observe: [
        {
          kind: 'wait',
          id: 'wait',
          describe: condition(a),
          probe: {
            kind: 'exec',
            cmd: look,
            ok: [0, 1],
            timeoutMs: (a.connect_timeout + 30) * 1000,
            invalidates: [],
          },
          until: { rc: [0] },
          intervalMs: a.sleep * 1000,
          timeoutMs: a.timeout * 1000,
          delayMs: a.delay * 1000,
        },
      ],
    };
  },
  result({ args: a, outputs }) {
    const w = outputs['wait'] as WaitOutput;
    const elapsed = Math.round(w.elapsedMs / 1000);
    if (!w.met) {
      if (w.lookedOnce)
        return {
          elapsed: 0,
          state: a.state,
          check_mode_not_met: true,
          warnings: [`wait_for: ${condition(a)} not met yet (check mode does not wait)`],
        };
      throw new ModuleError(a.msg ?? `Timeout when waiting for ${condition(a)} after ${a.timeout} s`, {
        data: { elapsed },
        hint: 'is the service up? raise timeout if it is only slow',
      });
    }
    const result: Record<string, unknown> = { elapsed, state: a.state };
    if (a.port !== undefined) result.port = a.port;
    if (a.path !== undefined) result.path = a.path;
    return result;
  },
});
