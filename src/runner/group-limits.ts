/** `--per-group-limit GROUP=N`: inventory groups by a name glob, as the wave planner's group limits. */
import type { Inventory } from '../inventory/types';
import type { GroupLimit } from './wave-planner';

/** A group-name glob (`cluster_*`, `c0?`) as a regular expression, whole name. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** The host sets of the inventory groups each glob matches. */
export function groupLimits(
  inventory: Inventory,
  limits: readonly { group: string; limit: number }[] | undefined,
): GroupLimit[] {
  return (limits ?? []).map((l) => {
    const re = globToRegExp(l.group);
    const groups = [...inventory.groups.keys()]
      .filter((g) => re.test(g))
      .map((g) => new Set(inventory.select(g)));
    return { groups, limit: l.limit, label: `${l.group}=${l.limit}` };
  });
}
