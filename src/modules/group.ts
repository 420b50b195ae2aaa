/**
 * `group`: a local group present (with a gid) or absent. Probe: one `getent group`; steps: `groupadd`,
 * `groupmod -g`, `groupdel`, each with the name after `--`.
 */
import { z } from 'zod';
import { argv, sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import type { Fact } from '../facts/types';
import { checkAccountName } from './account-names';
import { boolArg, intArg } from './arg-types';
import { defineModule, type Change } from './types';

const args = z
  .object({
    name: z.string().min(1).describe('Name of the group'),
    state: z.enum(['present', 'absent']).default('present').describe('Whether the group should exist'),
    gid: intArg({ min: 0 }).optional().describe('Numeric group id to have'),
    system: boolArg().default(false).describe('Create a system group (groupadd -r), only when creating'),
    non_unique: boolArg().default(false).describe('Allow a gid another group already has (-o); needs gid'),
    force: boolArg()
      .default(false)
      .describe('Remove the group even when it is the primary group of a user (groupdel -f)'),
    local: boolArg()
      .default(false)
      .describe('Accepted for compatibility: groups are always local files here'),
  })
  .strict();

export interface GroupEntry {
  exists: boolean;
  gid?: number;
  members?: string[];
}

/** `getent group NAME`: the group's gid and members, or exists false. */
export function groupEntry(name: string): Fact<GroupEntry> {
  return {
    key: `group:${name}`,
    command: sh`getent group -- ${name} || echo MISSING`,
    parse: (stdout) => {
      const line = stdout.split('\n')[0] ?? '';
      const f = line.split(':');
      if (line === 'MISSING' || f.length < 4 || f[0] !== name) return { exists: false };
      return { exists: true, gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] };
    },
  };
}

export default defineModule<typeof args, GroupEntry, undefined>({
  name: 'group',
  description: 'Add, change the gid of, or remove a local group',
  args,
  async probe(ctx, a) {
    checkAccountName('group', a.name);
    return ctx.fact(groupEntry(a.name));
  },
  plan(a, g) {
    if (a.non_unique && a.gid === undefined) throw new ModuleError('non_unique needs gid');
    const n = a.name;
    const changes: Change[] = [];
    const step = (cmd: ExecCommand) => ({ kind: 'exec' as const, cmd, invalidates: ['group:', 'user:'] });
    if (a.state === 'absent') {
      if (g.exists)
        changes.push({
          describe: `remove group ${n}`,
          steps: [step(argv(['groupdel', ...(a.force ? ['-f'] : []), '--', n]))],
        });
      return { changes, result: { name: n, state: 'absent' } };
    }
    const gid = a.gid === undefined ? [] : ['-g', String(a.gid)];
    const o = a.non_unique ? ['-o'] : [];
    if (!g.exists) {
      changes.push({
        describe: `add group ${n}${a.gid === undefined ? '' : ` (gid ${a.gid})`}`,
        steps: [step(argv(['groupadd', ...gid, ...o, ...(a.system ? ['-r'] : []), '--', n]))],
      });
    } else if (a.gid !== undefined && a.gid !== g.gid) {
      changes.push({
        describe: `gid of group ${n}: ${g.gid} → ${a.gid}`,
        steps: [step(argv(['groupmod', ...gid, ...o, '--', n]))],
      });
    }
    return {
      changes,
      result: { name: n, state: 'present', system: a.system, gid: a.gid ?? g.gid ?? null },
    };
  },
});
