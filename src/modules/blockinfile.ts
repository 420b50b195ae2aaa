/** `blockinfile`: a block of lines between marker lines, inserted, updated or removed; diffable. */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { fileContent, fileStat, type FileStat } from '../facts/file';
import { withAliases } from './arg-aliases';
import { boolArg } from './arg-types';
import { editBlock } from './block-edit';
import { attrArgs, attrChanges, backupPath, backupStep, checkAttrs, parseMode } from './file-attrs';
import { defineModule, type Change, type Step } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('The file to edit (aliases: dest, destfile, name)'),
      block: z.string().default('').describe('The lines between the markers (alias: content); empty removes'),
      marker: z
        .string()
        .default('# {mark} ANSIBLE MANAGED BLOCK')
        .describe('Marker line template; {mark} becomes marker_begin / marker_end'),
      marker_begin: z.string().default('BEGIN').describe('{mark} of the first marker'),
      marker_end: z.string().default('END').describe('{mark} of the last marker'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the block should be there'),
      insertafter: z.string().optional().describe('EOF (default) or a regexp: insert after its last match'),
      insertbefore: z.string().optional().describe('BOF or a regexp: insert before its last match'),
      create: boolArg().default(false).describe('Create the file when it does not exist'),
      backup: boolArg().default(false).describe('Keep a copy of the old file as PATH.<timestamp>~'),
      ...attrArgs,
    })
    .strict(),
  { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
);

interface Facts {
  stat: FileStat;
  content?: string;
}

export default defineModule<typeof args, Facts, { backup?: string }>({
  name: 'blockinfile',
  description: 'Insert, update or remove a block of lines surrounded by marker lines',
  args,
  async probe(ctx, a) {
    checkAttrs(a);
    const stat = await ctx.fact(fileStat(a.path, { follow: true, checksum: false }));
    if (stat.exists && !stat.isreg)
      throw new ModuleError(`Path ${a.path} is a directory !`, { data: { rc: 256 } });
    if (!stat.exists) return { stat };
    return { stat, content: (await ctx.fact(fileContent(a.path))).content.toString('utf8') };
  },
  plan(a, f, ctx) {
    parseMode(a.mode);
    if (a.insertafter !== undefined && a.insertbefore !== undefined)
      throw new ModuleError('give either insertafter or insertbefore, not both');
    if (!f.stat.exists) {
      if (a.state === 'absent') return { changes: [], result: { msg: `File ${a.path} not present` } };
      if (!a.create) throw new ModuleError(`Path ${a.path} does not exist !`, { data: { rc: 257 } });
    }
    const e = editBlock(f.content, a);
    const changes: Change[] = [];
    const state: { backup?: string } = {};
    const write = e.content !== f.content;
    if (write) {
      const steps: Step[] = [];
      if (a.backup && f.stat.exists) {
        state.backup = backupPath(a.path);
        steps.push(backupStep(a.path, state.backup));
      }
      steps.push({
        kind: 'upload',
        dest: a.path,
        content: Buffer.from(e.content, 'utf8'),
        mode: parseMode(a.mode),
        owner: a.owner,
        group: a.group,
        ...(ctx.noLog ? { secret: true } : {}),
      });
      changes.push({
        describe: `${e.msg.toLowerCase()} in ${a.path}`,
        diff: ctx.noLog ? undefined : { path: a.path, before: f.content ?? '', after: e.content },
        steps,
      });
    }
    if (f.stat.exists)
      for (const c of attrChanges(a.path, f.stat, a)) changes.push(write ? { ...c, steps: [] } : c);
    return { changes, state, result: { msg: e.msg } };
  },
  result({ plan, outputs }) {
    const result: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) result.backup_file = plan.state.backup;
    return result;
  },
});
