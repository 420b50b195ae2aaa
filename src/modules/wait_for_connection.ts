/**
 * `wait_for_connection`: wait until the host answers again (Ansible's `wait_for_connection`): after `delay`
 * seconds, every `sleep` seconds drop the connection, open a fresh one and run `echo ping` there, until it
 * answers or `timeout` seconds have passed — one `wait` step on the runner's Clock whose probe reconnects
 * (src/plan/steps.ts `reconnect`). Never a change. In `--check` the wait looks once.
 */
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import type { WaitOutput } from '../plan/steps';
import { intArg } from './arg-types';
import { defineModule } from './types';

const args = z
  .object({
    delay: intArg({ min: 0 }).default(0).describe('Seconds to wait before the first attempt'),
    sleep: intArg({ min: 1 }).default(1).describe('Seconds between attempts'),
    timeout: intArg({ min: 1 }).default(600).describe('Give up after this many seconds'),
    connect_timeout: intArg({ min: 1 })
      .default(5)
      .describe('Seconds one attempt may take (the ping); the TCP/SSH connect uses the transport timeout'),
  })
  .strict();

export default defineModule<typeof args, undefined, undefined>({
  name: 'wait_for_connection',
  description: 'Wait until the host can be reached again (reconnecting), e.g. after a reboot',
  args,
  async probe() {
    return undefined;
  },
  plan(a) {
    return {
      changes: [],
      observe: [
        {
          kind: 'wait',
          id: 'wait',
          describe: 'the host answers on a fresh connection',
          probe: {
            kind: 'exec',
            cmd: sh`echo ping`,
            reconnect: true,
            noBecome: true,
            ok: 'any',
            timeoutMs: a.connect_timeout * 1000,
            invalidates: [],
          },
          until: { rc: [0] },
          intervalMs: a.sleep * 1000,
          timeoutMs: a.timeout * 1000,
          delayMs: a.delay * 1000,
        },
      ],
      result: {},
    };
  },
  result({ args: a, outputs }) {
    const w = outputs['wait'] as WaitOutput | undefined;
    if (!w) return {};
    if (!w.met && !w.lookedOnce) {
      const last = w.last?.kind === 'exec' ? w.last.stderr.trim() || `exit ${w.last.code}` : '';
      throw new ModuleError(`timed out waiting for ping module test: ${last}`, {
        data: { elapsed: Math.round(w.elapsedMs / 1000) },
        hint: `the host did not answer within ${a.timeout} s`,
      });
    }
    return { elapsed: Math.round(w.elapsedMs / 1000) };
  },
});
