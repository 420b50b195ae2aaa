/** `lineinfile`: make sure one line is in a file (or is not), replacing a matching line; diffable. */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { ModuleError } from '../errors';
import { withAliases } from './arg-aliases';
import { attrArgs, checkAttrs } from './file-attrs';
import { editLines } from './line-edit';
import { attrNote } from './put-content';
import { planTextEdit, probeText, type TextEditState, type TextFacts } from './text-edit';
import { defineModule } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('The file to edit (aliases: dest, destfile, name)'),
      line: z.string().optional().describe('The line to have in the file (state=present)'),
      regexp: z
        .string()
        .optional()
        .describe(
          'Regular expression: the last matching line is replaced (present) or every match removed (absent)',
        ),
      search_string: z.string().optional().describe('Literal string instead of regexp'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the line should be there'),
      insertafter: z
        .string()
        .optional()
        .describe('EOF (default) or a regexp: insert after the last matching line'),
      insertbefore: z.string().optional().describe('BOF or a regexp: insert before the last matching line'),
      backrefs: boolArg()
        .default(false)
        .describe(
          'With regexp: \\1 or \\g<name> in line take the matched groups; no match leaves the file alone',
        ),
      firstmatch: boolArg()
        .default(false)
        .describe('Use the first match of insertafter/insertbefore/regexp instead of the last'),
      create: boolArg().default(false).describe('Create the file when it does not exist (state=present)'),
      backup: boolArg().default(false).describe('Keep a copy of the old file as PATH.<timestamp>~'),
      ...attrArgs,
    })
    .strict(),
  { dest: 'path', destfile: 'path', name: 'path' },
);

export default defineModule<typeof args, TextFacts, TextEditState>({
  name: 'lineinfile',
  description: 'Ensure a line is present in (or absent from) a text file, replacing a matching line',
  args,
  probe: (ctx, a) => probeText(ctx, a),
  plan(a, f, ctx) {
    checkAttrs(a);
    if (a.regexp !== undefined && a.search_string !== undefined) {
      throw new ModuleError('give either regexp or search_string, not both');
    }
    if (a.insertafter !== undefined && a.insertbefore !== undefined) {
      throw new ModuleError('give either insertafter or insertbefore, not both');
    }
    if (!f.stat.exists) {
      if (a.state === 'absent') return { changes: [], result: { msg: 'file not present', path: a.path } };
      if (!a.create) {
        throw new ModuleError(`Destination ${a.path} does not exist !`, {
          hint: 'set create: true to create it',
          data: { rc: 257 },
        });
      }
    }
    const edit = editLines(f.content, a);
    const describe = f.stat.exists
      ? `${edit.msg} in ${a.path}`
      : `create ${a.path} with the line${attrNote(a, f.stat)}`;
    const result: Record<string, unknown> = { msg: edit.msg, path: a.path };
    if (edit.found !== undefined) result.found = edit.found;
    return planTextEdit(a, f, ctx, edit.content, describe, result);
  },
  // Ansible's lineinfile names the backup `backup` (replace and blockinfile: `backup_file`)
  result({ plan, outputs }) {
    const result: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) result.backup = plan.state.backup;
    return result;
  },
});
