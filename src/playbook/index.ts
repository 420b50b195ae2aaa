/** Playbook loading: YAML → zod-validated → normalized `Playbook` (see ./types). Owned by the playbook area. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { PlaybookError, SourceLoc } from '../errors';
import type { Vars } from '../inventory/types';
import { playbookJsonSchema as buildJsonSchema } from './json-schema';
import { LoadErrors, PlaybookErrors } from './load-errors';
import { loadPlaybookFile, type LoadPlaybookOptions } from './play-loader';
import { loadTaskList } from './task-loader';
import type { Playbook, Task } from './types';
import { YamlSource } from './yaml-source';

export { validateModuleArgs, splitArgs } from './module-args';
export { YamlSource } from './yaml-source';
export { PlaybookErrors, MAX_LOAD_ERRORS } from './load-errors';

/** Load and validate a playbook file. Throws PlaybookError (file:line:col, exit 4) for any bad input. */
export async function loadPlaybook(file: string, opts: LoadPlaybookOptions = {}): Promise<Playbook> {
  return loadPlaybookFile(file, [], undefined, undefined, undefined, opts);
}
export type { LoadPlaybookOptions } from './play-loader';

/**
 * Load a task file for `include_tasks` (at run time) or `import_tasks` (at load time). `notify` names are
 * not checked here (the including play's handlers are unknown): the runner reports unmatched ones.
 */
export async function loadTaskFile(file: string, includedFrom?: SourceLoc): Promise<Task[]> {
  const abs = path.resolve(file);
  // include_tasks runs per host: the same unchanged file is parsed once (tasks are read-only data).
  let stamp: string | undefined;
  try {
    const st = await fs.stat(abs);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    // missing: YamlSource.load reports it, located at the include
  }
  const hit = stamp ? taskFileCache.get(abs) : undefined;
  if (hit && hit.stamp === stamp) return hit.tasks;
  const tasks = (async () => {
    const src = await YamlSource.load(abs, includedFrom, 'task file');
    const errors = new LoadErrors();
    const list = await errors.attempt(
      () => loadTaskList({ src, dir: path.dirname(abs), importStack: [abs], notifies: [], errors }),
      [],
    );
    errors.throwIfAny();
    return list;
  })();
  if (stamp) {
    taskFileCache.set(abs, { stamp, tasks });
    tasks.catch(() => taskFileCache.delete(abs));
  }
  return tasks;
}

/**
 * A task file for `validate`: the tasks that loaded and the problems of the others (a file that cannot be
 * read or parsed gives no tasks and its one error).
 */
export async function checkTaskFile(
  file: string,
  includedFrom?: SourceLoc,
): Promise<{ tasks: Task[]; errors: PlaybookError[] }> {
  const abs = path.resolve(file);
  const errors = new LoadErrors();
  const tasks = await errors
    .attempt(async () => {
      const src = await YamlSource.load(abs, includedFrom, 'task file');
      return loadTaskList({ src, dir: path.dirname(abs), importStack: [abs], notifies: [], errors });
    }, [])
    .catch((e: unknown) => {
      if (e instanceof PlaybookErrors) return []; // the cap: errors.errors has them all
      throw e;
    });
  return { tasks, errors: errors.errors };
}

const taskFileCache = new Map<string, { stamp: string; tasks: Promise<Task[]> }>();

/** Load a YAML vars file (`vars_files`, `-e @file`, host_vars/group_vars). */
export async function loadVarsFile(file: string, includedFrom?: SourceLoc): Promise<Vars> {
  const src = await YamlSource.load(path.resolve(file), includedFrom, 'vars file');
  const v = src.value;
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw src.error(
      `a vars file must be a mapping of variable names to values, not ${Array.isArray(v) ? 'a list' : typeof v}`,
      [],
    );
  }
  for (const k of Object.keys(v)) {
    if (!/^[A-Za-z_]\w*$/.test(k)) throw src.error(`'${k}' is not a valid variable name`, [k], { key: true });
  }
  return v as Vars;
}

/** JSON Schema of the playbook format, generated from the zod schemas (`remediate schema`). */
export function playbookJsonSchema(): Record<string, unknown> {
  return buildJsonSchema();
}
