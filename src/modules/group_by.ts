/**
 * `group_by`: put the host into a group named by `key` (made from its facts and variables), under
 * `parents`, in the run's in-memory inventory: later plays' `hosts:` patterns and `groups` see it. Spaces
 * in names become `-`, as in Ansible. The runner applies the result's `add_group`.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { defineModule } from './types';

const args = z
  .object({
    key: z.string().min(1).describe('The group to add the host to (usually templated from facts or vars)'),
    parents: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Parent groups of the new group (default `all`)'),
  })
  .strict();

const name = (s: string) => {
  const n = String(s).trim().replace(/ /g, '-');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(n) || n === 'all' || n === 'ungrouped')
    throw new ModuleError(`invalid group name '${s}'`, { hint: 'letters, digits, ., - and _' });
  return n;
};

export default defineModule<typeof args, undefined, undefined>({
  name: 'group_by',
  description: 'Create a group from facts or variables and put the host into it (in-memory inventory)',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan(a, _facts, ctx) {
    const group = name(a.key);
    const parents = (
      a.parents === undefined ? ['all'] : Array.isArray(a.parents) ? a.parents : [a.parents]
    ).map((p) => (p === 'all' ? p : name(p)));
    let changed: boolean;
    try {
      changed = ctx.inventory?.dynamicGroupChanges?.(ctx.host, group, parents) ?? true;
    } catch (e) {
      throw new ModuleError((e as Error).message);
    }
    return {
      changes: changed ? [{ describe: `add ${ctx.host} to group ${group}`, steps: [] }] : [],
      result: { add_group: group, parent_groups: parents },
    };
  },
});
