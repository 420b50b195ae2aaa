/**
 * `wait_for`: wait on the target until a port is open/closed, a path exists/is gone, or a regex appears in
 * a file or a port's banner. A bounded poll loop in POSIX sh on the target; never a change. In `--check`
 * it looks once (no waiting, since earlier steps did not run) and reports ok with a warning when not met.
 */
import { z } from 'zod';
import { intArg } from './arg-types';
import { ModuleError } from '../errors';
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

interface Facts {
  ok: boolean;
  elapsed: number;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'wait_for',
  description: 'Wait on the target for a port, a file, or a regex in a file or port banner (never a change)',
  args,
  async probe(ctx, a) {
    if ((a.port === undefined) === (a.path === undefined))
      throw new ModuleError('wait_for needs exactly one of port or path');
    const once = ctx.check;
    const cmd = waitScript({ ...a, delay: once ? 0 : a.delay, timeout: once ? 0 : a.timeout });
    const r = await ctx.exec(cmd, {
      timeoutMs: once ? 30_000 : (a.delay + a.timeout + a.connect_timeout + 30) * 1000,
    });
    if (r.code === 3)
      throw new ModuleError(r.stderr.trim(), { hint: 'install bash or netcat on the target' });
    const [word, secs] = r.stdout.trim().split(/\s+/);
    if (r.code !== 0 || (word !== 'OK' && word !== 'TIMEOUT')) {
      throw new ModuleError(
        `wait_for could not run: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.code}`}`,
      );
    }
    return { ok: word === 'OK', elapsed: Number(secs) };
  },
  plan(a, f, ctx) {
    const what = a.port !== undefined ? `port ${a.host}:${a.port}` : `path ${a.path}`;
    const cond = `${what} ${a.state}${a.search_regex ? ` (matching /${a.search_regex}/)` : ''}`;
    if (!f.ok) {
      if (ctx.check) {
        ctx.warn(`wait_for: ${cond} not met yet (check mode does not wait)`);
        return { changes: [], result: { elapsed: 0, state: a.state, check_mode_not_met: true } };
      }
      throw new ModuleError(a.msg ?? `Timeout when waiting for ${cond} after ${a.timeout} s`, {
        data: { elapsed: f.elapsed },
        hint: 'is the service up? raise timeout if it is only slow',
      });
    }
    const result: Record<string, unknown> = { elapsed: f.elapsed, state: a.state };
    if (a.port !== undefined) result.port = a.port;
    if (a.path !== undefined) result.path = a.path;
    return { changes: [], result };
  },
  apply: async () => ({}),
});
