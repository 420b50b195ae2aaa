/**
 * Python's `shlex.split(s, comments=..., posix=True)`, the one word splitter for everything Ansible splits
 * with shlex: `command`'s free form (comments=False), INI inventory host lines (comments=True),
 * `ansible_ssh_common_args`/`ansible_ssh_extra_args`. A transcription of CPython's `shlex.read_token` in
 * posix mode with whitespace_split: `'...'` is literal; inside `"..."` a backslash escapes only `"` and `\`
 * (`"a\$b"` keeps the backslash, unlike a shell); outside quotes a backslash takes the next character as is
 * (a backslash-newline is a newline); `#` starts a comment only when `comments` is set, and only to the end
 * of the line; no expansion of any kind. Proved against python3 by test/shlex/golden/shlex.json.
 */

export interface ShlexToken {
  text: string;
  /** 0-based index of the token's first character (where its quote or first character is). */
  col: number;
}

/** `No closing quotation` / `No escaped character` (Python's texts), at the 0-based column of the token. */
export class ShlexError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

const WHITESPACE = ' \t\r\n';
const QUOTES = `'"`;

export function shlexSplit(s: string, opts: { comments?: boolean } = {}): ShlexToken[] {
  const comments = opts.comments ?? false;
  const chars = [...s];
  const out: ShlexToken[] = [];
  let i = 0;
  for (;;) {
    let token = '';
    let quoted = false;
    let state: string = ' ';
    let escapedState = ' ';
    let col = -1;
    let done = false;
    while (!done) {
      if (i >= chars.length) {
        if (state === "'" || state === '"') throw new ShlexError('No closing quotation', col);
        if (state === '\\') throw new ShlexError('No escaped character', col);
        break;
      }
      const c = chars[i++];
      if (state === ' ') {
        if (WHITESPACE.includes(c)) continue;
        if (comments && c === '#') {
          while (i < chars.length && chars[i] !== '\n') i++;
          i++;
          continue;
        }
        col = i - 1;
        if (c === '\\') {
          escapedState = 'a';
          state = c;
        } else if (QUOTES.includes(c)) {
          state = c;
        } else {
          token = c;
          state = 'a';
        }
      } else if (state === "'" || state === '"') {
        quoted = true;
        if (c === state) state = 'a';
        else if (c === '\\' && state === '"') {
          escapedState = state;
          state = c;
        } else token += c;
      } else if (state === '\\') {
        // inside "...", a backslash before anything but " or \ stays
        if (QUOTES.includes(escapedState) && c !== escapedState && c !== '\\') token += '\\';
        token += c;
        state = escapedState;
      } else {
        // state 'a': in a word
        if (WHITESPACE.includes(c)) {
          done = true;
        } else if (comments && c === '#') {
          while (i < chars.length && chars[i] !== '\n') i++;
          i++;
          done = true;
        } else if (QUOTES.includes(c)) {
          state = c;
        } else if (c === '\\') {
          escapedState = 'a';
          state = c;
        } else token += c;
      }
    }
    if (col < 0) break;
    if (token !== '' || quoted) out.push({ text: token, col });
    if (i >= chars.length) break;
  }
  return out;
}

/** The words of `shlexSplit`, without columns. */
export function shlexWords(s: string, opts: { comments?: boolean } = {}): string[] {
  return shlexSplit(s, opts).map((t) => t.text);
}
