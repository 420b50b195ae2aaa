/**
 * `service`: start, stop, restart, reload or enable a service whatever the init system (Ansible's `service`).
 * On a systemd host (`/run/systemd/system` exists and `systemctl` is there, as Ansible's service_mgr fact
 * decides) it is the `systemd` module, same probe, plan and result. Elsewhere (SysV init, busybox, containers)
 * it drives the init script the way an operator would:
 *  - run state: `service NAME status` (else `/etc/init.d/NAME status`), exit code 0 = running;
 *    start/stop/restart/reload with the same program;
 *  - boot: `update-rc.d` (enabled = an `S` link in /etc/rc[2-5].d; enable = `defaults` then `enable`,
 *    disable = `disable`) or `chkconfig` (`--list` shows `:on`; `on`/`off`).
 * `use: systemd|sysvinit` skips the detection.
 */
import { z } from 'zod';
import { sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import { systemdUnit, type UnitState } from '../facts/systemd';
import { boolArg } from './arg-types';
import systemd from './systemd';
import { defineModule, type Change } from './types';

const args = z
  .object({
    name: z.string().min(1).describe('Service name (a systemd unit, or an /etc/init.d script)'),
    state: z
      .enum(['started', 'stopped', 'restarted', 'reloaded'])
      .optional()
      .describe('Wanted run state; restarted/reloaded always act'),
    enabled: boolArg().optional().describe('Start at boot'),
    use: z
      .enum(['auto', 'systemd', 'sysvinit', 'service'])
      .default('auto')
      .describe('The service manager: auto (detected on the host), systemd, or sysvinit'),
  })
  .strict();

type Facts =
  | { mgr: 'systemd'; unit: UnitState }
  | {
      mgr: 'sysv';
      /** How the init script is driven: the `service` program, or the script itself. */
      ctl: 'service' | 'initd';
      running: boolean;
      statusRc: number;
      enabler?: 'update-rc.d' | 'chkconfig';
      enabled: boolean;
    };

/** A service name as init scripts and update-rc.d take it (no leading `-`, no path, no spaces). */
function checkName(n: string): void {
  if (!/^[A-Za-z0-9:_.@-]+$/.test(n) || n.startsWith('-') || n.startsWith('.'))
    throw new ModuleError(`invalid service name ${JSON.stringify(n)}`, {
      hint: 'service names hold letters, digits and :_.@- and do not start with - or .',
    });
}

function ctlCmd(ctl: 'service' | 'initd', n: string, action: string): ExecCommand {
  return ctl === 'service' ? sh`service ${n} ${action}` : sh`${`/etc/init.d/${n}`} ${action}`;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'service',
  description:
    'Manage a service: systemd where the host runs it, else its init script (service/update-rc.d/chkconfig)',
  args,
  async probe(ctx, a) {
    checkName(a.name);
    const n = a.name;
    if (a.use === 'systemd') return { mgr: 'systemd', unit: await ctx.fact(systemdUnit(n)) };
    const r = await ctx.exec(sh`n=${n}; use=${a.use}
if [ "$use" = auto ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo SYSTEMD; exit 0; fi
if command -v service >/dev/null 2>&1; then echo CTL service; service "$n" status >/dev/null 2>&1; echo STATUS $?
elif [ -x "/etc/init.d/$n" ]; then echo CTL initd; "/etc/init.d/$n" status >/dev/null 2>&1; echo STATUS $?
else echo CTL none; fi
[ -e "/etc/init.d/$n" ] && echo SCRIPT
if command -v update-rc.d >/dev/null 2>&1; then echo ENABLER update-rc.d
  for f in /etc/rc2.d/S??"$n" /etc/rc3.d/S??"$n" /etc/rc4.d/S??"$n" /etc/rc5.d/S??"$n"; do [ -e "$f" ] && { echo ENABLED; break; }; done
elif command -v chkconfig >/dev/null 2>&1; then echo ENABLER chkconfig
  chkconfig --list "$n" 2>/dev/null | grep -q ':on' && echo ENABLED
fi
exit 0`);
    const o = r.stdout;
    if (o.startsWith('SYSTEMD')) return { mgr: 'systemd', unit: await ctx.fact(systemdUnit(n)) };
    const ctl = /^CTL (\S+)/m.exec(o)?.[1];
    if (ctl !== 'service' && ctl !== 'initd')
      throw new ModuleError(
        `Could not find the requested service ${n}: no systemd, no service program, no /etc/init.d/${n}`,
      );
    const statusRc = Number(/^STATUS (\d+)/m.exec(o)?.[1] ?? 4);
    // `service` says nothing of a name without an init script: refuse it as Ansible does
    if (
      !/^SCRIPT$/m.test(o) &&
      statusRc !== 0 &&
      statusRc !== 3 &&
      (a.state !== undefined || a.enabled !== undefined)
    )
      throw new ModuleError(`Could not find the requested service ${n}: no /etc/init.d/${n}`, {
        hint: 'check the service name',
      });
    const enabler = /^ENABLER (\S+)/m.exec(o)?.[1] as 'update-rc.d' | 'chkconfig' | undefined;
    return { mgr: 'sysv', ctl, running: statusRc === 0, statusRc, enabler, enabled: /^ENABLED$/m.test(o) };
  },
  plan(a, f, ctx) {
    if (f.mgr === 'systemd')
      return systemd.plan(
        systemd.args.parse({ name: a.name, state: a.state, enabled: a.enabled }),
        f.unit,
        ctx,
      );
    const n = a.name;
    const changes: Change[] = [];
    const add = (describe: string, cmd: ExecCommand) =>
      changes.push({ describe, steps: [{ kind: 'exec', cmd, invalidates: [] }] });
    if (a.enabled !== undefined && a.enabled !== f.enabled) {
      if (!f.enabler)
        throw new ModuleError(
          `cannot ${a.enabled ? 'enable' : 'disable'} ${n}: neither update-rc.d nor chkconfig on the host`,
        );
      const cmd =
        f.enabler === 'update-rc.d'
          ? a.enabled
            ? sh`update-rc.d ${n} defaults >/dev/null && update-rc.d ${n} enable`
            : sh`update-rc.d ${n} disable`
          : sh`chkconfig ${n} ${a.enabled ? 'on' : 'off'}`;
      add(`${a.enabled ? 'enable' : 'disable'} ${n} (${f.enabler})`, cmd);
    }
    switch (a.state) {
      case 'started':
        if (!f.running) add(`start ${n} (status exit ${f.statusRc})`, ctlCmd(f.ctl, n, 'start'));
        break;
      case 'stopped':
        if (f.running) add(`stop ${n}`, ctlCmd(f.ctl, n, 'stop'));
        break;
      case 'restarted':
        add(`restart ${n}`, ctlCmd(f.ctl, n, 'restart'));
        break;
      case 'reloaded':
        add(
          f.running ? `reload ${n}` : `start ${n} (reload of a stopped service)`,
          ctlCmd(f.ctl, n, f.running ? 'reload' : 'start'),
        );
        break;
    }
    return {
      changes,
      result: {
        name: n,
        state: a.state ?? (f.running ? 'started' : 'stopped'),
        enabled: a.enabled ?? f.enabled,
        status: { manager: 'sysvinit', status_rc: f.statusRc },
      },
    };
  },
});
