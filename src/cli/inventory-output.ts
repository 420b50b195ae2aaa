/**
 * `remediate inventory`: the same shapes as `ansible-inventory` — `--list` JSON with `_meta.hostvars`,
 * `--graph` tree with `@group:` and `|--host`, `--host NAME` vars, and `--yaml` for any of them.
 */
import { stringify } from 'yaml';
import type { InventoryData } from '../inventory/inventory-data';
import type { Vars } from '../inventory/types';
import { sanitize } from '../runner/sanitize';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * JSON-friendly copy (Dates → ISO strings) with secrets masked: Secret values and secret-named variables
 * (ansible_password, ansible_become_pass, *_token ...) print as *** — passwords never reach the output.
 */
function plain(v: Vars): Vars {
  return sanitize(JSON.parse(JSON.stringify(v))) as Vars;
}

/** JSON text as ansible-inventory writes it: keys sorted at every level, indent 4. */
export function inventoryJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_k, v: unknown) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
        const o = v as Record<string, unknown>;
        return Object.fromEntries(
          Object.keys(o)
            .sort(byName)
            .map((k) => [k, o[k]]),
        );
      },
      4,
    ) + '\n'
  );
}

/** `--host NAME`: the host's variables, secrets masked. */
export function inventoryHostVars(inv: InventoryData, host: string): Vars {
  return plain(inv.inventoryVars(host));
}

export function inventoryList(inv: InventoryData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const hostvars: Record<string, Vars> = {};
  for (const h of inv.hosts.keys()) {
    if (inv.implicitHosts.has(h)) continue;
    const v = inv.inventoryVars(h);
    if (Object.keys(v).length) hostvars[h] = plain(v);
  }
  out._meta = { hostvars };
  for (const g of [...inv.groups.values()].sort((a, b) => byName(a.name, b.name))) {
    const entry: Record<string, unknown> = {};
    if (g.children.length) entry.children = [...g.children].sort(byName);
    if (g.name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.name === 'all' || g.name === 'ungrouped' || Object.keys(entry).length) out[g.name] = entry;
  }
  return out;
}

/** The YAML inventory format; each host's vars are written at its first appearance. */
export function inventoryYaml(inv: InventoryData, group = 'all'): string {
  const seen = new Set<string>();
  const node = (name: string): Record<string, unknown> => {
    const g = inv.groups.get(name)!;
    const entry: Record<string, unknown> = {};
    const hosts = name === 'all' ? [] : g.hosts;
    if (hosts.length) {
      const hs: Record<string, unknown> = {};
      for (const h of hosts) {
        const v = seen.has(h) ? {} : plain(inv.inventoryVars(h));
        seen.add(h);
        hs[h] = Object.keys(v).length ? v : {};
      }
      entry.hosts = hs;
    }
    if (g.children.length) {
      const cs: Record<string, unknown> = {};
      for (const c of [...g.children].sort(byName)) cs[c] = node(c);
      entry.children = cs;
    }
    return entry;
  };
  return stringify({ [group]: node(group) });
}

/** `--graph`: `@all:` then `  |--@group:` and `  |  |--host`, children before hosts, both sorted. */
export function inventoryGraph(inv: InventoryData, group = 'all'): string {
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const walk = (g: string, depth: number, path: Set<string>) => {
    lines.push(name(`@${g}:`, depth));
    const grp = inv.groups.get(g)!;
    for (const c of [...grp.children].sort(byName))
      if (!path.has(c)) walk(c, depth + 1, new Set([...path, c]));
    if (g !== 'all') for (const h of [...grp.hosts].sort(byName)) lines.push(name(h, depth + 1));
  };
  walk(group, 0, new Set([group]));
  return lines.join('\n') + '\n';
}
