/**
 * Pure text edits of `replace` and `blockinfile`, as Ansible's modules compute them (Python `re` syntax,
 * through the template layer's translation): table-tested without a file.
 */
import { ModuleError } from '../errors';
import { pyRegex, pyReplacement } from '../template/regex';

function regex(pattern: string, flags: string, what: string): RegExp {
  try {
    const r = pyRegex(pattern);
    return new RegExp(r.source, [...new Set(r.flags + flags)].join(''));
  } catch (e) {
    throw new ModuleError(`${what}: ${(e as Error).message}`);
  }
}

export interface ReplaceArgs {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

/** `replace`: every match of `regexp` (multiline) in the section between `after` and `before`. */
export function replaceText(content: string, a: ReplaceArgs): { content: string; count: number } {
  let start = 0;
  let end = content.length;
  const section =
    a.after !== undefined && a.before !== undefined
      ? `${a.after}(?P<subsection>.*?)${a.before}`
      : a.after !== undefined
        ? `${a.after}(?P<subsection>.*)`
        : a.before !== undefined
          ? `(?P<subsection>.*)${a.before}`
          : undefined;
  if (section !== undefined) {
    const m = regex(section, 'sd', 'after/before').exec(content) as
      (RegExpExecArray & { indices?: { groups?: Record<string, [number, number]> } }) | null;
    const span = m?.indices?.groups?.subsection;
    if (span) [start, end] = span;
  }
  const re = regex(a.regexp, 'gm', 'regexp');
  let count = 0;
  const repl = pyReplacement(a.replace);
  const part = content.slice(start, end).replace(re, (...args: unknown[]) => {
    count++;
    return repl(...(args as [string, ...unknown[]]));
  });
  if (count === 0) return { content, count };
  return { content: content.slice(0, start) + part + content.slice(end), count };
}

export interface BlockArgs {
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
}

/** `blockinfile`: the marked block replaced, inserted (after/before a line) or removed. */
export function editBlock(original: string | undefined, a: BlockArgs): { content: string; msg: string } {
  const lines = original === undefined ? [] : (original.match(/[^\n]*\n|[^\n]+$/g) ?? []);
  let insertafter = a.insertafter;
  const insertbefore = a.insertbefore;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  const insertre =
    insertafter !== undefined && insertafter !== 'EOF'
      ? regex(insertafter, '', 'insertafter')
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? regex(insertbefore, '', 'insertbefore')
        : undefined;
  const marker0 = a.marker.replace(/\{mark\}/g, a.marker_begin) + '\n';
  const marker1 = a.marker.replace(/\{mark\}/g, a.marker_end) + '\n';
  let blocklines: string[] = [];
  if (a.state === 'present' && a.block) {
    const block = a.block.endsWith('\n') ? a.block : a.block + '\n';
    blocklines = [marker0, ...(block.match(/[^\n]*\n/g) ?? []), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === marker0) n0 = i;
    if (lines[i] === marker1) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertre) {
      for (let i = 0; i < lines.length; i++) if (insertre.test(lines[i].replace(/\n$/, ''))) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else n0 = insertbefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) lines.splice(n0, n1 - n0 + 1);
  else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blocklines);
  const content = lines.join('');
  const msg =
    original === content
      ? ''
      : original === undefined
        ? 'File created'
        : blocklines.length
          ? 'Block inserted'
          : 'Block removed';
  return { content, msg };
}
