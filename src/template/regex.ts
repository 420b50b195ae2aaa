/** Python `re` syntax → JavaScript RegExp, for regex_* filters and match/search tests. */

export interface PyRegexFlags {
  ignorecase?: boolean;
  multiline?: boolean;
}

export function pyRegex(pattern: string, flags: PyRegexFlags = {}, global = false): RegExp {
  let src = pattern;
  let f = global ? 'g' : '';
  // Leading inline flags: (?i), (?m), (?s), (?im)...
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const c of inline[1]) if (c !== 'x' && !f.includes(c)) f += c;
  }
  if (flags.ignorecase && !f.includes('i')) f += 'i';
  if (flags.multiline && !f.includes('m')) f += 'm';
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    // Python's \A and \Z are the absolute start and end, whatever the flags (JS `^`/`$` follow `m`).
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\Z/g, '(?![\\s\\S])');
  try {
    return new RegExp(src, f);
  } catch (err) {
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

/** Python replacement string (`\1`, `\g<1>`, `\g<name>`) → a JS replacer function. */
export function pyReplacement(repl: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]) => {
    const last = rest[rest.length - 1];
    const named =
      typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : {};
    const groupCount = rest.length - (typeof last === 'object' && last !== null ? 3 : 2);
    const groups = rest.slice(0, groupCount) as (string | undefined)[];
    const group = (g: string): string => {
      if (/^\d+$/.test(g)) return Number(g) === 0 ? match : (groups[Number(g) - 1] ?? '');
      return named[g] ?? '';
    };
    return repl.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/g, (_m, g: string, d: string, c: string) => {
      if (g !== undefined) return group(g);
      if (d !== undefined) return group(d);
      return c === 'n' ? '\n' : c === 't' ? '\t' : c === '\\' ? '\\' : `\\${c}`;
    });
  };
}
