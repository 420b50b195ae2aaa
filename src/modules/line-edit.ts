/**
 * The pure text edit behind `lineinfile`, following Ansible's rules: with `regexp`, the last matching line
 * is replaced (or, for absent, every matching line removed); without a match the line is inserted after
 * the last line matching `insertafter` (default EOF) or before the last line matching `insertbefore`
 * (`BOF` = at the top; `firstmatch` picks the first match instead); a line already present verbatim is left
 * alone. An edited file always ends with a newline; its line ending (LF or CRLF) is kept.
 */
import { ModuleError } from '../errors';
import { pyRegex, pyReplacement } from '../template/regex';

export interface LineEditArgs {
  line?: string;
  regexp?: string;
  search_string?: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  firstmatch: boolean;
  /** With regexp: `line` may use \\1 / \\g<name> of the match; no match → no change. */
  backrefs?: boolean;
}

export interface LineEdit {
  content: string;
  changed: boolean;
  msg: string;
  /** Lines removed (state=absent). */
  found?: number;
}

/**
 * Python `re` syntax through the template layer's translation (src/template/regex.ts). Ansible compiles
 * lineinfile's patterns as bytes, so `\w`, `\d`, `\s`, `\b` are ASCII-only.
 */
function compile(re: string, what: string): RegExp {
  try {
    return pyRegex(re, { ascii: true });
  } catch (e) {
    throw new ModuleError(`invalid ${what}: ${(e as Error).message}`);
  }
}

export function editLines(text: string, a: LineEditArgs): LineEdit {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const join = (ls: string[]) => (ls.length === 0 ? '' : ls.join(eol) + eol);
  // Ansible searches each line as read, with its line ending (`\Z` does not match before it).
  const raw = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const re = a.regexp !== undefined ? compile(a.regexp, 'regexp') : undefined;
  const matchAt = (i: number): boolean =>
    re ? re.test(raw[i]!) : a.search_string !== undefined ? lines[i]!.includes(a.search_string) : false;

  if (a.state === 'absent') {
    const kept = lines.filter(
      (l, i) => !(matchAt(i) || (!re && a.search_string === undefined && l === a.line)),
    );
    const found = lines.length - kept.length;
    if (found === 0) return { content: text, changed: false, msg: '', found };
    return { content: join(kept), changed: true, msg: `${found} line(s) removed`, found };
  }

  if (a.line === undefined) throw new ModuleError('line is required with state=present');
  const line = a.line;
  if (re || a.search_string !== undefined) {
    let idx = -1;
    for (let i = 0; i < lines.length; i++) {
      if (matchAt(i)) {
        idx = i;
        if (a.firstmatch) break;
      }
    }
    if (idx >= 0) {
      const want = a.backrefs && re ? expandBackrefs(raw[idx]!, re, line) : line;
      if (lines[idx] === want) return { content: text, changed: false, msg: '' };
      const out = [...lines];
      out[idx] = want;
      return { content: join(out), changed: true, msg: 'line replaced' };
    }
  }
  // backrefs: no match means nothing to do (Ansible does not insert the line then).
  if (a.backrefs && re) return { content: text, changed: false, msg: '' };
  if (lines.includes(line)) return { content: text, changed: false, msg: '' };

  let at = lines.length;
  if (a.insertbefore !== undefined) {
    if (a.insertbefore === 'BOF') at = 0;
    else {
      const r = compile(a.insertbefore, 'insertbefore');
      const hits = lines.flatMap((_l, i) => (r.test(raw[i]!) ? [i] : []));
      if (hits.length) at = a.firstmatch ? hits[0]! : hits[hits.length - 1]!;
    }
  } else if (a.insertafter !== undefined && a.insertafter !== 'EOF') {
    const r = compile(a.insertafter, 'insertafter');
    const hits = lines.flatMap((_l, i) => (r.test(raw[i]!) ? [i] : []));
    if (hits.length) at = (a.firstmatch ? hits[0]! : hits[hits.length - 1]!) + 1;
  }
  const out = [...lines];
  out.splice(at, 0, line);
  return { content: join(out), changed: true, msg: 'line added' };
}

/** Python's `match.expand(line)` (`\1`, `\g<1>`, `\g<name>`, `\n`...) of `re`'s match on `subject`. */
export function expandBackrefs(subject: string, re: RegExp, line: string): string {
  const m = re.exec(subject);
  if (!m) return line;
  const args: unknown[] = [...m.slice(1), m.index, subject];
  if (m.groups) args.push(m.groups);
  try {
    return pyReplacement(line)(m[0], ...args);
  } catch (e) {
    throw new ModuleError(`line: ${(e as Error).message}`);
  }
}
