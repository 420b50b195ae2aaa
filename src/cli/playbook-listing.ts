/**
 * What `run --list-hosts`, `run --list-tasks` and `validate` need from a loaded playbook without
 * running it: every task in order, the hosts of each play, and references (notify → handlers).
 */
import { formatLoc, PlaybookError } from '../errors';
import type { Inventory, Vars } from '../inventory/types';
import type { ModuleTask, Play, Playbook, Task } from '../playbook/types';
import { Templar } from '../template';

/** Tasks of a play (pre_tasks, tasks, post_tasks), blocks flattened, in order. */
export function* playTasks(play: Play): Generator<Task> {
  function* walk(tasks: Task[]): Generator<Task> {
    for (const t of tasks) {
      yield t;
      if (t.type === 'block') {
        yield* walk(t.block);
        yield* walk(t.rescue);
        yield* walk(t.always);
      }
    }
  }
  yield* walk(play.preTasks);
  yield* walk(play.tasks);
  yield* walk(play.postTasks);
}

export function taskLabel(t: Task): string {
  if (t.name) return t.name;
  if (t.type === 'module') return t.module;
  if (t.type === 'include') return `include_tasks: ${t.file}`;
  return 'block';
}

/** The play's host pattern, rendered with the extra vars when it is templated. */
export function playPattern(play: Play, extraVars: Vars): string {
  if (!Templar.isTemplated(play.hosts)) return play.hosts;
  return new Templar().renderString(play.hosts, { ...play.vars, ...extraVars });
}

/** Hosts a play would run on: its pattern, intersected with `--limit`. */
export function playHosts(inv: Inventory, play: Play, extraVars: Vars, limit?: string): string[] {
  const hosts = inv.select(playPattern(play, extraVars));
  if (!limit) return hosts;
  const allowed = new Set(inv.select(limit));
  return hosts.filter((h) => allowed.has(h));
}

/** Reference checks the schema cannot do: every `notify` names a handler (by name or `listen`). */
export function checkReferences(pb: Playbook): PlaybookError[] {
  const errors: PlaybookError[] = [];
  for (const play of pb.plays) {
    const topics = new Set<string>();
    for (const h of play.handlers) {
      if (h.name) topics.add(h.name);
      for (const l of h.listen ?? []) topics.add(l);
    }
    const tasks: ModuleTask[] = [];
    for (const t of playTasks(play)) if (t.type === 'module') tasks.push(t);
    tasks.push(...play.handlers);
    for (const t of tasks) {
      for (const n of t.notify ?? []) {
        if (!topics.has(n) && !Templar.isTemplated(n))
          errors.push(
            new PlaybookError(`notify "${n}" matches no handler of play "${play.name}"`, t.loc, {
              hint: topics.size
                ? `handlers: ${[...topics].map((x) => `"${x}"`).join(', ')}`
                : 'add a handlers: section with a handler of that name (or listen: topic)',
            }),
          );
      }
    }
  }
  return errors;
}

/** `--list-tasks` text, like ansible-playbook's. */
export function listTasks(pb: Playbook, extraVars: Vars): string {
  const lines = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    lines.push(
      `  play #${i + 1} (${playPattern(play, extraVars)}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`,
    );
    lines.push('    tasks:');
    for (const t of playTasks(play)) {
      if (t.type === 'block' && !t.name) continue;
      lines.push(`      ${taskLabel(t)}\tTAGS: [${t.tags.join(', ')}]\t${formatLoc(t.loc)}`);
    }
    lines.push('');
  });
  return lines.join('\n');
}

/** `--list-hosts` text, like ansible-playbook's. */
export function listHosts(pb: Playbook, inv: Inventory, extraVars: Vars, limit?: string): string {
  const lines = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    const hosts = playHosts(inv, play, extraVars, limit);
    lines.push(
      `  play #${i + 1} (${playPattern(play, extraVars)}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`,
    );
    lines.push(`    pattern: ['${playPattern(play, extraVars)}']`);
    lines.push(`    hosts (${hosts.length}):`);
    for (const h of hosts) lines.push(`      ${h}`);
    lines.push('');
  });
  return lines.join('\n');
}
