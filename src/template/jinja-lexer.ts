/**
 * Where nunjucks' tokenizer reads templates differently from Jinja2, the tokenizer of one parse is
 * corrected: string literals decode escapes as Python's unicode-escape does (an unknown escape such as
 * `\w` keeps its backslash, so `regex_search('W\w+')` means what it says; `\x41`, `\u00e9`, octal,
 * `\a\b\f\v` and a backslash-newline decode), and with trim_blocks the newline after a comment `#}` is
 * dropped as after a block tag.
 */

interface Tokenizer {
  str: string;
  index: number;
  len: number;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  nextToken(): { type: string; value: string } | null;
  _parseString(delimiter: string): string;
  trimBlocks: boolean;
}

const SIMPLE: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

/** Python's unicode-escape decoding of a string literal's body (what Jinja2 applies to '...' and "..."). */
export function decodePythonEscapes(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n in SIMPLE) {
      out += SIMPLE[n];
      i++;
      continue;
    }
    const hex = (len: number) => {
      const h = body.slice(i + 2, i + 2 + len);
      if (h.length !== len || !/^[0-9a-fA-F]+$/.test(h))
        throw new Error(`truncated \\${n} escape in a string`);
      out += String.fromCodePoint(parseInt(h, 16));
      i += 1 + len;
    };
    if (n === 'x') hex(2);
    else if (n === 'u') hex(4);
    else if (n === 'U') hex(8);
    else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length;
    } else {
      out += '\\'; // unknown escape: Python keeps the backslash; the next character is read as usual
    }
  }
  return out;
}

/** Apply Jinja2's string escapes and comment trimming to one tokenizer (from `lexer.lex`). */
export function jinjaTokenizer<T>(tokens: T): T {
  const t = tokens as unknown as Tokenizer;
  t._parseString = function parseString(this: Tokenizer, delimiter: string): string {
    this.forward();
    let raw = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      const c = this.current();
      raw += c;
      this.forward();
      if (c === '\\' && !this.isFinished()) {
        raw += this.current();
        this.forward();
      }
    }
    this.forward();
    return decodePythonEscapes(raw);
  };
  const next = t.nextToken.bind(t);
  t.nextToken = function nextToken(this: Tokenizer) {
    const tok = next();
    if (tok && tok.type === 'comment' && this.trimBlocks) {
      if (this.str.startsWith('\r\n', this.index)) {
        this.forward();
        this.forward();
      } else if (this.str[this.index] === '\n') this.forward();
    }
    return tok;
  };
  return tokens;
}
