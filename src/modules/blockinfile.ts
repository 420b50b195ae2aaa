/**
 * `blockinfile`: keep a block of lines between two marker lines in a file (Ansible's `blockinfile`, same
 * algorithm): an existing marked block is replaced in place; a new one goes after the last line matching
 * `insertafter` (default EOF) or before the last matching `insertbefore` (or BOF). An empty block or
 * `state: absent` removes the block and its markers. One atomic upload; diffable.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { pyRegex } from '../template/regex';
import { boolArg } from './arg-types';
import { withAliases } from './arg-aliases';
import { attrArgs } from './file-attrs';
import { planTextEdit, probeText, textEditResult, type TextEditState, type TextFacts } from './text-edit';
import { defineModule } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('The file to edit (aliases: dest, destfile, name)'),
      block: z.string().default('').describe('The lines to keep between the markers (alias: content)'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the block should be there'),
      marker: z
        .string()
        .default('# {mark} ANSIBLE MANAGED BLOCK')
        .describe('Marker line template; {mark} becomes marker_begin / marker_end'),
      marker_begin: z.string().default('BEGIN').describe('Replaces {mark} in the opening marker'),
      marker_end: z.string().default('END').describe('Replaces {mark} in the closing marker'),
      insertafter: z
        .string()
        .optional()
        .describe('EOF (default) or a regexp: a new block goes after the last matching line'),
      insertbefore: z
        .string()
        .optional()
        .describe('BOF or a regexp: a new block goes before the last matching line'),
      create: boolArg().default(false).describe('Create the file when it does not exist'),
      backup: boolArg().default(false).describe('Keep a copy of the old file as PATH.<timestamp>~'),
      ...attrArgs,
    })
    .strict(),
  { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
);

type BlockArgs = Pick<
  z.infer<typeof args>,
  'block' | 'state' | 'marker' | 'marker_begin' | 'marker_end' | 'insertafter' | 'insertbefore'
>;

/** Lines with their line ends, as Python's `splitlines(True)` gives them for \n files. */
function splitKeep(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The edited text and Ansible's message ('' when unchanged). `existed`: the file was there. */
export function editBlock(text: string, existed: boolean, a: BlockArgs): { content: string; msg: string } {
  if (a.insertafter !== undefined && a.insertbefore !== undefined)
    throw new ModuleError('parameters are mutually exclusive: insertafter|insertbefore');
  const lines = splitKeep(text);
  const where = a.insertafter ?? a.insertbefore;
  let insertre: RegExp | undefined;
  if (where !== undefined && where !== 'EOF' && where !== 'BOF') {
    try {
      insertre = pyRegex(where, { ascii: true }); // Ansible compiles it as bytes
    } catch (e) {
      throw new ModuleError(
        `invalid ${a.insertafter !== undefined ? 'insertafter' : 'insertbefore'}: ${(e as Error).message}`,
      );
    }
  }
  const m0 = a.marker.replaceAll('{mark}', a.marker_begin) + '\n';
  const m1 = a.marker.replaceAll('{mark}', a.marker_end) + '\n';
  let blocklines: string[] = [];
  if (a.state === 'present' && a.block !== '') {
    const block = a.block.endsWith('\n') ? a.block : a.block + '\n';
    blocklines = [m0, ...splitKeep(block), m1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, l] of lines.entries()) {
    if (l === m0) n0 = i;
    if (l === m1) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertre) {
      for (const [i, l] of lines.entries()) if (insertre.test(l)) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (a.insertafter !== undefined) n0 += 1;
    } else if (a.insertbefore !== undefined) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) lines.splice(n0, n1 - n0 + 1);
  else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blocklines);
  const content = lines.join('');
  const msg =
    existed && content === text
      ? ''
      : !existed
        ? 'File created'
        : blocklines.length === 0
          ? 'Block removed'
          : 'Block inserted';
  return { content, msg };
}

export default defineModule<typeof args, TextFacts, TextEditState>({
  name: 'blockinfile',
  description: 'Insert, update or remove a block of lines between marker lines in a file',
  args,
  probe: (ctx, a) => probeText(ctx, a),
  plan(a, f, ctx) {
    if (!f.stat.exists && !a.create)
      throw new ModuleError(`Path ${a.path} does not exist !`, {
        hint: 'set create: true to create it',
        data: { rc: 257 },
      });
    const r = editBlock(f.content, f.stat.exists, a);
    return planTextEdit(a, f, ctx, r.content, `${r.msg || 'block unchanged'} in ${a.path}`, {
      msg: r.msg,
    });
  },
  result: textEditResult,
});
