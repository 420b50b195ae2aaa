/**
 * Variable precedence, lowest first (the sources we support):
 * inventory group vars < inventory host vars < gathered facts < play vars < play vars_files < block vars
 * < task vars < include vars < set_fact / registered vars < extra vars; then magic variables and the
 * loop variable(s).
 */
import type { Inventory, Vars } from '../inventory/types';
import type { Play } from '../playbook/types';
import type { HostState } from './host-state';
import type { InheritedKeywords } from './play-context';
import type { TemplarLike } from './types';

export interface PlayScope {
  inventory: Inventory;
  hosts: Map<string, HostState>;
  playVars: Vars;
  varsFilesVars: Vars;
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
  /** Tags inherited from enclosing blocks/includes/play. */
  tags: string[];
  /** Conditions inherited from enclosing blocks. */
  when: import('../playbook/types').Condition[];
  /** Inside a block that has a rescue section (a failure there is not final). */
  rescuable: number;
  /** Keywords passed down from the play, blocks and includes. */
  inherited: InheritedKeywords;
}

export function rootScope(play: Play): TaskScope {
  const inherited: InheritedKeywords = {};
  if (play.become !== undefined) inherited.become = play.become;
  if (play.becomeUser !== undefined) inherited.becomeUser = play.becomeUser;
  if (play.becomeMethod !== undefined) inherited.becomeMethod = play.becomeMethod;
  if (play.environment !== undefined) inherited.environment = play.environment;
  if (play.checkMode !== undefined) inherited.checkMode = play.checkMode;
  if (play.ignoreUnreachable !== undefined) inherited.ignoreUnreachable = play.ignoreUnreachable;
  return { blockVars: [], includeVars: [], tags: play.tags, when: [], rescuable: 0, inherited };
}

export function hostVarsOf(play: PlayScope, host: HostState): Vars {
  const v = Object.assign({}, host.inventoryVars, host.facts, host.dynamicVars);
  return play.templar ? resolveTemplatedVars(v, play.templar) : v;
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
 * Render variables whose values are templates (`dir: "{{ base }}/pki"`) against the other variables, in
 * passes until nothing changes, so a variable may refer to any other. Values that cannot be rendered become
 * `UnresolvedVar` and fail loudly where they are used. Mutates and returns `v`.
 */
export function resolveTemplatedVars(
  v: Vars,
  templar: TemplarLike,
  skip: ReadonlySet<string> = MAGIC_KEYS,
): Vars {
  let pending = Object.keys(v).filter((k) => !skip.has(k) && hasTemplate(v[k]));
  const errors = new Map<string, Error>();
  for (let pass = 0; pass < 6 && pending.length; pass++) {
    const next: string[] = [];
    for (const k of pending) {
      try {
        const r = templar.render(v[k], v);
        v[k] = r;
        errors.delete(k);
        if (hasTemplate(r)) next.push(k);
      } catch (e) {
        errors.set(k, e instanceof Error ? e : new Error(String(e)));
        next.push(k);
      }
    }
    if (next.length === pending.length && next.every((k) => errors.has(k))) {
      pending = next;
      break;
    }
    pending = next;
  }
  for (const k of pending) {
    const err = errors.get(k);
    if (err) v[k] = new UnresolvedVar(k, err);
  }
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
  const v: Vars = Object.assign({}, host.inventoryVars, host.facts, play.playVars, play.varsFilesVars);
  for (const b of scope.blockVars) Object.assign(v, b);
  if (task) Object.assign(v, task);
  for (const i of scope.includeVars) Object.assign(v, i);
  Object.assign(v, host.dynamicVars, play.extraVars, play.magic);
  v['inventory_hostname'] = host.name;
  v['inventory_hostname_short'] = host.name.split('.')[0];
  if (!('group_names' in v))
    v['group_names'] = play.inventory.hosts.get(host.name)?.groups.filter((g) => g !== 'all') ?? [];
  Object.assign(v, extra);
  return play.templar ? resolveTemplatedVars(v, play.templar) : v;
}

/** `groups`: group name → host names (plus `all` and `ungrouped` as Ansible has them). */
export function groupsMap(inventory: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = { all: [...inventory.hosts.keys()] };
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
