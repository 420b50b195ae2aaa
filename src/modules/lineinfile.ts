/** `lineinfile`: make sure one line is in a file (or is not), replacing a matching line; diffable. */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { ModuleError } from '../errors';
import { fileContent, fileStat, type FileStat } from '../facts/file';
import { withAliases } from './arg-aliases';
import {
  attrArgs,
  attrChanges,
  backupPath,
  backupStep,
  checkAttrs,
  isSymbolicMode,
  modeBase,
  parseMode,
} from './file-attrs';
import { editLines } from './line-edit';
import { attrNote } from './put-content';
import { factsOf } from './ask-facts';
import { defineModule, type Change, type Step } from './types';

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

interface Facts {
  stat: FileStat;
  content: string;
}
interface State {
  /** The backup the plan makes, if any. */
  backup?: string;
}

export default defineModule<typeof args, Facts, State>({
  name: 'lineinfile',
  description: 'Ensure a line is present in (or absent from) a text file, replacing a matching line',
  args,
  async probe(ctx, a) {
    checkAttrs(a);
    // the stat and the content in one exec (the content fact says "missing" for a missing file)
    const [stat, file] = await factsOf(ctx, [
      fileStat(a.path, { follow: true, checksum: false, umask: isSymbolicMode(a.mode) }),
      fileContent(a.path),
    ] as const);
    if (stat.exists && !stat.isreg) throw new ModuleError(`${a.path} is not a regular file`);
    const content = stat.exists ? file.content.toString('utf8') : '';
    return { stat, content };
  },
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
    const changes: Change[] = [];
    const state: State = {};
    const write = edit.changed || !f.stat.exists;
    if (write) {
      const steps: Step[] = [];
      if (a.backup && f.stat.exists) {
        state.backup = backupPath(a.path);
        steps.push(backupStep(a.path, state.backup));
      }
      steps.push({
        kind: 'upload',
        dest: a.path,
        content: Buffer.from(edit.content, 'utf8'),
        mode: parseMode(a.mode, modeBase(f.stat, 'file')),
        owner: a.owner,
        group: a.group,
        ...(ctx.noLog ? { secret: true } : {}),
      });
      changes.push({
        describe: f.stat.exists
          ? `${edit.msg} in ${a.path}`
          : `create ${a.path} with the line${attrNote(a, f.stat)}`,
        diff: ctx.noLog ? undefined : { path: a.path, before: f.content, after: edit.content },
        steps,
      });
    }
    // A rewritten file gets its attributes from the upload; otherwise fix them in place.
    if (f.stat.exists)
      for (const c of attrChanges(a.path, f.stat, a)) changes.push(write ? { ...c, steps: [] } : c);
    const result: Record<string, unknown> = { msg: edit.msg, path: a.path };
    if (edit.found !== undefined) result.found = edit.found;
    return { changes, state, result };
  },
  result({ plan, outputs }) {
    const result: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) result.backup = plan.state.backup;
    return result;
  },
});
