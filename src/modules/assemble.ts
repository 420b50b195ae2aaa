/**
 * `assemble`: concatenate the fragment files of a directory, in name order, into one file (Ansible's
 * `assemble`, same joining rules: a newline after a fragment that lacks one, `delimiter` between fragments).
 * Probe: the fragments (one exec on the target, or the controller's directory with `remote_src: false`) and
 * the destination; step: one atomic upload when the result differs. Text files (UTF-8); diffable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import { pyRegex } from '../template/regex';
import { boolArg } from './arg-types';
import { attrArgs } from './file-attrs';
import { findSource } from './put-content';
import { planTextEdit, probeText, textEditResult, type TextEditState, type TextFacts } from './text-edit';
import { defineModule } from './types';

const args = z
  .object({
    src: z
      .string()
      .min(1)
      .describe('Directory of fragments (on the target, or the controller with remote_src: false)'),
    dest: z.string().min(1).describe('The file to write'),
    delimiter: z
      .string()
      .optional()
      .describe('Text put between fragments (\\n and similar escapes are decoded)'),
    regexp: z.string().optional().describe('Only fragments whose name matches (Python re.search)'),
    ignore_hidden: boolArg().default(false).describe('Leave out fragments whose name starts with a dot'),
    remote_src: boolArg().default(true).describe('src is on the target (default); false: on the controller'),
    backup: boolArg().default(false).describe('Keep a copy of the old file as DEST.<timestamp>~'),
    ...attrArgs,
  })
  .strict();

interface Facts extends TextFacts {
  fragments: [string, string][];
}

/** Python's codecs.escape_decode for the common escapes. */
function unescape(s: string): string {
  return s.replace(
    /\\(n|t|r|\\|0)/g,
    (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', 0: '\0' })[c]!,
  );
}

export function assembleText(
  fragments: [string, string][],
  a: { delimiter?: string; regexp?: string; ignore_hidden: boolean },
): string {
  let re: RegExp | undefined;
  try {
    re = a.regexp === undefined ? undefined : pyRegex(a.regexp);
  } catch (e) {
    throw new ModuleError(`invalid regexp: ${(e as Error).message}`);
  }
  let out = '';
  let addNewline = false;
  let delimitMe = false;
  const names = [...fragments].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  for (const [name, content] of names) {
    if (re && !re.test(name)) continue;
    if (a.ignore_hidden && name.startsWith('.')) continue;
    if (addNewline) out += '\n';
    if (delimitMe && a.delimiter) {
      const d = unescape(a.delimiter);
      out += d.endsWith('\n') ? d : d + '\n';
    }
    out += content;
    delimitMe = true;
    addNewline = !content.endsWith('\n');
  }
  return out;
}

export default defineModule<typeof args, Facts, TextEditState>({
  name: 'assemble',
  description: 'Assemble a file from the fragments of a directory',
  args,
  async probe(ctx, a) {
    const text = await probeText(ctx, { ...a, path: a.dest });
    let fragments: [string, string][] = [];
    if (a.remote_src) {
      const r = await ctx.exec(sh`cd -- ${a.src} || exit 3
for f in .* *; do [ -f "$f" ] || continue; printf '%s\\n' "$f"; base64 < "$f" | tr -d '\\n'; echo; done`);
      if (r.code !== 0) throw new ModuleError(`Source (${a.src}) is not a directory`);
      const lines = r.stdout.split('\n');
      for (let i = 0; i + 1 < lines.length; i += 2)
        fragments.push([lines[i]!, Buffer.from(lines[i + 1]!, 'base64').toString('utf8')]);
    } else {
      const dir = findSource(ctx, a.src, 'files');
      if (!fs.statSync(dir).isDirectory()) throw new ModuleError(`Source (${a.src}) is not a directory`);
      fragments = fs
        .readdirSync(dir)
        .filter((n) => fs.statSync(path.join(dir, n)).isFile())
        .map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]);
    }
    return { ...text, fragments };
  },
  plan(a, f, ctx) {
    const after = assembleText(f.fragments, a);
    return planTextEdit({ ...a, path: a.dest }, f, ctx, after, `assemble ${a.dest} from ${a.src}`, {
      dest: a.dest,
      src: a.src,
    });
  },
  result: textEditResult,
});
