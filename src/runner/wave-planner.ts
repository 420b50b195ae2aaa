/**
 * Waves (batches) of a play's hosts: `serial:` sizes (numbers or "30%", the last size repeats), a
 * `canary:` first wave (N hosts or N%) that the run stops after for a confirmation, and per-group limits
 * (`--per-group-limit GROUP=N`: at most N hosts of each matching group in one wave — one master per
 * cluster at a time). Empty serial, no canary, no limits = one wave.
 */

export interface GroupLimit {
  /** Each matching group's hosts. */
  groups: ReadonlySet<string>[];
  limit: number;
  /** How the user wrote it, for the wave plan (`cluster_*=1`). */
  label?: string;
}

export interface WaveOptions {
  /** `canary:` / `--canary`: the first wave's size. */
  canary?: number | string;
  perGroup?: readonly GroupLimit[];
}

export interface Wave {
  hosts: string[];
  canary?: boolean;
}

export function planWaves(
  hosts: readonly string[],
  serial: readonly (number | string)[],
  opts: WaveOptions = {},
): string[][] {
  return planWavesDetailed(hosts, serial, opts).map((w) => w.hosts);
}

export function planWavesDetailed(
  hosts: readonly string[],
  serial: readonly (number | string)[],
  opts: WaveOptions = {},
): Wave[] {
  if (hosts.length === 0) return [];
  const waves: Wave[] = [];
  let rest = hosts.slice();
  if (opts.canary !== undefined) {
    const n = waveSize(opts.canary, hosts.length);
    if (n < hosts.length) {
      waves.push({ hosts: rest.slice(0, n), canary: true });
      rest = rest.slice(n);
    }
  }
  for (const w of bySerial(rest, serial)) waves.push({ hosts: w });
  if (!opts.perGroup?.length) return waves;
  return waves.flatMap((w) =>
    splitByGroups(w.hosts, opts.perGroup!).map((hs, i) => ({
      hosts: hs,
      ...(w.canary && i === 0 ? { canary: true } : {}),
    })),
  );
}

function bySerial(hosts: string[], serial: readonly (number | string)[]): string[][] {
  if (hosts.length === 0) return [];
  if (serial.length === 0) return [hosts];
  const sizes = serial.map((s) => waveSize(s, hosts.length));
  const waves: string[][] = [];
  let i = 0;
  let w = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(w, sizes.length - 1)]!;
    waves.push(hosts.slice(i, i + size));
    i += size;
    w++;
  }
  return waves;
}

/** One wave split so no matching group has more than its limit in any part; hosts keep their order. */
export function splitByGroups(hosts: readonly string[], limits: readonly GroupLimit[]): string[][] {
  const parts: { hosts: string[]; used: Map<ReadonlySet<string>, number> }[] = [];
  for (const h of hosts) {
    const mine = limits.flatMap((l) => l.groups.filter((g) => g.has(h)).map((g) => ({ g, limit: l.limit })));
    let part = parts.find((p) => mine.every(({ g, limit }) => (p.used.get(g) ?? 0) < limit));
    if (!part) parts.push((part = { hosts: [], used: new Map() }));
    part.hosts.push(h);
    for (const { g } of mine) part.used.set(g, (part.used.get(g) ?? 0) + 1);
  }
  return parts.map((p) => p.hosts);
}

/** Size of one wave: a count, or a percentage of all hosts (rounded down, at least 1). */
export function waveSize(s: number | string, total: number): number {
  let n: number;
  if (typeof s === 'number') n = s <= 0 ? total : s;
  else {
    const t = s.trim();
    n = t.endsWith('%') ? Math.floor((Number(t.slice(0, -1)) / 100) * total) : Number(t);
  }
  if (!Number.isFinite(n) || n < 1) n = 1;
  return Math.min(Math.floor(n), total);
}
