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

/** Mark the handlers a changed task notifies; warn about names no handler answers to. */
export function notify(wave: WaveRun, hr: HostRun, task: ModuleTask, vars: Vars): void {
  const handlers = wave.play.handlers;
  for (const raw of task.notify ?? []) {
    let name = raw;
    try {
      name = String(wave.shared.templar.render(raw, vars));
    } catch {
      // keep the name as written
    }
    // a handler is notified by its name or a listen topic, either possibly templated ("restart {{ svc }}"):
    // rendered with the notifying task's variables; the handler is remembered by the topic as written
    let known = false;
    for (const h of handlers) {
      for (const topic of h.listen ? [h.name, ...h.listen] : [h.name]) {
        if (topic === undefined) continue;
        if (topic === name || (Templar.isTemplated(topic) && renderedTopic(wave, topic, vars) === name)) {
          hr.state.notified.add(topic);
          known = true;
        }
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
