/** Playbook loading: YAML → zod-validated → normalized `Playbook` (see ./types). Owned by the playbook area. */
import type { SourceLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { Playbook, Task } from './types';

/** Load and validate a playbook file. Throws PlaybookError (file:line:col, exit 4) for any bad input. */
export async function loadPlaybook(file: string): Promise<Playbook> {
  throw new Error(`loadPlaybook(${file}): not implemented yet`);
}

/** Load a task file for `include_tasks` (at run time) or `import_tasks` (at load time). */
export async function loadTaskFile(file: string, includedFrom?: SourceLoc): Promise<Task[]> {
  throw new Error(`loadTaskFile(${file}, ${String(includedFrom)}): not implemented yet`);
}

/** Load a YAML vars file (`vars_files`, `-e @file`, host_vars/group_vars). */
export async function loadVarsFile(file: string): Promise<Vars> {
  throw new Error(`loadVarsFile(${file}): not implemented yet`);
}

/** JSON Schema of the playbook format, generated from the zod schemas (`remediate schema`). */
export function playbookJsonSchema(): Record<string, unknown> {
  throw new Error('playbookJsonSchema: not implemented yet');
}
