/** `replace`: replace every match of a (Python) regular expression in a file, optionally between markers. */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { fileContent, fileStat, type FileStat } from '../facts/file';
import { withAliases } from './arg-aliases';
import { boolArg } from './arg-types';
import { replaceText } from './block-edit';
import { attrArgs, attrChanges, backupPath, backupStep, checkAttrs, parseMode } from './file-attrs';
import { defineModule, type Change, type Step } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('The file to edit (aliases: dest, destfile, name)'),
      regexp: z.string().min(1).describe('Python regular expression, matched line by line (MULTILINE)'),
      replace: z.string().default('').describe('Replacement; \\1 and \\g<name> take matched groups'),
      after: z.string().optional().describe('Only replace after the first match of this expression'),
      before: z.string().optional().describe('Only replace before the first match of this expression'),
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

export default defineModule<typeof args, Facts, { backup?: string }>({
  name: 'replace',
  description: 'Replace all matches of a regular expression in a file (between after/before when given)',
  args,
  async probe(ctx, a) {
    checkAttrs(a);
    const stat = await ctx.fact(fileStat(a.path, { follow: true, checksum: false }));
    if (!stat.exists) throw new ModuleError(`Path ${a.path} does not exist !`, { data: { rc: 257 } });
    if (!stat.isreg) throw new ModuleError(`${a.path} is not a regular file`);
    return { stat, content: (await ctx.fact(fileContent(a.path))).content.toString('utf8') };
  },
  plan(a, f, ctx) {
    parseMode(a.mode);
    const r = replaceText(f.content, a);
    const changes: Change[] = [];
    const state: { backup?: string } = {};
    const write = r.count > 0 && r.content !== f.content;
    if (write) {
      const steps: Step[] = [];
      if (a.backup) {
        state.backup = backupPath(a.path);
        steps.push(backupStep(a.path, state.backup));
      }
      steps.push({
        kind: 'upload',
        dest: a.path,
        content: Buffer.from(r.content, 'utf8'),
        mode: parseMode(a.mode),
        owner: a.owner,
        group: a.group,
        ...(ctx.noLog ? { secret: true } : {}),
      });
      changes.push({
        describe: `${r.count} replacements in ${a.path}`,
        diff: ctx.noLog ? undefined : { path: a.path, before: f.content, after: r.content },
        steps,
      });
    }
    for (const c of attrChanges(a.path, f.stat, a)) changes.push(write ? { ...c, steps: [] } : c);
    return { changes, state, result: { msg: write ? `${r.count} replacements made` : '', path: a.path } };
  },
  result({ plan, outputs }) {
    const result: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) result.backup_file = plan.state.backup;
    return result;
  },
});
