/**
 * Jinja2 ends `{{ ... }}` at the `}}` that balances it; nunjucks ends it at the first `}}`, so
 * `{{ {"a": {"b": 1}} }}` fails to parse. Before parsing, a `}` that closes a dict literal inside a tag
 * and is followed by another `}` gets a space after it. Strings, comments and raw blocks are left alone.
 */
const RAW_START = /^\{%-?\s*raw\s*-?%\}/;
const RAW_END = /\{%-?\s*endraw\s*-?%\}/;

export function balanceBraces(src: string): string {
  if (!/\}\}.*\}\}|\}\}\}/s.test(src)) return src;
  let out = '';
  let i = 0;
  while (i < src.length) {
    const two = src.slice(i, i + 2);
    if (two === '{#') {
      const end = src.indexOf('#}', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop);
      i = stop;
      continue;
    }
    const raw = RAW_START.exec(src.slice(i));
    if (raw) {
      const m = RAW_END.exec(src.slice(i + raw[0].length));
      const stop = m ? i + raw[0].length + m.index + m[0].length : src.length;
      out += src.slice(i, stop);
      i = stop;
      continue;
    }
    if (two !== '{{' && two !== '{%') {
      out += src[i++];
      continue;
    }
    const closer = two === '{{' ? '}}' : '%}';
    out += two;
    i += 2;
    let depth = 0;
    let quote = '';
    while (i < src.length) {
      const c = src[i];
      if (quote) {
        out += c;
        if (c === '\\' && i + 1 < src.length) out += src[++i];
        else if (c === quote) quote = '';
        i++;
      } else if (c === '"' || c === "'") {
        quote = c;
        out += c;
        i++;
      } else if (depth === 0 && src.startsWith(closer, i)) {
        out += closer;
        i += 2;
        break;
      } else if (c === '{') {
        depth++;
        out += c;
        i++;
      } else if (c === '}' && depth > 0) {
        depth--;
        out += src[i + 1] === '}' ? '} ' : '}';
        i++;
      } else {
        out += c;
        i++;
      }
    }
  }
  return out;
}
