/**
 * `run --start-at-task NAME`, as ansible-playbook does it: tasks are walked in order (pre_tasks, tasks,
 * post_tasks; blocks and the blocks import_tasks/roles become, then their always: section) until the first
 * whose name is NAME or matches it as an fnmatch glob (`role : name` for a role's tasks, the module for an
 * unnamed task). Plays before that one run nothing (not even fact gathering); the play that holds it gathers
 * facts and starts there; later plays run in full. include_tasks files are loaded at run time and cannot be
 * searched (Ansible: "--start-at-task can only follow static includes"). The playbook is pruned in place.
 */
import { UsageError } from '../errors';
import { fnmatch } from '../modules/find';
import type { Playbook, Task } from '../playbook/types';

function matches(t: Task, role: string | undefined, want: string): boolean {
  if (t.type !== 'module') return false;
  const full = t.name !== undefined ? (role ? `${role} : ${t.name}` : t.name) : t.module;
  return (
    t.name === want ||
    (t.name !== undefined && t.name !== '' && fnmatch(t.name, want)) ||
    full === want ||
    fnmatch(full, want)
  );
}

/** The tasks from the first match on (undefined: no match in `tasks`). */
function from(tasks: Task[], role: string | undefined, want: string): Task[] | undefined {
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (matches(t, role, want)) return tasks.slice(i);
    if (t.type !== 'block') continue;
    const r = t.role?.name ?? role;
    const inBlock = from(t.block, r, want);
    if (inBlock) return [{ ...t, block: inBlock }, ...tasks.slice(i + 1)];
    const inAlways = from(t.always, r, want);
    if (inAlways) return [{ ...t, block: [], rescue: [], always: inAlways }, ...tasks.slice(i + 1)];
  }
  return undefined;
}

/** Prune `pb` to start at the task named `want`; a name no task has is a usage error (exit 5). */
export function startAtTask(pb: Playbook, want: string): void {
  for (const play of pb.plays) {
    const sections = [play.preTasks, play.tasks, play.postTasks];
    for (let s = 0; s < sections.length; s++) {
      const rest = from(sections[s]!, undefined, want);
      if (!rest) continue;
      if (s > 0) play.preTasks = [];
      if (s > 1) play.tasks = [];
      if (s === 0) play.preTasks = rest;
      else if (s === 1) play.tasks = rest;
      else play.postTasks = rest;
      return;
    }
    play.preTasks = [];
    play.tasks = [];
    play.postTasks = [];
    play.gatherFacts = false;
  }
  throw new UsageError(`--start-at-task: no task matches "${want}"`, {
    hint:
      'give a task name or a glob (role tasks: "ROLE : NAME"); --start-at-task can only follow ' +
      'static imports, not include_tasks (see: remediate run PLAYBOOK --list-tasks)',
  });
}
