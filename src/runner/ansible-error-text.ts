/**
 * Ansible's wording for a task whose arguments use an undefined variable (`Base.post_validate` in
 * ansible-core 2.14): "The task includes an option with an undefined variable. The error was: X. X" and the
 * source excerpt `AnsibleError._get_extended_error` appends (the task's line, the one before it, a caret,
 * and its hints for common YAML mistakes). The registered result carries it, as in Ansible; remediate's own
 * message (with its hint) stays the event's.
 */
import { readFileSync } from 'node:fs';
import type { SourceLoc } from '../errors';

const POSITION = (file: string, line: number, col: number): string =>
  `The error appears to be in '${file}': line ${line}, column ${col}, but may\nbe elsewhere in the file depending on the exact syntax problem.\n`;

const DICT_ERROR = `This one looks easy to fix. YAML thought it was looking for the start of a
hash/dictionary and was confused to see a second "{". Most likely this was
meant to be an ansible template evaluation instead, so we have to give the
parser a small hint that we wanted a string instead. The solution here is to
just quote the entire value.

For instance, if the original line was:

    app_path: {{ base_path }}/foo

It should be written as:

    app_path: "{{ base_path }}/foo"
`;
const UNQUOTED_VARIABLE_ERROR = `We could be wrong, but this one looks like it might be an issue with
missing quotes. Always quote template expression brackets when they
start a value. For instance:

    with_items:
      - {{ foo }}

Should be written as:

    with_items:
      - "{{ foo }}"
`;
const UNQUOTED_COLON_ERROR = `This one looks easy to fix. There seems to be an extra unquoted colon in the line
and this is confusing the parser. It was only expecting to find one free
colon. The solution is just add some quotes around the colon, or quote the
entire line after the first colon.

For instance, if the original line was:

    copy: src=file.txt dest=/path/filename:with_colon.txt

It can be written as:

    copy: src=file.txt dest='/path/filename:with_colon.txt'

Or:

    copy: 'src=file.txt dest=/path/filename:with_colon.txt'
`;
const PARTIALLY_QUOTED_LINE_ERROR = `This one looks easy to fix. It seems that there is a value started
with a quote, and the YAML parser is expecting to see the line ended
with the same kind of quote. For instance:

    when: "ok" in result.stdout

Could be written as:

   when: '"ok" in result.stdout'

Or equivalently:

   when: "'ok' in result.stdout"
`;
const UNBALANCED_QUOTES_ERROR = `We could be wrong, but this one looks like it might be an issue with
unbalanced quotes. If starting a value with a quote, make sure the
line ends with the same set of quotes. For instance this arbitrary
example:

    foo: "bad" "wolf"

Could be written as:

    foo: '"bad" "wolf"'
`;
const LEADING_TAB_ERROR = `There appears to be a tab character at the start of the line.

YAML does not use tabs for formatting. Tabs should be replaced with spaces.

For example:
    - name: update tooling
      vars:
        version: 1.2.3
#    ^--- there is a tab there.

Should be written as:
    - name: update tooling
      vars:
        version: 1.2.3
# ^--- all spaces here.
`;
const AND_SHORTHAND_ERROR =
  "There appears to be both 'k=v' shorthand syntax and YAML in this task. Only one syntax may be used.\n";

const count = (s: string, c: string): number => s.split(c).length - 1;

/** `_get_extended_error`: where, the offending lines, and hints (ansible-core 2.14, errors/__init__.py). */
export function ansibleExtendedError(loc: SourceLoc): string {
  const { file, line, col } = loc;
  let msg = POSITION(file, line, col);
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split(/(?<=\n)/);
  } catch {
    return msg + '\n(could not open file to display line)';
  }
  let n = line - 1;
  if (n >= lines.length) n = lines.length - 1;
  if (n < 0) return msg + '\n(specified line no longer in file, maybe it changed?)';
  let target = lines[n]!;
  while (!target.trim()) {
    n--;
    if (n < 0) return msg + '\n(specified line no longer in file, maybe it changed?)';
    target = lines[n]!;
  }
  const prev = n > 0 ? lines[n - 1]! : '';
  if (!target) return msg;
  const stripped = target.replace(/ /g, '');
  if (/\w+(\s+)?=(\s+)?[\w/-]+/.test(prev)) {
    const pos = prev.trimEnd().indexOf('=');
    msg = POSITION(file, line - 1, pos + 1);
    msg += `\nThe offending line appears to be:\n\n${prev.trimEnd()}\n${' '.repeat(Math.max(pos, 0))}^ here\n\n`;
    msg += AND_SHORTHAND_ERROR;
  } else {
    msg += `\nThe offending line appears to be:\n\n${prev.trimEnd()}\n${target.trimEnd()}\n${' '.repeat(col - 1)}^ here\n`;
  }
  if (target.includes('\t')) msg += LEADING_TAB_ERROR;
  if (target.includes('{{') && target.includes('}}') && (!target.includes('"{{') || !target.includes("'{{")))
    msg += UNQUOTED_VARIABLE_ERROR;
  else if (stripped.includes(':{{') && stripped.includes('}}')) msg += DICT_ERROR;
  else if (target.length > 1 && target.length > col && target[col] === ':' && count(target, ':') > 1)
    msg += UNQUOTED_COLON_ERROR;
  else {
    const parts = target.split(':');
    if (parts.length > 1) {
      const middle = parts[1]!.trim();
      const match =
        (middle.startsWith("'") && !middle.endsWith("'")) ||
        (middle.startsWith('"') && !middle.endsWith('"'));
      const unbalanced =
        (middle.length > 0 &&
          ['"', "'"].includes(middle[0]!) &&
          ['"', "'"].includes(middle[middle.length - 1]!) &&
          count(target, "'") > 2) ||
        count(target, '"') > 2;
      if (match) msg += PARTIALLY_QUOTED_LINE_ERROR;
      if (unbalanced) msg += UNBALANCED_QUOTES_ERROR;
    }
  }
  return msg;
}

/** The message of a task whose arguments use an undefined variable (`error`: the template's own words). */
export function undefinedOptionMessage(error: string, taskLoc: SourceLoc): string {
  return (
    `The task includes an option with an undefined variable. The error was: ${error}. ${error}\n\n` +
    ansibleExtendedError(taskLoc)
  );
}
