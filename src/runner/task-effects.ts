/** What a finished task leaves on its host: gathered or set facts, the registered result, notified handlers. */
import { formatLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { ModuleTask } from '../playbook/types';
import { Templar } from '../template/index';
import type { HostRun, WaveRun } from './play-context';

/** `ansible_facts` in a result: set_fact's become host variables, other modules' become facts. */
export function applyFacts(task: ModuleTask, hr: HostRun, result: Record<string, unknown>): void {
  const facts = result['ansible_facts'];
  if (!facts || typeof facts !== 'object' || result['failed'] === true) return;
  if (task.module === 'set_fact' || task.module.endsWith('.set_fact'))
    Object.assign(hr.state.dynamicVars, facts);
  else if (task.module === 'include_vars' || task.module.endsWith('.include_vars'))
    Object.assign(hr.state.includedVars, facts);
  else {
    const current = (hr.state.facts['ansible_facts'] as Vars | undefined) ?? {};
    hr.state.facts['ansible_facts'] = { ...current, ...(facts as Vars) };
    Object.assign(hr.state.facts, facts);
  }
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
