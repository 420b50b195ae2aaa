/**
 * `systemd` (also answers to `systemd_service`; `service` is its own module that uses this one on systemd
 * hosts): a unit's state and enablement. Probe reads the
 * words of `systemctl is-active` / `is-enabled`; restarted and reloaded are always a change.
 */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import { systemdUnit, type UnitState } from '../facts/systemd';
import { defineModule, type Change, type Step } from './types';

const args = z
  .object({
    name: z.string().min(1).optional().describe('Unit name, e.g. kube-apiserver or kube-apiserver.service'),
    state: z
      .enum(['started', 'stopped', 'restarted', 'reloaded'])
      .optional()
      .describe('Wanted run state; restarted/reloaded always act'),
    enabled: boolArg().optional().describe('Start at boot'),
    daemon_reload: boolArg()
      .default(false)
      .describe(
        'Run `systemctl daemon-reload` before anything else (not a change, as in Ansible; shown but not run in --check)',
      ),
    masked: boolArg().optional().describe('Mask (true) or unmask (false) the unit'),
  })
  .strict();

const RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating']);
const ENABLED = new Set([
  'enabled',
  'enabled-runtime',
  'static',
  'alias',
  'indirect',
  'generated',
  'linked',
  'linked-runtime',
]);

export default defineModule<typeof args, UnitState | undefined, undefined>({
  name: 'systemd',
  aliases: ['systemd_service'],
  description: 'Start, stop, restart, reload, enable or disable a systemd unit',
  args,
  async probe(ctx, a) {
    if (a.name) checkUnitName(a.name);
    return a.name ? ctx.fact(systemdUnit(a.name)) : undefined;
  },
  plan(a, probed) {
    const prelude: Step[] = a.daemon_reload
      ? [{ kind: 'exec', id: 'daemon-reload', cmd: sh`systemctl daemon-reload`, invalidates: ['systemd:'] }]
      : [];
    if (!a.name) {
      if (a.state || a.enabled !== undefined || a.masked !== undefined)
        throw new ModuleError('name is required');
      return { changes: [], prelude, result: { name: null } };
    }
    let u = probed;
    // A unit file added since systemd last loaded its configuration is known after the daemon-reload:
    // plan as for a stopped, disabled unit (systemctl then fails clearly if it is still unknown).
    if (a.daemon_reload && u && !u.noSystemctl && !u.exists)
      u = { active: 'inactive', enabled: 'disabled', load: 'loaded', exists: true };
    const n = a.name;
    if (!u || u.noSystemctl)
      throw new ModuleError(`systemctl not found on the host (unit ${n})`, {
        hint: 'this module needs systemd',
      });
    if (!u.exists && !(a.masked === true || (a.state === undefined && a.enabled === undefined))) {
      throw new ModuleError(`Could not find the requested service ${n}`, {
        hint: 'check the unit name (systemctl list-unit-files)',
      });
    }
    const changes: Change[] = [];
    const add = (describe: string, cmd: ExecCommand) =>
      changes.push({ describe, steps: [{ kind: 'exec', cmd, invalidates: [`systemd:${n}`] }] });
    if (a.masked === true && u.enabled !== 'masked') add(`mask ${n}`, sh`systemctl mask -- ${n}`);
    if (a.masked === false && u.enabled === 'masked') add(`unmask ${n}`, sh`systemctl unmask -- ${n}`);
    if (a.enabled === true && !ENABLED.has(u.enabled))
      add(`enable ${n} (was ${u.enabled || 'unknown'})`, sh`systemctl enable -- ${n}`);
    if (a.enabled === false && u.enabled === 'enabled') add(`disable ${n}`, sh`systemctl disable -- ${n}`);
    const running = RUNNING.has(u.active);
    switch (a.state) {
      case 'started':
        if (!running) add(`start ${n} (was ${u.active})`, sh`systemctl start -- ${n}`);
        break;
      case 'stopped':
        if (running) add(`stop ${n} (was ${u.active})`, sh`systemctl stop -- ${n}`);
        break;
      case 'restarted':
        add(`restart ${n}`, sh`systemctl restart -- ${n}`);
        break;
      case 'reloaded':
        add(
          running ? `reload ${n}` : `start ${n} (reload of a stopped unit)`,
          running ? sh`systemctl reload -- ${n}` : sh`systemctl start -- ${n}`,
        );
        break;
    }
    const status = { ActiveState: u.active, UnitFileState: u.enabled, LoadState: u.load };
    return {
      changes,
      prelude,
      result: {
        name: n,
        state: a.state ?? (running ? 'started' : 'stopped'),
        enabled: ENABLED.has(u.enabled),
        status,
      },
    };
  },
});

/** A unit name as systemctl takes it: no leading `-`, no spaces or control characters. */
function checkUnitName(n: string): void {
  if (!/^[A-Za-z0-9:_.@\\-]+$/.test(n) || n.startsWith('-'))
    throw new ModuleError(`invalid unit name ${JSON.stringify(n)}`, {
      hint: 'unit names hold letters, digits and :_.@\\- and do not start with -',
    });
}
