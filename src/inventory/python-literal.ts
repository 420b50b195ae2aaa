/**
 * Ansible types INI inventory values with Python's `ast.literal_eval`: `5` is an int, `True` a boolean,
 * `[1, 2]` a list, `'a b'` a string; anything that is not a Python literal (`FALSE`, `1.2.3.4`, `08`,
 * `hello world`) stays the raw string. This is a small parser for that literal subset.
 */

/** Thrown (one shared instance, no stack capture per value) when the text is not a Python literal. */
class NotALiteral {}
const NOT_A_LITERAL = new NotALiteral();

const NAMED: Record<string, unknown> = { True: true, False: false, None: null };

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i < this.s.length) throw NOT_A_LITERAL;
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && /[ \t\r\n]/.test(this.s[this.i]!)) this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) throw NOT_A_LITERAL;
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.tuple();
    if (c === '{') return this.braces();
    if (c === '+' || c === '-') {
      this.i++;
      const n = this.value();
      if (typeof n !== 'number') throw NOT_A_LITERAL;
      return c === '-' ? -n : n;
    }
    if (/[0-9.]/.test(c)) return this.number();
    if (/[A-Za-z_]/.test(c)) {
      const m = /^([rRuUbB]{0,2})(['"])/.exec(this.s.slice(this.i));
      if (m) return this.strings();
      const w = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))![0];
      if (!(w in NAMED)) throw NOT_A_LITERAL;
      this.i += w.length;
      return NAMED[w];
    }
    if (c === '"' || c === "'") return this.strings();
    throw NOT_A_LITERAL;
  }

  private number(): number {
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?/.exec(rest);
    if (!m || m[0] === '.') throw NOT_A_LITERAL;
    const text = m[0].replace(/_/g, '');
    this.i += m[0].length;
    if (/[jJ]/.test(this.s[this.i] ?? '')) throw NOT_A_LITERAL; // complex: not worth it
    if (/^0[xob]/i.test(text)) return Number(text.toLowerCase());
    if (/^\d+$/.test(text)) {
      // Python 3 rejects leading zeros in decimal ints ("08"), except for zero itself ("00").
      if (text.length > 1 && text[0] === '0' && /[1-9]/.test(text)) throw NOT_A_LITERAL;
      return Number(text);
    }
    return Number(text);
  }

  /** One or more adjacent string literals, concatenated as Python does. */
  private strings(): string {
    let out = '';
    let any = false;
    for (;;) {
      this.ws();
      const m = /^([rRuUbB]{0,2})('''|"""|'|")/.exec(this.s.slice(this.i));
      if (!m) break;
      any = true;
      const prefix = m[1]!.toLowerCase();
      const q = m[2]!;
      this.i += m[0].length;
      out += this.stringBody(q, prefix.includes('r'));
    }
    if (!any) throw NOT_A_LITERAL;
    return out;
  }

  private stringBody(q: string, rawStr: boolean): string {
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw NOT_A_LITERAL;
      if (this.s.startsWith(q, this.i)) {
        this.i += q.length;
        return out;
      }
      const c = this.s[this.i]!;
      if (c === '\n' && q.length === 1) throw NOT_A_LITERAL;
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const n = this.s[this.i + 1];
      if (n === undefined) throw NOT_A_LITERAL;
      if (rawStr) {
        out += c + n;
        this.i += 2;
        continue;
      }
      this.i += 2;
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        "'": "'",
        '"': '"',
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
        '0': '\0',
        '\n': '',
      };
      if (n in simple) out += simple[n];
      else if (n === 'x' || n === 'u' || n === 'U') {
        const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw NOT_A_LITERAL;
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += len;
      } else out += '\\' + n;
    }
  }

  private items(close: string): { items: unknown[]; trailingComma: boolean } {
    const items: unknown[] = [];
    let trailingComma = false;
    this.ws();
    while (this.s[this.i] !== close) {
      items.push(this.value());
      this.ws();
      trailingComma = false;
      if (this.s[this.i] === ',') {
        this.i++;
        trailingComma = true;
        this.ws();
      } else if (this.s[this.i] !== close) throw NOT_A_LITERAL;
    }
    this.i++;
    return { items, trailingComma };
  }

  private sequence(open: string, close: string): unknown[] {
    this.i++;
    void open;
    return this.items(close).items;
  }

  private tuple(): unknown {
    this.i++;
    const { items, trailingComma } = this.items(')');
    // `(5)` is just 5; `(5,)` and `()` are tuples (lists here).
    if (items.length === 1 && !trailingComma) return items[0];
    return items;
  }

  private braces(): unknown {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return {};
    }
    const first = this.value();
    this.ws();
    if (this.s[this.i] !== ':') {
      // a set: keep it as a list
      const rest: unknown[] = [first];
      if (this.s[this.i] === ',') {
        this.i++;
        rest.push(...this.items('}').items);
      } else if (this.s[this.i] === '}') this.i++;
      else throw NOT_A_LITERAL;
      return rest;
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      this.i++; // ':'
      if (key !== null && typeof key === 'object') throw NOT_A_LITERAL;
      out[String(key)] = this.value();
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        this.ws();
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      key = this.value();
      this.ws();
      if (this.s[this.i] !== ':') throw NOT_A_LITERAL;
    }
  }
}

/** `ast.literal_eval(text)` when it succeeds, else the text itself (Ansible's INI `_parse_value`). */
export function parseIniValue(text: string): unknown {
  // fast path: most values (paths, host names, words) cannot start a literal
  const c = text.trimStart()[0];
  if (c === undefined || !/[-+0-9.'"[({TFNrRuUbB]/.test(c)) return text;
  try {
    return new LiteralParser(text).parseAll();
  } catch (e) {
    if (e === NOT_A_LITERAL) return text;
    throw e;
  }
}
