/**
 * systemd unit state: the words `systemctl is-active` / `is-enabled` print (not only their exit codes,
 * which conflate "inactive" with "no such unit"), plus the unit's LoadState.
 */
import { sh } from '../command';
import type { Fact } from './types';

export interface UnitState {
  /** `systemctl is-active`: active, inactive, failed, activating, deactivating, reloading, unknown. */
  active: string;
  /** `systemctl is-enabled`: enabled, disabled, static, masked, indirect, alias, generated, ... ('' if none). */
  enabled: string;
  /** LoadState: loaded, not-found, masked, error... */
  load: string;
  /** The unit is known to systemd. */
  exists: boolean;
  /** systemctl itself is missing on the host. */
  noSystemctl?: boolean;
}

export function systemdUnit(name: string): Fact<UnitState> {
  return {
    key: `systemd:${name}`,
    command: sh`command -v systemctl >/dev/null 2>&1 || { echo NOSYSTEMCTL; exit 0; }
printf 'active=%s\n' "$(systemctl is-active -- ${name} 2>/dev/null)"
printf 'enabled=%s\n' "$(systemctl is-enabled -- ${name} 2>/dev/null)"
printf 'load=%s\n' "$(systemctl show -p LoadState -- ${name} 2>/dev/null | sed 's/^LoadState=//')"`,
    parse: (stdout) => parseUnitState(stdout),
  };
}

export function parseUnitState(stdout: string): UnitState {
  if (stdout.trim() === 'NOSYSTEMCTL') {
    return { active: 'unknown', enabled: '', load: 'not-found', exists: false, noSystemctl: true };
  }
  const get = (k: string): string => {
    const line = stdout.split('\n').find((l) => l.startsWith(`${k}=`));
    // is-active can print several lines for templates; the first word is the unit's.
    return (line?.slice(k.length + 1) ?? '').trim().split(/\s+/)[0] ?? '';
  };
  const load = get('load');
  const enabled = get('enabled');
  const active = get('active') || 'unknown';
  const exists = load !== '' ? load !== 'not-found' : enabled !== '' && enabled !== 'not-found';
  return { active, enabled: enabled === 'not-found' ? '' : enabled, load: load || 'not-found', exists };
}
