/** What a finished task leaves on its host: gathered or set facts, the registered result, notified handlers. */
import { formatLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { ModuleTask } from '../playbook/types';
import { Templar } from '../template/index';
import type { AddHost } from '../modules/add_host';
import { factVars } from './gather-facts';
import type { HostState } from './host-state';
import type { HostRun, WaveRun } from './play-context';
import { trackSecretVars } from './secret-tracking';
import type { TaskRun } from './task-run';
import { groupsMap, makeHostvars } from './variables';

/** `ansible_facts` in a result: set_fact's become host variables, other modules' become facts. */
export function applyFacts(task: ModuleTask, host: HostState, result: Record<string, unknown>): void {
  const facts = result['ansible_facts'];
  if (!facts || typeof facts !== 'object' || result['failed'] === true) return;
  if (task.module === 'set_fact' || task.module.endsWith('.set_fact')) Object.assign(host.dynamicVars, facts);
  else if (task.module === 'include_vars' || task.module.endsWith('.include_vars'))
    Object.assign(host.includedVars, facts);
  else if (task.module === 'setup' || task.module.endsWith('.setup') || task.module.endsWith('gather_facts'))
    Object.assign(
      host.facts,
      factVars(facts as Vars, (host.facts['ansible_facts'] as Vars | undefined) ?? {}),
    );
  else {
    const current = (host.facts['ansible_facts'] as Vars | undefined) ?? {};
    host.facts['ansible_facts'] = { ...current, ...(facts as Vars) };
    Object.assign(host.facts, facts);
  }
}

/**
 * add_host's `add_host` and group_by's `add_group` change the run's in-memory inventory (also in --check, as
 * in Ansible): later plays' patterns see the hosts and groups, and every host's `groups`, `group_names`
 * and `hostvars` are refreshed at once.
 */
export function applyInventory(run: TaskRun, result: Record<string, unknown>): void {
  if (result['failed'] === true) return;
  const { shared } = run;
  const inv = shared.inventory;
  let changed = false;
  const add = result['add_host'] as AddHost | undefined;
  if (add && typeof add === 'object' && inv.addDynamicHost) {
    // an added host's password variables are secrets from now on, as an inventory's are
    trackSecretVars(shared.opts.secrets, add.host_vars);
    changed = inv.addDynamicHost(add.host_name, add.groups, add.host_vars);
  }
  const group = result['add_group'];
  try {
    if (typeof group === 'string' && inv.addDynamicGroup)
      changed = inv.addDynamicGroup(
        run.hr.state.name,
        group,
        (result['parent_groups'] as string[]) ?? ['all'],
      );
  } catch {
    // a loop: the module's plan refused it already (it plans from the same inventory)
  }
  if (!changed) return;
  for (const [name, h] of shared.hosts) if (inv.hosts.has(name)) h.inventoryVars = inv.hostVars(name);
  const scope = run.wave.scope;
  scope.magic['groups'] = groupsMap(inv);
  scope.magic['hostvars'] = makeHostvars(scope);
}

/** set_stats' `ansible_stats`: custom statistics kept for the recap (Ansible's set_custom/update_custom_stats). */
export function applyStats(run: TaskRun, result: Record<string, unknown>): void {
  const st = result['ansible_stats'] as { data?: Vars; per_host?: boolean; aggregate?: boolean } | undefined;
  if (!st || typeof st !== 'object' || result['failed'] === true || !st.data) return;
  const stats = (run.shared.customStats ??= {});
  const hosts = st.per_host ? (run.kw.runOnce ? [...run.wave.waveHosts] : [run.hr.state.name]) : ['_run'];
  for (const h of hosts) {
    const mine = (stats[h] ??= {});
    for (const [k, v] of Object.entries(st.data)) {
      if (st.aggregate === false || !(k in mine)) mine[k] = v;
      else mine[k] = aggregateStat(mine[k], v);
    }
  }
}

/** Ansible's update_custom_stats: same-type values add up (dicts merge); a type mismatch keeps the old. */
function aggregateStat(old: unknown, v: unknown): unknown {
  const kind = (x: unknown) => (Array.isArray(x) ? 'list' : x === null ? 'null' : typeof x);
  if (kind(old) !== kind(v)) return old;
  if (Array.isArray(old)) return [...old, ...(v as unknown[])];
  if (typeof old === 'number' || typeof old === 'string') return (old as number) + (v as number);
  if (old && typeof old === 'object') return mergeHash(old as Vars, v as Vars);
  return v;
}

function mergeHash(a: Vars, b: Vars): Vars {
  const out: Vars = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const o = out[k];
    out[k] =
      o && v && typeof o === 'object' && typeof v === 'object' && !Array.isArray(o) && !Array.isArray(v)
        ? mergeHash(o as Vars, v as Vars)
        : v;
  }
  return out;
}

export function register(task: ModuleTask, hr: HostRun, result: Record<string, unknown>): void {
  if (task.register) hr.state.dynamicVars[task.register] = result;
}

const handlerKeys = new WeakMap<ModuleTask, string>();
let nextHandlerKey = 0;

/** A handler's identity in a host's `notified` set (two handlers may share a name). */
export function handlerKey(h: ModuleTask): string {
  let k = handlerKeys.get(h);
  if (k === undefined) handlerKeys.set(h, (k = `handler#${nextHandlerKey++}`));
  return k;
}

/**
 * The handlers the play knows now, in the order Ansible runs them: those loaded with the play, then each
 * include_role's in the order the includes ran.
 */
export function knownHandlers(wave: WaveRun): ModuleTask[] {
  const all = wave.play.handlers;
  if (wave.includedHandlers.size === 0) return all.filter((h) => h.includedBy === undefined);
  const out = new Set(all.filter((h) => h.includedBy === undefined));
  for (const id of wave.includedHandlers) for (const h of all) if (h.includedBy?.includes(id)) out.add(h);
  return [...out];
}

/**
 * Mark the handlers a changed task notifies; warn about names no handler answers to. As in Ansible, a
 * notify binds when it is sent, to the handlers the play knows then (an include_role's once it has run,
 * for any host): by name, one handler — searching the handler files (the play's `handlers:`, each role's)
 * from the last loaded back, and within one file the first of that name (also as `role : name`); by
 * topic, every listener.
 */
export function notify(wave: WaveRun, hr: HostRun, task: ModuleTask, vars: Vars): void {
  const handlers = knownHandlers(wave);
  // handler files: runs of handlers from the same role use (or the play's own section)
  const groups: ModuleTask[][] = [];
  for (const h of handlers) {
    const last = groups[groups.length - 1];
    if (last && last[0].role === h.role) last.push(h);
    else groups.push([h]);
  }
  for (const raw of task.notify ?? []) {
    let name = raw;
    try {
      name = String(wave.shared.templar.render(raw, vars));
    } catch {
      // keep the name as written
    }
    // a handler name or listen topic may be templated ("restart {{ svc }}"): rendered with the notifying
    // task's variables
    const matches = (topic: string | undefined): boolean =>
      topic !== undefined &&
      (topic === name || (Templar.isTemplated(topic) && renderedTopic(wave, topic, vars) === name));
    let known = false;
    for (let g = groups.length - 1; g >= 0 && !known; g--) {
      for (const h of groups[g]) {
        const qualified = h.role && h.name !== undefined ? `${h.role.name} : ${h.name}` : undefined;
        if (matches(h.name) || matches(qualified)) {
          hr.state.notified.add(handlerKey(h));
          known = true;
          break;
        }
      }
    }
    for (const h of handlers) {
      const qualified = h.role && h.name !== undefined ? `${h.role.name} : ${h.name}` : undefined;
      if ((h.listen ?? []).some((t) => t !== qualified && matches(t))) {
        hr.state.notified.add(handlerKey(h));
        known = true;
      }
    }
    if (!known) {
      wave.shared.emit({
        kind: 'warning',
        time: wave.shared.now(),
        host: hr.state.name,
        msg: `${formatLoc(task.loc)}: the handler '${name}' is not defined in this play`,
      });
    }
  }
}

function renderedTopic(wave: WaveRun, topic: string, vars: Vars): string | undefined {
  try {
    return String(wave.shared.templar.render(topic, vars));
  } catch {
    return undefined; // a handler name that cannot be rendered here matches nothing
  }
}
