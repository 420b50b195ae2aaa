/**
 * Python `re` syntax → JavaScript RegExp, the one translation for the regex_* filters, the match/search
 * tests and the modules that take Python regexes (lineinfile, replace, blockinfile, find, assemble).
 * The pattern is rewritten token by token into a `u`-mode JavaScript pattern that means what Python means:
 * `^`/`$`/`.` as Python reads them (only `\n` ends a line; `$` also matches before a final newline; `m`/`s`
 * change them), `\A`/`\Z`, Unicode `\d`/`\w`/`\s`/`\b` (ASCII with `(?a)`), `(?P<n>...)`/`(?P=n)`,
 * `(?#...)`, leading global flags `(?aimsx)` including verbose mode, `{,n}`, literal `{`/`}`/`]`, octal and
 * `\U` escapes. What JavaScript cannot do is refused with a clear error rather than matched differently:
 * possessive quantifiers, atomic groups, scoped flags `(?i:...)`, conditionals `(?(1)...)`, `\N{...}`.
 * Errors Python raises (bad escapes, global flags not at the start) are raised too.
 * Proved against python3 by test/template/golden/py-regex.json.
 */

export interface PyRegexFlags {
  /** re.ASCII, and what a bytes pattern means (lineinfile, blockinfile compile theirs as bytes). */
  ascii?: boolean;
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

/** A pattern Python accepts but JavaScript cannot match the same way, or one Python refuses. */
export class PyRegexError extends Error {}

const WORD = '\\p{L}\\p{N}_';
const SPACE =
  '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SYNTAX = '^$\\.*+?()[]{}|/';

interface Mode {
  ascii: boolean;
  multiline: boolean;
  dotall: boolean;
  verbose: boolean;
}

function classBody(c: string, m: Mode): string | undefined {
  switch (c) {
    case 'd':
      return m.ascii ? '0-9' : '\\p{Nd}';
    case 'w':
      return m.ascii ? 'A-Za-z0-9_' : WORD;
    case 's':
      return m.ascii ? '\\t\\n\\x0b\\x0c\\r ' : SPACE;
    default:
      return undefined;
  }
}

function wordBoundary(m: Mode, negate: boolean): string {
  const w = `[${classBody('w', m)}]`;
  const at = `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
  const not = `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
  return negate ? not : at;
}

function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** One escape `\X...` at chars[i] (the backslash); returns the JS text and the next index. */
function escape(chars: string[], i: number, m: Mode, inClass: boolean): [string, number] {
  const c = chars[i + 1];
  if (c === undefined) throw new PyRegexError('bad escape (end of pattern)');
  const at = i;
  const hexDigits = (n: number): [string, number] => {
    const h = chars.slice(i + 2, i + 2 + n).join('');
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h))
      throw new PyRegexError(`incomplete escape \\${c}${h} at position ${at}`);
    return [codePointEscape(parseInt(h, 16)), i + 2 + n];
  };
  switch (c) {
    case 'd':
    case 'w':
    case 's':
      return [inClass ? classBody(c, m)! : `[${classBody(c, m)}]`, i + 2];
    case 'D':
    case 'W':
    case 'S': {
      const lower = c.toLowerCase();
      if (inClass) {
        if (lower === 'd' && !m.ascii) return ['\\P{Nd}', i + 2];
        throw new PyRegexError(`\\${c} inside a character class is not supported (use a group with |)`);
      }
      return [`[^${classBody(lower, m)}]`, i + 2];
    }
    case 'b':
      return [inClass ? '\\x08' : wordBoundary(m, false), i + 2];
    case 'B':
      if (inClass) throw new PyRegexError(`bad escape \\B at position ${at}`);
      return [wordBoundary(m, true), i + 2];
    case 'A':
      if (inClass) throw new PyRegexError(`bad escape \\A at position ${at}`);
      return ['(?<![\\s\\S])', i + 2];
    case 'Z':
      if (inClass) throw new PyRegexError(`bad escape \\Z at position ${at}`);
      return ['(?![\\s\\S])', i + 2];
    case 'n':
      return ['\\n', i + 2];
    case 't':
      return ['\\t', i + 2];
    case 'r':
      return ['\\r', i + 2];
    case 'f':
      return ['\\f', i + 2];
    case 'v':
      return ['\\v', i + 2];
    case 'a':
      return ['\\x07', i + 2];
    case 'x':
      return hexDigits(2);
    case 'u':
      return hexDigits(4);
    case 'U': {
      const [, next] = hexDigits(8);
      const cp = parseInt(chars.slice(i + 2, i + 10).join(''), 16);
      if (cp > 0x10ffff) throw new PyRegexError(`bad escape \\U at position ${at}`);
      return [codePointEscape(cp), next];
    }
    case 'N':
      throw new PyRegexError('\\N{...} named characters are not supported');
    default:
      break;
  }
  if (/[0-9]/.test(c)) {
    // Python: \0 or three octal digits is an octal escape; otherwise \1..\99 is a group reference.
    const digits = chars.slice(i + 1, i + 4).join('');
    const oct = /^[0-7]{3}/.exec(digits) ?? (c === '0' ? /^0[0-7]{0,2}/.exec(digits) : null);
    if (oct) {
      const cp = parseInt(oct[0], 8);
      if (cp > 0o377)
        throw new PyRegexError(`octal escape value \\${oct[0]} outside of range 0-0o377 at position ${at}`);
      return [codePointEscape(cp), i + 1 + oct[0].length];
    }
    if (inClass) throw new PyRegexError(`bad escape \\${c} at position ${at}`);
    const ref = /^[0-9]{1,2}/.exec(digits)![0];
    return [`(?:\\${ref})`, i + 1 + ref.length];
  }
  if (/[A-Za-z]/.test(c)) throw new PyRegexError(`bad escape \\${c} at position ${at}`);
  // An escaped non-letter is that character.
  if (SYNTAX.includes(c) || (inClass && c === '-')) return ['\\' + c, i + 2];
  return [c, i + 2];
}

/** Translate a Python pattern; returns the JS source and flags (without `g`). */
export function translatePyRegex(
  pattern: string,
  flags: PyRegexFlags = {},
): { source: string; flags: string } {
  const chars = [...pattern];
  let i = 0;
  const m: Mode = {
    ascii: Boolean(flags.ascii),
    multiline: Boolean(flags.multiline),
    dotall: Boolean(flags.dotall),
    verbose: false,
  };
  let ignorecase = Boolean(flags.ignorecase);
  const setFlags = (f: string, at: number) => {
    for (const c of f) {
      if (c === 'i') ignorecase = true;
      else if (c === 'm') m.multiline = true;
      else if (c === 's') m.dotall = true;
      else if (c === 'x') m.verbose = true;
      else if (c === 'a') m.ascii = true;
      else if (c === 'u') continue;
      else throw new PyRegexError(`unknown flag at position ${at}`);
    }
  };
  // Leading global flags, possibly several groups: (?i)(?m)...
  for (;;) {
    const rest = chars.slice(i).join('');
    const g = /^\(\?([a-zA-Z]+)\)/.exec(rest);
    if (!g) break;
    setFlags(g[1], i + 2);
    i += [...g[0]].length;
  }
  let out = '';
  let inClass = false;
  let classStart = false;
  let lastAtom = false; // something a quantifier can follow
  let lastQuant = false; // the previous token was a quantifier
  const groups = { opened: 0, closed: new Set<number>(), stack: [] as number[] };
  const quantDone = () => {
    // possessive: a quantifier followed by '+'
    if (chars[i] === '+')
      throw new PyRegexError('possessive quantifiers (*+, ++, ?+, {n}+) are not supported');
    lastAtom = false;
    lastQuant = true;
  };
  while (i < chars.length) {
    const c = chars[i];
    if (inClass) {
      if (c === ']' && !classStart) {
        out += ']';
        inClass = false;
        i++;
        lastAtom = true;
        lastQuant = false;
        continue;
      }
      classStart = false;
      if (c === '\\') {
        const [t, next] = escape(chars, i, m, true);
        out += t;
        i = next;
      } else if (c === ']' || c === '[') {
        out += '\\' + c;
        i++;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (m.verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (m.verbose && c === '#') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    switch (c) {
      case '\\': {
        const ref = /^\\([1-9][0-9]?)/.exec(chars.slice(i, i + 4).join(''));
        if (ref && !/^\\[0-7]{3}/.test(chars.slice(i, i + 4).join(''))) {
          const n = Number(ref[1]);
          if (!groups.closed.has(n))
            throw new PyRegexError(
              n <= groups.opened
                ? `cannot refer to an open group at position ${i}`
                : `invalid group reference ${n} at position ${i + 1}`,
            );
        }
        const [t, next] = escape(chars, i, m, false);
        out += t;
        i = next;
        lastAtom = true;
        lastQuant = false;
        break;
      }
      case '[':
        out += '[';
        i++;
        inClass = true;
        classStart = true;
        if (chars[i] === '^') {
          out += '^';
          i++;
        }
        if (chars[i] === ']') {
          out += '\\]';
          i++;
          classStart = false;
        }
        break;
      case '.':
        out += m.dotall ? '[\\s\\S]' : '[^\\n]';
        i++;
        lastAtom = true;
        lastQuant = false;
        break;
      case '^':
        out += m.multiline ? '(?<![^\\n])' : '(?<![\\s\\S])';
        i++;
        lastAtom = false;
        lastQuant = false;
        break;
      case '$':
        out += m.multiline ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
        i++;
        lastAtom = false;
        lastQuant = false;
        break;
      case '(': {
        const rest = chars.slice(i, i + 40).join('');
        let g: RegExpExecArray | null;
        if ((g = /^\(\?P<([A-Za-z_]\w*)>/u.exec(rest))) {
          groups.stack.push(++groups.opened);
          out += `(?<${g[1]}>`;
          i += [...g[0]].length;
        } else if ((g = /^\(\?P=([A-Za-z_]\w*)\)/u.exec(rest))) {
          out += `\\k<${g[1]}>`;
          i += [...g[0]].length;
          lastAtom = true;
          lastQuant = false;
          break;
        } else if (rest.startsWith('(?#')) {
          while (i < chars.length && chars[i] !== ')') i++;
          if (i >= chars.length) throw new PyRegexError('missing ), unterminated comment');
          i++;
          break;
        } else if (/^\(\?(?::|=|!|<=|<!)/.test(rest)) {
          const len = rest.startsWith('(?<') ? 4 : 3;
          groups.stack.push(0);
          out += rest.slice(0, len);
          i += len;
        } else if (rest.startsWith('(?>')) {
          throw new PyRegexError('atomic groups (?>...) are not supported');
        } else if (rest.startsWith('(?(')) {
          throw new PyRegexError('conditional groups (?(id)yes|no) are not supported');
        } else if ((g = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest))) {
          throw new PyRegexError(
            `scoped inline flags (?${g[1]}${g[2] !== undefined ? '-' + g[2] : ''}:...) are not supported`,
          );
        } else if (/^\(\?[a-zA-Z]+\)/.test(rest)) {
          throw new PyRegexError(`global flags not at the start of the expression at position ${i}`);
        } else if (rest.startsWith('(?<')) {
          throw new PyRegexError(`unknown extension ?<${chars[i + 3] ?? ''} at position ${i + 1}`);
        } else if (rest.startsWith('(?')) {
          throw new PyRegexError(`unknown extension ?${chars[i + 2] ?? ''} at position ${i + 1}`);
        } else {
          groups.stack.push(++groups.opened);
          out += '(';
          i++;
        }
        lastAtom = false;
        lastQuant = false;
        break;
      }
      case ')': {
        const n = groups.stack.pop();
        if (n === undefined) throw new PyRegexError(`unbalanced parenthesis at position ${i}`);
        if (n > 0) groups.closed.add(n);
        out += ')';
        i++;
        lastAtom = true;
        lastQuant = false;
        break;
      }
      case '*':
      case '+':
      case '?':
        if (!lastAtom) {
          if (lastQuant && c === '?') {
            // lazy
            out += '?';
            i++;
            if (chars[i] === '+') throw new PyRegexError('multiple repeat');
            lastQuant = false;
            break;
          }
          throw new PyRegexError(
            lastQuant ? `multiple repeat at position ${i}` : `nothing to repeat at position ${i}`,
          );
        }
        out += c;
        i++;
        quantDone();
        break;
      case '{': {
        const rest = chars.slice(i, i + 30).join('');
        const q = /^\{(\d*)(,(\d*))?\}/.exec(rest);
        if (q && (q[1] !== '' || (q[2] !== undefined && q[3] !== ''))) {
          if (!lastAtom)
            throw new PyRegexError(
              lastQuant ? `multiple repeat at position ${i}` : `nothing to repeat at position ${i}`,
            );
          const lo = q[1] === '' ? '0' : q[1];
          out += q[2] === undefined ? `{${lo}}` : `{${lo},${q[3]}}`;
          i += q[0].length;
          quantDone();
        } else {
          out += '\\{';
          i++;
          lastAtom = true;
          lastQuant = false;
        }
        break;
      }
      case '}':
      case ']':
      case '/':
        out += '\\' + c;
        i++;
        lastAtom = true;
        lastQuant = false;
        break;
      case '|':
        out += '|';
        i++;
        lastAtom = false;
        lastQuant = false;
        break;
      default:
        out += c;
        i++;
        lastAtom = true;
        lastQuant = false;
    }
  }
  if (groups.stack.length) throw new PyRegexError('missing ), unterminated subpattern');
  if (inClass) throw new PyRegexError(`unterminated character set at position ${pattern.lastIndexOf('[')}`);
  return { source: out, flags: ignorecase ? 'iu' : 'u' };
}

export function pyRegex(pattern: string, flags: PyRegexFlags = {}, global = false): RegExp {
  try {
    const t = translatePyRegex(pattern, flags);
    return new RegExp(t.source, t.flags + (global ? 'g' : ''));
  } catch (err) {
    const msg = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${msg}`);
  }
}

/** Python's re.match (anchored at the start) / re.fullmatch (the whole string) with a pyRegex. */
export function pyAnchored(re: RegExp, s: string, kind: 'match' | 'fullmatch'): RegExpExecArray | null {
  const anchored = new RegExp(
    kind === 'match' ? `^(?:${re.source})` : `^(?:${re.source})$`,
    re.flags.replace('g', ''),
  );
  return anchored.exec(s);
}

/** Python replacement string (`\1`, `\g<1>`, `\g<name>`, `\n`...) → a JS replacer function. */
export function pyReplacement(repl: string): (match: string, ...rest: unknown[]) => string {
  // Checked once, as Python compiles the template before substituting.
  const parts: (string | { group: string })[] = [];
  const re = /\\(?:g<([^>]*)>|([0-9]{1,3})|(.))|([^\\]+)|(\\)$/gs;
  for (const m of repl.matchAll(re)) {
    const [, g, d, c, text, trailing] = m;
    if (text !== undefined) parts.push(text);
    else if (trailing !== undefined) throw new Error('bad escape (end of pattern)');
    else if (g !== undefined) {
      if (!/^(\d+|[A-Za-z_]\w*)$/u.test(g)) throw new Error(`bad character in group name ${pyQuote(g)}`);
      parts.push({ group: g });
    } else if (d !== undefined) {
      if (/^0|^[0-7]{3}$/.test(d)) {
        const oct = /^[0-7]{1,3}/.exec(d)![0];
        parts.push(String.fromCodePoint(parseInt(oct, 8)) + d.slice(oct.length));
      } else {
        const ref = d.slice(0, 2);
        parts.push({ group: ref }, d.slice(2));
      }
    } else {
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        f: '\f',
        v: '\v',
        a: '\x07',
        b: '\b',
        '\\': '\\',
      };
      if (c! in simple) parts.push(simple[c!]);
      else if (/[A-Za-z]/.test(c!)) throw new Error(`bad escape \\${c}`);
      else parts.push('\\' + c);
    }
  }
  return (match: string, ...rest: unknown[]) => {
    const last = rest[rest.length - 1];
    const hasNamed = typeof last === 'object' && last !== null;
    const named = hasNamed ? (last as Record<string, string | undefined>) : {};
    const groupCount = rest.length - (hasNamed ? 3 : 2);
    const groups = rest.slice(0, groupCount) as (string | undefined)[];
    return parts
      .map((p) => {
        if (typeof p === 'string') return p;
        if (/^\d+$/.test(p.group)) {
          const n = Number(p.group);
          if (n > groupCount) throw new Error(`invalid group reference ${n}`);
          return n === 0 ? match : (groups[n - 1] ?? '');
        }
        if (!(p.group in named)) throw new Error(`unknown group name '${p.group}'`);
        return named[p.group] ?? '';
      })
      .join('');
  };
}

function pyQuote(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`;
}
