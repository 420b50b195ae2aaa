/** `serial:` waves: numbers or "30%" of the play's hosts; the last size repeats. Empty = one wave. */

export function planWaves(hosts: readonly string[], serial: readonly (number | string)[]): string[][] {
  if (hosts.length === 0) return [];
  if (serial.length === 0) return [hosts.slice()];
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
