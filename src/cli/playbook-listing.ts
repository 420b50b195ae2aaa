/**
 * What `run --list-hosts`, `run --list-tasks` and `validate` need from a loaded playbook without
 * running it: every task in order, the hosts of each play, and the include_tasks files (loaded, notify → handlers).
 */
import * as path from 'node:path';
import { formatLoc, PlaybookError } from '../errors';
import type { Inventory, Vars } from '../inventory/types';
import { didYouMean } from '../suggest';
import type { Play, Playbook, Task } from '../playbook/types';
import { renderHostPattern } from '../runner/variables';
import { Templar } from '../template';
import { shouldRunTags } from '../runner/tags';

/** Tasks of a play (pre_tasks, tasks, post_tasks), blocks flattened, in order. */
export function* playTasks(play: Play): Generator<Task> {
  yield* flatten(play.preTasks);
  yield* flatten(play.tasks);
  yield* flatten(play.postTasks);
}

export function taskLabel(t: Task): string {
  if (t.name) return t.name;
  if (t.type === 'module') return t.module;
  if (t.type === 'include') return `include_tasks: ${t.file}`;
  return 'block';
}

/** The play's host pattern, rendered (play vars and extra vars) when it is templated, as the runner does. */
export function playPattern(play: Play, extraVars: Vars): string {
  return renderHostPattern(new Templar(), play, extraVars);
}

/** Hosts a play would run on: its pattern, intersected with `--limit`. */
export function playHosts(inv: Inventory, play: Play, extraVars: Vars, limit?: string): string[] {
  const hosts = inv.select(playPattern(play, extraVars));
  if (!limit) return hosts;
  const allowed = new Set(inv.select(limit));
  return hosts.filter((h) => allowed.has(h));
}

/**
 * What the loader cannot check (it never reads include_tasks files: they are loaded per host at run time):
 * every include_tasks file with a plain path loads cleanly, and each notify in it names a handler of the
 * play (by name or listen topic). Nested includes are followed; each file is read once per play.
 */
export async function checkIncludedFiles(pb: Playbook): Promise<PlaybookError[]> {
  const { checkTaskFile } = require('../playbook') as typeof import('../playbook');
  const errors: PlaybookError[] = [];
  for (const play of pb.plays) {
    const topics = new Set<string>();
    for (const h of play.handlers) for (const t of [h.name, ...(h.listen ?? [])]) if (t) topics.add(t);
    const anyTopic = [...topics].some((t) => Templar.isTemplated(t));
    const seen = new Set<string>();
    const visit = async (tasks: Iterable<Task>, included: boolean): Promise<void> => {
      for (const t of tasks) {
        if (t.type === 'module' && included) {
          for (const n of t.notify ?? []) {
            if (topics.has(n) || anyTopic || Templar.isTemplated(n)) continue;
            errors.push(
              new PlaybookError(
                `notify '${n}' matches no handler of play "${play.name}"${didYouMean(n, topics)}`,
                t.loc,
                {
                  hint: topics.size
                    ? `handlers: ${[...topics].join(', ')}`
                    : 'add a handlers: section with a handler of that name (or listen: topic)',
                },
              ),
            );
          }
        }
        if (t.type !== 'include' || Templar.isTemplated(t.file)) continue;
        const abs = path.resolve(t.baseDir, t.file);
        if (seen.has(abs)) continue;
        seen.add(abs);
        const sub = await checkTaskFile(abs, t.loc);
        errors.push(...sub.errors);
        await visit(flatten(sub.tasks), true);
      }
    };
    await visit(playTasks(play), false);
  }
  return errors;
}

function* flatten(tasks: Task[]): Generator<Task> {
  for (const t of tasks) {
    yield t;
    if (t.type === 'block') {
      yield* flatten(t.block);
      yield* flatten(t.rescue);
      yield* flatten(t.always);
    }
  }
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

/**
 * `--list-tags` text, like ansible-playbook's: per play, the sorted union of the play's tags and the tags
 * its tasks carry (their own, their blocks' and the play's), counting only tasks `--tags`/`--skip-tags` select.
 */
export function listTags(
  pb: Playbook,
  extraVars: Vars,
  only: readonly string[] = [],
  skip: readonly string[] = [],
): string {
  const lines = [`playbook: ${pb.file}`, ''];
  pb.plays.forEach((play, i) => {
    // the play's own tags always, as ansible-playbook (even when --tags selects none of its tasks)
    const all = new Set<string>(play.tags);
    const visit = (tasks: Task[], inherited: string[]) => {
      for (const t of tasks) {
        const tags = [...new Set([...inherited, ...t.tags])];
        if (t.type === 'block') {
          visit(t.block, tags);
          visit(t.rescue, tags);
          visit(t.always, tags);
          continue;
        }
        if (!shouldRunTags(tags, only.length ? only : ['all'], skip)) continue;
        for (const tag of tags) all.add(tag);
      }
    };
    for (const section of [play.preTasks, play.tasks, play.postTasks]) visit(section, play.tags);
    lines.push(
      `  play #${i + 1} (${playPattern(play, extraVars)}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`,
    );
    lines.push(`      TASK TAGS: [${[...all].sort().join(', ')}]`);
    lines.push('');
  });
  return lines.join('\n');
}
