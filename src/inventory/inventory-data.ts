/**
 * The in-memory inventory: hosts, groups, the parent/child graph and variables kept per layer, so that
 * `hostVars()` can merge them in Ansible's precedence order. Parsers (INI, YAML, vars dirs) fill it;
 * `finalize()` computes `ungrouped`, each host's group list and the flattened `vars` views.
 */
import type { Inventory, InventoryGroup, InventoryHost, Vars } from './types';
import { selectHosts } from './host-patterns';

/** Where a variable came from, lowest precedence first. */
export type VarsLayer = 'inline' | 'inventory-dir' | 'playbook-dir';
const LAYERS: VarsLayer[] = ['inline', 'inventory-dir', 'playbook-dir'];

const MAGIC = new Set([
  'inventory_hostname',
  'inventory_hostname_short',
  'group_names',
  'groups',
  'inventory_dir',
  'inventory_file',
]);

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function layers(): Record<VarsLayer, Map<string, Vars>> {
  return { inline: new Map(), 'inventory-dir': new Map(), 'playbook-dir': new Map() };
}

export class InventoryData implements Inventory {
  hosts = new Map<string, InventoryHost>();
  groups = new Map<string, InventoryGroup>();
  /** Non-fatal findings (unmatched patterns, ...), for the CLI to print. */
  warnings: string[] = [];
  /** Hosts created on demand for `localhost` patterns; not members of `all`. */
  readonly implicitHosts = new Set<string>();
  private hostVarLayers = layers();
  private groupVarLayers = layers();
  private priority = new Map<string, number>();
  private parents = new Map<string, Set<string>>();
  private hostSource = new Map<string, string>();
  private order = new Map<string, number>();
  /** Hosts added by add_host, in the order they were added. */
  private readonly dynamicHosts = new Set<string>();
  /** Direct members per group, for O(1) duplicate checks. */
  private members = new Map<string, Set<string>>();
  private depthCache?: Map<string, number>;
  private groupsDict?: Record<string, string[]>;

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
  }

  addGroup(name: string): InventoryGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], vars: {} };
      this.groups.set(name, g);
      this.parents.set(name, new Set());
      this.invalidate();
    }
    return g;
  }

  /** Add (or find) a host, optionally as a direct member of `group`. */
  addHost(name: string, group?: string, source?: string): InventoryHost {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {}, groups: [] };
      this.hosts.set(name, h);
      this.order.set(name, this.order.size);
      if (source) this.hostSource.set(name, source);
      this.invalidate();
    }
    if (group && group !== 'all') {
      const g = this.addGroup(group);
      let members = this.members.get(group);
      if (!members) this.members.set(group, (members = new Set(g.hosts)));
      if (!members.has(name)) {
        members.add(name);
        g.hosts.push(name);
        this.invalidate();
      }
    }
    return h;
  }

  /** Make `child` a child group of `parent`. Returns an error message for a cycle, else undefined. */
  addChild(parent: string, child: string): string | undefined {
    if (child === 'all') return `group "all" cannot be a child of "${parent}"`;
    if (parent === child || this.isAncestor(child, parent))
      return `adding group "${child}" as a child of "${parent}" creates a dependency loop`;
    const p = this.addGroup(parent);
    this.addGroup(child);
    if (!p.children.includes(child)) p.children.push(child);
    if (parent !== 'all') this.parents.get(child)!.add(parent);
    this.invalidate();
    return undefined;
  }

  /** Is `a` an ancestor of `b`? */
  private isAncestor(a: string, b: string): boolean {
    const seen = new Set<string>();
    const stack = [...(this.parents.get(b) ?? [])];
    while (stack.length) {
      const g = stack.pop()!;
      if (g === a) return true;
      if (seen.has(g)) continue;
      seen.add(g);
      stack.push(...(this.parents.get(g) ?? []));
    }
    return false;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  setHostVars(host: string, vars: Vars, layer: VarsLayer = 'inline'): void {
    const m = this.hostVarLayers[layer];
    m.set(host, { ...(m.get(host) ?? {}), ...vars });
  }

  setGroupVars(group: string, vars: Vars, layer: VarsLayer = 'inline'): void {
    this.addGroup(group);
    const own = { ...vars };
    if ('ansible_group_priority' in own && layer === 'inline') {
      const p = Number(own.ansible_group_priority);
      if (Number.isFinite(p)) this.priority.set(group, p);
      delete own.ansible_group_priority;
    }
    const m = this.groupVarLayers[layer];
    m.set(group, { ...(m.get(group) ?? {}), ...own });
    this.invalidate();
  }

  private invalidate(): void {
    this.depthCache = undefined;
    this.groupsDict = undefined;
  }

  /** Distance from `all`: top-level groups are 1, their children 2, ... (the longest path counts). */
  depth(group: string): number {
    if (group === 'all') return 0;
    if (!this.depthCache) this.depthCache = new Map();
    const cached = this.depthCache.get(group);
    if (cached !== undefined) return cached;
    let d = 1;
    for (const p of this.parents.get(group) ?? []) d = Math.max(d, this.depth(p) + 1);
    this.depthCache.set(group, d);
    return d;
  }

  /** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
  sortGroups(names: string[]): string[] {
    const key = (g: string) => [this.depth(g), this.priority.get(g) ?? 1] as const;
    return [...names].sort((a, b) => {
      const [da, pa] = key(a);
      const [db, pb] = key(b);
      return da - db || pa - pb || (a < b ? -1 : a > b ? 1 : 0);
    });
  }

  /** Hosts of a group including its descendants', in inventory order. `all` is every (non-implicit) host. */
  groupHosts(name: string): string[] {
    if (name === 'all') {
      const all = [...this.hosts.keys()].filter((h) => !this.implicitHosts.has(h));
      return this.dynamicHosts.size ? this.inOrder(all) : all;
    }
    const out = new Set<string>();
    const seen = new Set<string>();
    const walk = (g: string) => {
      if (seen.has(g)) return;
      seen.add(g);
      const grp = this.groups.get(g);
      if (!grp) return;
      for (const h of grp.hosts) out.add(h);
      for (const c of grp.children) walk(c);
    };
    walk(name);
    return this.inOrder([...out]);
  }

  inOrder(names: Iterable<string>): string[] {
    return [...names].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }

  /** Compute `ungrouped`, `all`'s children, each host's group list and the flattened var views. */
  finalize(): this {
    const all = this.groups.get('all')!;
    const ungrouped = this.groups.get('ungrouped')!;
    // `all`'s children are exactly the groups without another parent (a YAML `all: children:` entry
    // that is also nested elsewhere shows only where it is nested)
    all.children = [...this.parents].filter(([n, ps]) => n !== 'all' && ps.size === 0).map(([n]) => n);
    const memberOf = new Map<string, Set<string>>();
    for (const g of this.groups.values()) {
      for (const h of g.hosts) {
        if (!memberOf.has(h)) memberOf.set(h, new Set());
        memberOf.get(h)!.add(g.name);
      }
    }
    ungrouped.hosts = [];
    for (const name of this.hosts.keys()) {
      if (this.implicitHosts.has(name)) continue;
      const direct = [...(memberOf.get(name) ?? [])].filter((g) => g !== 'ungrouped');
      if (direct.length === 0) ungrouped.hosts.push(name);
    }
    const isUngrouped = new Set(ungrouped.hosts);
    this.members.set('ungrouped', new Set(ungrouped.hosts));
    for (const [name, h] of this.hosts) {
      const direct = isUngrouped.has(name) ? ['ungrouped'] : [];
      for (const g of memberOf.get(name) ?? []) if (g !== 'ungrouped') direct.push(g);
      const closure = new Set<string>(this.implicitHosts.has(name) ? [] : ['all']);
      const stack = [...direct];
      while (stack.length) {
        const g = stack.pop()!;
        if (closure.has(g)) continue;
        closure.add(g);
        stack.push(...(this.parents.get(g) ?? []));
      }
      h.groups = this.sortGroups([...closure]);
      h.vars = {};
      for (const l of LAYERS) Object.assign(h.vars, this.hostVarLayers[l].get(name));
    }
    all.hosts = this.groupHosts('all');
    for (const g of this.groups.values()) {
      g.vars = {};
      for (const l of LAYERS) Object.assign(g.vars, this.groupVarLayers[l].get(g.name));
    }
    this.invalidate();
    return this;
  }

  /** The `groups` magic variable: every group → its hosts (descendants included). */
  groupsMap(): Record<string, string[]> {
    if (!this.groupsDict) {
      const d: Record<string, string[]> = {};
      for (const name of this.groups.keys()) d[name] = this.groupHosts(name);
      this.groupsDict = d;
    }
    return this.groupsDict;
  }

  /** Inventory variables only (no magic variables): what `remediate inventory --host` prints. */
  inventoryVars(host: string): Vars {
    const h = this.hosts.get(host);
    if (!h) return {};
    const groups = h.groups.filter((g) => g !== 'all');
    const out: Vars = {};
    const groupLayer = (layer: VarsLayer, names: string[]) => {
      for (const g of names) Object.assign(out, this.groupVarLayers[layer].get(g));
    };
    // Ansible's VARIABLE_PRECEDENCE: all_inventory, groups_inventory, all_plugins_inventory,
    // all_plugins_play, groups_plugins_inventory, groups_plugins_play; then the host's own.
    // The implicit localhost is in no group but still gets `all`'s variables, as in Ansible.
    groupLayer('inline', ['all']);
    groupLayer('inline', groups);
    groupLayer('inventory-dir', ['all']);
    groupLayer('playbook-dir', ['all']);
    groupLayer('inventory-dir', groups);
    groupLayer('playbook-dir', groups);
    for (const l of LAYERS) Object.assign(out, this.hostVarLayers[l].get(host));
    for (const k of MAGIC) delete out[k];
    return out;
  }

  hostVars(host: string): Vars {
    const h = this.hosts.get(host);
    if (!h) return {};
    const out = this.inventoryVars(host);
    const source = this.hostSource.get(host);
    out.inventory_hostname = host;
    out.inventory_hostname_short = host.split('.')[0];
    // Ansible lists `ungrouped` too (an ungrouped host's group_names is ['ungrouped'])
    out.group_names = h.groups.filter((g) => g !== 'all').sort();
    out.groups = this.groupsMap();
    out.inventory_file = source ?? null;
    out.inventory_dir = source ? source.replace(/\/[^/]*$/, '') || '/' : null;
    return out;
  }

  dynamicHostChanges(name: string, groups: string[], vars: Vars): boolean {
    if (!this.hosts.has(name)) return true;
    const own = this.hostVarLayers.inline.get(name) ?? {};
    if (Object.entries(vars).some(([k, v]) => !(k in own) || !sameValue(own[k], v))) return true;
    return groups.some((g) => !this.groups.get(g)?.hosts.includes(name));
  }

  addDynamicHost(name: string, groups: string[], vars: Vars): boolean {
    const changed = this.dynamicHostChanges(name, groups, vars);
    if (!changed) return false;
    // an implicit localhost named by add_host becomes a real inventory host
    this.implicitHosts.delete(name);
    const added = !this.hosts.has(name);
    this.addHost(name);
    if (added) {
      // add_host puts the host into `all` itself, whose own hosts Ansible lists before its groups' hosts:
      // the added hosts come first, in the order they were added
      this.dynamicHosts.add(name);
      this.order.set(name, -1e9 + this.dynamicHosts.size);
    }
    if (Object.keys(vars).length) this.setHostVars(name, vars);
    for (const g of groups) this.addHost(name, g);
    this.finalize();
    return true;
  }

  /** Throws an Error for a parent that would make a loop (the group is its own ancestor). */
  dynamicGroupChanges(host: string, group: string, parents: string[]): boolean {
    for (const p of parents)
      if (p !== 'all' && (p === group || this.isAncestor(group, p)))
        throw new Error(`adding group "${group}" as a child of "${p}" creates a dependency loop`);
    if (!this.groups.has(group)) return true;
    if (parents.some((p) => p !== 'all' && !this.parents.get(group)?.has(p))) return true;
    return !this.groups.get(group)!.hosts.includes(host);
  }

  addDynamicGroup(host: string, group: string, parents: string[]): boolean {
    const changed = this.dynamicGroupChanges(host, group, parents);
    if (!changed) return false;
    this.addGroup(group);
    for (const p of parents) {
      if (p === 'all') continue;
      const err = this.addChild(p, group);
      if (err) throw new Error(err);
    }
    if (this.hosts.has(host)) this.addHost(host, group);
    this.finalize();
    return true;
  }

  /** Create the implicit localhost (ansible_connection=local) for a `localhost` pattern. */
  implicitLocalhost(name: string): string {
    if (!this.hosts.has(name)) {
      this.implicitHosts.add(name);
      this.addHost(name);
      this.setHostVars(name, { ansible_connection: 'local' });
      this.finalize();
    }
    return name;
  }

  select(pattern: string): string[] {
    return selectHosts(this, pattern);
  }
}
