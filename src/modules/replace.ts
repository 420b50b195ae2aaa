/**
 * `replace`: replace every match of a Python regular expression in a file (Ansible's `replace`). The
 * pattern is compiled MULTILINE as Ansible does, with the template layer's Python-to-JS translation;
 * `after`/`before` limit the edit to the text after the first match of `after` and before the first
 * match of `before` (both DOTALL). The file is rewritten in one atomic upload; diffable.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { pyRegex, pyReplacement } from '../template/regex';
import { boolArg } from './arg-types';
import { withAliases } from './arg-aliases';
import { attrArgs } from './file-attrs';
import { planTextEdit, probeText, textEditResult, type TextEditState, type TextFacts } from './text-edit';
import { defineModule } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('The file to edit (aliases: dest, destfile, name)'),
      regexp: z
        .string()
        .describe('Python regular expression (MULTILINE); every match is replaced. Groups: \\1, \\g<name>'),
      replace: z
        .string()
        .default('')
        .describe('Replacement text; may use \\1 and \\g<name> (default: empty)'),
      after: z
        .string()
        .optional()
        .describe('Only replace in the text after the first match of this regexp (DOTALL)'),
      before: z
        .string()
        .optional()
        .describe('Only replace in the text before the first match of this regexp (DOTALL)'),
      backup: boolArg().default(false).describe('Keep a copy of the old file as PATH.<timestamp>~'),
      encoding: z.literal('utf-8').default('utf-8').describe('Text encoding (only utf-8)'),
      ...attrArgs,
    })
    .strict(),
  { dest: 'path', destfile: 'path', name: 'path' },
);

function compile(pattern: string, what: string, dotall: boolean, global: boolean): RegExp {
  try {
    return pyRegex(pattern, { multiline: true, dotall }, global);
  } catch (e) {
    throw new ModuleError(`invalid ${what}: ${(e as Error).message}`);
  }
}

/** The edited text and the number of replacements (Python's re.subn over the selected section). */
export function replaceText(
  text: string,
  a: { regexp: string; replace: string; after?: string; before?: string },
): { content: string; count: number } {
  let start = 0;
  let end = text.length;
  if (a.after !== undefined) {
    const m = compile(a.after, 'after', true, false).exec(text);
    if (m) start = m.index + m[0].length;
  }
  if (a.before !== undefined) {
    const m = compile(a.before, 'before', true, false).exec(text);
    if (m) end = m.index;
  }
  if (end < start) return { content: text, count: 0 };
  const re = compile(a.regexp, 'regexp', false, true);
  const repl = pyReplacement(a.replace);
  let count = 0;
  const section = text.slice(start, end).replace(re, (...m: unknown[]) => {
    count++;
    return repl(...(m as [string, ...unknown[]]));
  });
  return { content: text.slice(0, start) + section + text.slice(end), count };
}

export default defineModule<typeof args, TextFacts, TextEditState>({
  name: 'replace',
  description: 'Replace every match of a regular expression in a file',
  args,
  probe: (ctx, a) => probeText(ctx, a),
  plan(a, f, ctx) {
    if (!f.stat.exists) throw new ModuleError(`Path ${a.path} does not exist !`, { data: { rc: 257 } });
    const r = replaceText(f.content, a);
    const changed = r.count > 0 && r.content !== f.content;
    const msg = changed ? `${r.count} replacements made` : '';
    return planTextEdit(a, f, ctx, changed ? r.content : f.content, `${msg} in ${a.path}`, { msg, rc: 0 });
  },
  result: textEditResult,
});
