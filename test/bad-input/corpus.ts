/**
 * The bad-input corpus: each case is a set of files, a command line, the exit code it must end with and a
 * fragment its message must contain (`file:line:col` wherever there is a file). Case families live in
 * cases-*.ts; corpus.test.ts runs them in-process through the CLI's `main()`.
 */

export interface Case {
  name: string;
  /** Files of the case, relative to its own directory (`{dir}` in text is that directory). */
  files: Record<string, string | Buffer>;
  /** CLI arguments after `remediate` (`{dir}` is the case directory). */
  args: string[];
  code: number;
  /** Must appear in stdout+stderr (`{dir}` replaced). */
  msg: string | RegExp;
}

/** A local inventory every case may use: one host, local connection. */
export const LOCAL_INI = '[web]\nh1 ansible_connection=local\n[db]\nh2 ansible_connection=local\n';

/**
 * A playbook whose first task leaves a marker file: a case that ends in a load error must not have run it.
 */
export const MARKER = 'ran.marker';
export const OK_PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - name: leave a marker
      command: touch {dir}/${MARKER}
`;

/** `FILE:LINE:COL` of the `nth` occurrence (0-based) of `needle` in `text`. */
export function loc(file: string, text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`corpus: "${needle}" not in ${file}`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const col = at - before.lastIndexOf('\n');
  return `${file}:${line}:${col}`;
}

/** A one-play playbook around task lines (indented 4 spaces, `- ` included) and optional play lines. */
export function playWith(taskLines: string, playLines = ''): string {
  return `- hosts: all\n  gather_facts: false\n${playLines}  tasks:\n    - name: leave a marker\n      command: touch {dir}/${MARKER}\n${taskLines}`;
}

/** A case whose playbook is `text` (play.yml), run against the local inventory. */
export function playCase(
  name: string,
  text: string,
  code: number,
  msg: string | RegExp,
  extra: Partial<Case> = {},
): Case {
  return {
    name,
    files: { 'play.yml': text, 'inv.ini': LOCAL_INI, ...(extra.files ?? {}) },
    args: extra.args ?? ['run', '{dir}/play.yml', '-i', '{dir}/inv.ini'],
    code,
    msg,
  };
}

/** A located playbook error at `needle`. */
export function playError(name: string, text: string, needle: string, what: string, nth = 0): Case {
  return playCase(name, text, 4, new RegExp(`${esc(loc('play.yml', text, needle, nth))}: .*${esc(what)}`));
}

export function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
