/**
 * `--canary`, `--per-group-limit` parsing and the wave plan `--check` prints before it runs: per play,
 * hosts per wave (the canary marked), the per-group limits and max_fail_percentage.
 */
import { UsageError } from '../errors';
import type { Inventory } from '../inventory/types';
import type { Playbook } from '../playbook/types';
import { hostCount, collapseHosts } from '../report/host-list';
import { groupLimits } from '../runner/group-limits';
import { planWavesDetailed } from '../runner/wave-planner';
import { Templar } from '../template/index';
import { println } from './cli-io';

export function parseCanary(v: string): number | string {
  const t = v.trim();
  if (/^([1-9]\d?|100)%$/.test(t)) return t;
  if (/^[1-9]\d*$/.test(t)) return Number(t);
  throw new UsageError(`--canary ${v}: expected a host count (≥ 1) or a percentage like 5%`);
}

export function parseGroupLimit(v: string): { group: string; limit: number } {
  const m = /^([^=]+)=([1-9]\d*)$/.exec(v.trim());
  if (!m) throw new UsageError(`--per-group-limit ${v}: expected GROUP=N, e.g. cluster_*=1`);
  return { group: m[1]!.trim(), limit: Number(m[2]) };
}

export function printWavePlan(
  out: NodeJS.WritableStream,
  pb: Playbook,
  inventory: Inventory,
  o: { limit?: string; canary?: number | string; perGroupLimit: { group: string; limit: number }[] },
): void {
  const limited = o.limit !== undefined ? new Set(inventory.select(o.limit)) : undefined;
  const limits = groupLimits(inventory, o.perGroupLimit);
  println(out, 'WAVE PLAN');
  for (const play of pb.plays) {
    const pattern = Array.isArray(play.hosts) ? play.hosts.join(':') : play.hosts;
    if (Templar.isTemplated(pattern)) {
      println(out, `  play "${play.name}": hosts '${pattern}' are templated: decided at run time`);
      continue;
    }
    const hosts = inventory.select(pattern).filter((h) => !limited || limited.has(h));
    const canary = o.canary ?? play.canary;
    const waves = planWavesDetailed(hosts, play.serial, {
      ...(canary !== undefined ? { canary } : {}),
      perGroup: limits,
    });
    const rules = [
      play.serial.length ? `serial ${play.serial.join(', ')}` : '',
      canary !== undefined ? `canary ${canary} (stops for a confirmation)` : '',
      ...limits.map((l) => `per group ${l.label}`),
      play.maxFailPercentage !== undefined ? `max_fail_percentage ${play.maxFailPercentage}% per wave` : '',
    ].filter(Boolean);
    println(
      out,
      `  play "${play.name}": ${hostCount(hosts.length)} in ${waves.length} wave${waves.length === 1 ? '' : 's'}${rules.length ? ` (${rules.join('; ')})` : ''}`,
    );
    waves.forEach((w, i) =>
      println(
        out,
        `    wave ${i + 1}${w.canary ? ' (canary)' : ''}: ${hostCount(w.hosts.length)} (${collapseHosts(w.hosts)})`,
      ),
    );
  }
}
