/**
 * Variable precedence, lowest first (the sources we support):
 * role defaults < inventory group vars < inventory host vars < gathered facts < play vars < play vars_files
 * < role vars < block vars < task vars < include params < include_vars < set_fact / registered vars
 * < role parameters
 * < extra vars; then magic variables and the loop variable(s).
 */
import type { Inventory, Vars } from '../inventory/types';
import type { Play, RoleScope } from '../playbook/types';
import type { HostState } from './host-state';
import { inheritKeywords } from '../playbook/inherited';
import type { InheritedKeywords } from './play-context';
import { PlaybookError } from '../errors';
import { Templar, UNRESOLVED } from '../template/index';
import type { TemplarLike } from './types';

export interface PlayScope {
  inventory: Inventory;
  hosts: Map<string, HostState>;
  playVars: Vars;
  varsFilesVars: Vars;
  /** The play's `roles:` defaults (lowest) and vars (above vars_files), visible play-wide as in Ansible. */
  roleDefaults?: Vars;
  roleVars?: Vars;
  /** The play's `connection:` keyword: ansible_connection when no variable sets it. */
  connection?: string;
  extraVars: Vars;
  /** Magic vars shared by every host of the play (play_hosts, playbook_dir, ...). */
  magic: Vars;
  /** Renders templated variable values (`dir: "{{ base }}/x"`) before a task sees them. */
  templar?: TemplarLike;
}

/** Vars attached to a task by where it sits: enclosing blocks, and enclosing include_tasks. */
export interface TaskScope {
  blockVars: Vars[];
  includeVars: Vars[];
  /** The loop variables of enclosing include_tasks loops (also in includeVars): rendered values. */
  includeLoopVars?: Vars[];
  /** Tags inherited from enclosing blocks/includes/play. */
  tags: string[];
  /** Conditions inherited from enclosing blocks. */
  when: import('../playbook/types').Condition[];
  /** Inside a block that has a rescue section (a failure there is not final). */
  rescuable: number;
  /** Keywords passed down from the play, blocks and includes. */
  inherited: InheritedKeywords;
  /** Enclosing roles' defaults (outermost first: the innermost role wins) and parameters. */
  roleDefaults?: Vars[];
  roleParams?: Vars[];
  /** The role the task belongs to (its templates/ and files/ are searched first). */
  role?: RoleScope;
}

/** The scope inside a role: its defaults lowest, its vars (and role_name, role_path) as block vars. */
export function enterRole(scope: TaskScope, role: RoleScope): TaskScope {
  return {
    ...scope,
    role,
    roleDefaults: [...(scope.roleDefaults ?? []), role.defaults],
    roleParams: [...(scope.roleParams ?? []), role.params],
    blockVars: [...scope.blockVars, { ...role.vars, role_name: role.name, role_path: role.path }],
  };
}

export function rootScope(play: Play): TaskScope {
  // the play's become, environment, check_mode, ...: the same merge as a block's over the play's
  const inherited: InheritedKeywords = inheritKeywords({}, play);
  return { blockVars: [], includeVars: [], tags: play.tags, when: [], rescuable: 0, inherited };
}

export function hostVarsOf(play: PlayScope, host: HostState): Vars {
  const inv = play.templar
    ? resolveTemplatedVars(Object.assign({}, host.inventoryVars), play.templar)
    : host.inventoryVars;
  return Object.assign({}, inv, host.facts, host.includedVars, host.dynamicVars);
}

/** `hostvars`: every host of the inventory, computed on access. */
export function makeHostvars(play: PlayScope): Vars {
  const out: Vars = {};
  for (const name of play.inventory.hosts.keys()) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        const h = play.hosts.get(name);
        return h ? hostVarsOf(play, h) : play.inventory.hostVars(name);
      },
    });
  }
  return out;
}

/**
 * A variable whose templated value could not be rendered (undefined reference, cycle). Using it in a
 * template raises the original error, so the failure surfaces where the variable is used, as in Ansible.
 */
export class UnresolvedVar {
  constructor(
    readonly name: string,
    readonly error: Error,
  ) {}
  /** The templar raises this error wherever the value is used, and treats it as undefined for `default()`/`is defined`. */
  get [UNRESOLVED](): Error {
    return this.error;
  }
  toString(): string {
    throw this.error;
  }
  toJSON(): string {
    return `<unresolved: ${this.error.message}>`;
  }
}

function hasTemplate(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%');
  if (depth > 8 || v === null || typeof v !== 'object' || v instanceof UnresolvedVar) return false;
  if (Array.isArray(v)) return v.some((x) => hasTemplate(x, depth + 1));
  return Object.values(v as Vars).some((x) => hasTemplate(x, depth + 1));
}

/**
 * Render variables whose values are templates (`dir: "{{ base }}/pki"`) against the other variables. Each
 * is rendered once, after the ones it refers to (resolved on demand, memoized), and its result is never
 * rendered again (so `!unsafe` text and `{% raw %}` stay literal). Values that cannot be rendered become
 * `UnresolvedVar` and fail loudly where they are used. Keys in `skip` are left as they are. Mutates `v`.
 */
export function resolveTemplatedVars(
  v: Vars,
  templar: TemplarLike,
  skip: ReadonlySet<string> = MAGIC_KEYS,
): Vars {
  const keys = Object.keys(v).filter((k) => !skip.has(k) && hasTemplate(v[k]));
  if (keys.length === 0) return v;
  const raw = new Map(keys.map((k) => [k, v[k]]));
  const done = new Map<string, unknown>();
  const busy = new Set<string>();
  const view: Vars = Object.assign({}, v);
  const resolve = (k: string): unknown => {
    if (done.has(k)) return done.get(k);
    // asked for while being rendered: a reference cycle, or the template engine copying its context
    if (busy.has(k)) return raw.get(k);
    busy.add(k);
    let out: unknown;
    try {
      out = templar.render(raw.get(k), view);
    } catch (e) {
      out = new UnresolvedVar(k, e instanceof Error ? e : new Error(String(e)));
    }
    busy.delete(k);
    done.set(k, out);
    return out;
  };
  for (const k of keys)
    Object.defineProperty(view, k, { enumerable: true, configurable: true, get: () => resolve(k) });
  for (const k of keys) v[k] = resolve(k);
  return v;
}

const MAGIC_KEYS: ReadonlySet<string> = new Set([
  'hostvars',
  'groups',
  'group_names',
  'play_hosts',
  'ansible_play_hosts',
  'ansible_play_batch',
  'ansible_play_hosts_all',
  'ansible_facts',
]);

export function taskVars(
  play: PlayScope,
  host: HostState,
  scope: TaskScope,
  task: Vars | undefined,
  extra: Vars = {},
): Vars {
  // Object.assign, not spreads: spreading differently shaped objects into a literal is ~7x slower in V8
  // remote_user is below every ansible_user variable (and above -u / ssh_config User), as in Ansible
  const v: Vars = Object.assign(
    scope.inherited.remoteUser !== undefined ? { ansible_user: scope.inherited.remoteUser } : {},
    // the play's connection keyword is below every ansible_connection variable, inventory ones too
    play.connection !== undefined ? { ansible_connection: play.connection } : {},
    play.roleDefaults,
  );
  for (const d of scope.roleDefaults ?? []) Object.assign(v, d);
  Object.assign(v, host.inventoryVars, host.facts, play.playVars, play.varsFilesVars, play.roleVars);
  for (const b of scope.blockVars) Object.assign(v, b);
  if (task) Object.assign(v, task);
  for (const i of scope.includeVars) Object.assign(v, i);
  Object.assign(v, host.includedVars, host.dynamicVars);
  for (const r of scope.roleParams ?? []) Object.assign(v, r);
  Object.assign(v, play.extraVars, play.magic);
  v['inventory_hostname'] = host.name;
  v['inventory_hostname_short'] = host.name.split('.')[0];
  if (!('group_names' in v))
    v['group_names'] = play.inventory.hosts.get(host.name)?.groups.filter((g) => g !== 'all') ?? [];
  Object.assign(v, extra);
  if (!play.templar) return v;
  // facts, set_fact and registered values are results, never templates: only source layers are rendered
  const skip = new Set(MAGIC_KEYS);
  for (const layer of [host.facts, host.dynamicVars, play.magic])
    for (const k of Object.keys(layer)) if (v[k] === layer[k]) skip.add(k);
  // loop variables (item, index_var, ansible_loop) hold rendered values: `{% raw %}` output stays literal
  for (const k in extra) skip.add(k);
  for (const layer of scope.includeLoopVars ?? []) for (const k in layer) if (v[k] === layer[k]) skip.add(k);
  return resolveTemplatedVars(v, play.templar, skip);
}

/** `groups`: group name → host names (plus `all` and `ungrouped` as Ansible has them). */
export function groupsMap(inventory: Inventory): Record<string, string[]> {
  let all = [...inventory.hosts.keys()];
  try {
    // as Ansible's: add_host's hosts first, then every other host in inventory order; never the implicit
    // localhost (a `localhost` play or delegate_facts creates it; it is in no group, not even all)
    all = inventory.select('all');
  } catch {
    // keep inventory order
  }
  const out: Record<string, string[]> = { all };
  for (const g of inventory.groups.keys()) {
    if (g === 'all') continue;
    try {
      out[g] = inventory.select(g);
    } catch {
      out[g] = [];
    }
  }
  if (!out['ungrouped']) out['ungrouped'] = [];
  return out;
}

/**
 * A play's host pattern; a templated one (`hosts: "{{ target }}"`) is rendered with the play vars and the
 * extra vars (a list becomes `a:b`). An undefined variable there is a PlaybookError located at the play.
 */
export function renderHostPattern(templar: TemplarLike, play: Play, extraVars: Vars): string {
  if (!Templar.isTemplated(play.hosts)) return play.hosts;
  let v: unknown;
  try {
    v = templar.render(play.hosts, { ...play.vars, ...extraVars });
  } catch (e) {
    throw new PlaybookError(`hosts "${play.hosts}": ${(e as Error).message}`, play.loc, {
      hint: 'a templated hosts: pattern is rendered with the play vars and -e extra vars only',
    });
  }
  return Array.isArray(v) ? v.map(String).join(':') : String(v);
}
