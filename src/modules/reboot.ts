/**
 * `reboot`: reboot the host and wait until it is back (Ansible's `reboot`). Probe: the current boot id
 * (`boot_time_command`, default `cat /proc/sys/kernel/random/boot_id`). Steps: start `reboot_command` in the
 * background after `pre_reboot_delay` seconds (the exec returns before the connection drops); a `wait` on
 * the runner's Clock whose probe opens a fresh connection each time (src/plan/steps.ts `reconnect`) until
 * the boot id differs, for at most `reboot_timeout`; a check that it did; `post_reboot_delay`; then
 * `test_command` must succeed. Always a change; `--check` shows the steps and runs none.
 * `reboot_command`, `boot_time_command` and `test_command` are shell by design, as in Ansible.
 */
import { z } from 'zod';
import { script, sh } from '../command';
import { ModuleError } from '../errors';
import type { ExecOutput, WaitOutput } from '../plan/steps';
import { intArg } from './arg-types';
import { defineModule } from './types';

const args = z
  .object({
    reboot_timeout: intArg({ min: 1 }).default(600).describe('Seconds to wait for the host to come back'),
    pre_reboot_delay: intArg({ min: 0 }).default(0).describe('Seconds before the reboot command runs'),
    post_reboot_delay: intArg({ min: 0 })
      .default(0)
      .describe('Seconds to wait after the host is back, before test_command'),
    test_command: z.string().default('whoami').describe('Must succeed once the host is back (shell)'),
    msg: z.string().default('Reboot initiated by Ansible').describe('Message for logged-in users'),
    boot_time_command: z
      .string()
      .default('cat /proc/sys/kernel/random/boot_id')
      .describe('Prints something that changes with every boot (shell)'),
    reboot_command: z
      .string()
      .optional()
      .describe('The command that reboots (shell; default: shutdown -r now "MSG")'),
  })
  .strict();

interface Facts {
  bootId: string;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'reboot',
  description: 'Reboot the host, wait until it is back (new boot id) and test it',
  args,
  async probe(ctx, a) {
    const r = await ctx.exec(script(a.boot_time_command));
    const bootId = r.stdout.trim();
    if (r.code !== 0 || !bootId)
      throw new ModuleError(`cannot read the boot id with ${JSON.stringify(a.boot_time_command)}`, {
        hint: r.stderr.trim() || 'boot_time_command printed nothing',
      });
    return { bootId };
  },
  plan(a, f) {
    const reboot = a.reboot_command ?? sh`shutdown -r now ${a.msg}`.display;
    const start = sh`nohup sh -c ${`sleep ${Math.max(a.pre_reboot_delay, 1)}; ${reboot}`} >/dev/null 2>&1 &`;
    return {
      changes: [
        {
          describe: `reboot (boot id ${f.bootId.slice(0, 12)})`,
          steps: [
            { kind: 'exec', id: 'reboot', cmd: start },
            {
              kind: 'wait',
              id: 'back',
              describe: 'the host is back with a new boot id',
              probe: {
                kind: 'exec',
                cmd: sh`[ "$(${script(a.boot_time_command)})" != ${f.bootId} ]`,
                reconnect: true,
                ok: 'any',
                timeoutMs: 30_000,
              },
              until: { rc: [0] },
              intervalMs: 1000,
              timeoutMs: a.reboot_timeout * 1000,
              delayMs: a.pre_reboot_delay * 1000,
            },
            { kind: 'check', describe: 'the host rebooted', check: 'rebooted' },
            ...(a.post_reboot_delay > 0
              ? [
                  {
                    kind: 'wait' as const,
                    describe: `post_reboot_delay ${a.post_reboot_delay} s`,
                    probe: { kind: 'exec' as const, cmd: sh`true`, invalidates: [] },
                    until: { rc: [0] },
                    intervalMs: 1000,
                    delayMs: a.post_reboot_delay * 1000,
                  },
                ]
              : []),
            { kind: 'exec', id: 'test', cmd: script(a.test_command) },
          ],
        },
      ],
      result: { rebooted: false },
    };
  },
  checks: {
    rebooted(outputs, _plan, a) {
      const w = outputs['back'] as WaitOutput | undefined;
      if (w && !w.met) {
        const last = w.last?.kind === 'exec' ? w.last.stderr.trim() : '';
        throw new ModuleError(
          `Timed out waiting for last boot time check (timeout=${(a as { reboot_timeout: number }).reboot_timeout})${last ? `: ${last}` : ''}`,
        );
      }
    },
  },
  result({ outputs }) {
    const w = outputs['back'] as WaitOutput | undefined;
    const t = outputs['test'] as ExecOutput | undefined;
    return { rebooted: !!(w?.met && t), elapsed: w ? Math.round(w.elapsedMs / 1000) : 0 };
  },
});
