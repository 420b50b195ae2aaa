/**
 * A host list that reads at 500 hosts: hosts sorted naturally, runs of consecutive numbers collapsed
 * (`kube01.c001–c180`), at most `max` pieces shown (`… +N more`).
 */

interface Parsed {
  name: string;
  prefix: string;
  num: number;
  width: number;
  suffix: string;
}

function parse(name: string): Parsed | undefined {
  const m = /^(.*?)(\d+)(\D*)$/.exec(name);
  if (!m) return undefined;
  return { name, prefix: m[1]!, num: Number(m[2]), width: m[2]!.length, suffix: m[3]! };
}

/** Natural order: `h2` before `h10`. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The end of a range without the part it shares with the start, up to a separator: `kube01.c180` → `c180`. */
function rangeEnd(start: string, end: string): string {
  let i = 0;
  while (i < start.length && start[i] === end[i]) i++;
  const cut = Math.max(
    start.lastIndexOf('.', i - 1),
    start.lastIndexOf('-', i - 1),
    start.lastIndexOf('_', i - 1),
  );
  return end.slice(cut + 1);
}

/** `['kube01.c001', ..., 'kube01.c180', 'db1']` → `db1, kube01.c001–c180`. */
export function collapseHosts(hosts: readonly string[], max = 8): string {
  const sorted = [...new Set(hosts)].sort(naturalCompare);
  const pieces: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = parse(sorted[i]!);
    let j = i;
    if (first) {
      while (j + 1 < sorted.length) {
        const next = parse(sorted[j + 1]!);
        if (
          !next ||
          next.prefix !== first.prefix ||
          next.suffix !== first.suffix ||
          next.width !== first.width ||
          next.num !== first.num + (j + 1 - i)
        )
          break;
        j++;
      }
    }
    if (j - i >= 2) pieces.push(`${sorted[i]}–${rangeEnd(sorted[i]!, sorted[j]!)}`);
    else for (let k = i; k <= j; k++) pieces.push(sorted[k]!);
    i = j + 1;
  }
  if (pieces.length <= max) return pieces.join(', ');
  return `${pieces.slice(0, max).join(', ')}, … +${pieces.length - max} more`;
}

/** `1 host`, `180 hosts`. */
export function hostCount(n: number): string {
  return `${n} host${n === 1 ? '' : 's'}`;
}
