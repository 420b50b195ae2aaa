/**
 * The nunjucks parser plus Jinja2 slices (`x[1:]`, `s[:8]`, `l[::-1]`) and test arguments without
 * parentheses (`n is divisibleby 3`), without nunjucks' global
 * `installJinjaCompat` patching: this parser instance retries a failed `[...]` as a slice and turns it into
 * `__rm_slice(start, stop, step)`, which attribute lookup (`__rm_get`) applies with Python semantics.
 */
import { jinjaTokenizer } from './jinja-lexer';
import type { NjNode } from './strict-transform';

/* eslint-disable @typescript-eslint/no-require-imports */
type Ctor = new (...a: unknown[]) => NjNode;
const nodes = require('nunjucks/src/nodes') as Record<string, Ctor>;
const lexer = require('nunjucks/src/lexer') as {
  lex(src: string, opts: unknown): Tokenizer;
  TOKEN_LEFT_BRACKET: string;
  TOKEN_RIGHT_BRACKET: string;
  TOKEN_COLON: string;
};
interface Tokenizer {
  index: number;
  lineno: number;
  colno: number;
}
interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
interface NjParser {
  tokens: Tokenizer;
  parseIs(): NjNode;
  parseCompare(): NjNode;
  parsePrimary(): NjNode;
  skipSymbol(name: string): boolean;
  peeked: unknown;
  extensions: unknown[];
  parseAggregate(): NjNode;
  parsePostfix(node: NjNode): NjNode;
  parseSignature(): NjNode;
  parseExpression(): NjNode;
  parseAsRoot(): NjNode;
  peekToken(): Token;
  nextToken(): Token;
  skip(type: string): boolean;
  fail(msg: string, lineno?: number, colno?: number): never;
}
const Parser = (require('nunjucks/src/parser') as { Parser: new (tokens: Tokenizer) => NjParser }).Parser;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A Python slice, as the key of a lookup. */
export class PySlice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {}
}

/** `value[start:stop:step]` on a list or string. */
export function applySlice<T>(value: T[] | string, s: PySlice): T[] | string {
  const list = typeof value === 'string' ? [...value] : value;
  const n = list.length;
  const step = s.step ?? 1;
  if (step === 0) throw new Error('slice step cannot be zero');
  const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i, lo), hi);
  const norm = (i: number | null, dflt: number, lo: number, hi: number) =>
    i === null ? dflt : clamp(i < 0 ? i + n : i, lo, hi);
  const out: (T | string)[] = [];
  if (step > 0) {
    for (let i = norm(s.start, 0, 0, n); i < norm(s.stop, n, 0, n); i += step) out.push(list[i]);
  } else {
    for (let i = norm(s.start, n - 1, -1, n - 1); i > norm(s.stop, -1, -1, n - 1); i += step)
      out.push(list[i]);
  }
  return typeof value === 'string' ? out.join('') : (out as T[]);
}

export function parseJinja(src: string, extensions: unknown[], opts: unknown): NjNode {
  const p = new Parser(jinjaTokenizer(lexer.lex(src, opts)));
  p.extensions = extensions;
  const plain = Parser.prototype.parseAggregate;
  p.parseAggregate = function parseAggregate(this: NjParser): NjNode {
    if (this.peekToken().type === 'left-paren') return parseGroup(this);
    const t = this.tokens;
    // back up over the opening bracket, like nunjucks' jinja-compat does
    const before = { index: t.index - 1, lineno: t.lineno, colno: t.colno - 1 };
    try {
      return plain.call(this);
    } catch (err) {
      const after = { index: t.index, lineno: t.lineno, colno: t.colno };
      const rethrow = () => {
        Object.assign(t, after);
        return err;
      };
      Object.assign(t, before);
      this.peeked = false;
      const tok = this.peekToken();
      if (tok.type !== lexer.TOKEN_LEFT_BRACKET) throw rethrow();
      this.nextToken();
      const parts: (NjNode | null)[] = [null, null, null];
      let isSlice = false;
      for (let i = 0; i <= 3; i++) {
        if (this.skip(lexer.TOKEN_RIGHT_BRACKET)) break;
        if (i === 3) {
          if (isSlice) this.fail('too many slice components', tok.lineno, tok.colno);
          break;
        }
        if (this.skip(lexer.TOKEN_COLON)) isSlice = true;
        else {
          parts[i] = this.parseExpression();
          isSlice = this.skip(lexer.TOKEN_COLON) || isSlice;
        }
      }
      if (!isSlice) throw rethrow();
      const args = parts.map((x) => x ?? new nodes.Literal(tok.lineno, tok.colno, null));
      const call = new nodes.FunCall(
        tok.lineno,
        tok.colno,
        new nodes.Symbol(tok.lineno, tok.colno, '__rm_slice'),
        new nodes.NodeList(tok.lineno, tok.colno, args),
      );
      return new nodes.Array(tok.lineno, tok.colno, [call]);
    }
  };
  p.parseIs = parseIsWithBareArgument;
  p.parsePostfix = function parsePostfix(this: NjParser, node: NjNode): NjNode {
    return parsePostfixJinja(this, node);
  };
  return p.parseAsRoot();
}

/**
 * `( ... )`: a group, or Python's tuple when it has a comma (`(a,)`, `(a, b)`) or nothing (`()`); nunjucks
 * refuses the trailing comma of `(a,)`. A tuple is marked `tuple: true` for the rewrite (strict-transform).
 */
function parseGroup(p: NjParser): NjNode {
  const tok = p.nextToken();
  const node = new nodes.Group(tok.lineno, tok.colno) as NjNode & { children: NjNode[]; tuple?: boolean };
  let comma = false;
  for (;;) {
    if (p.skip('right-paren')) break;
    if (node.children.length > 0) {
      if (!p.skip('comma')) p.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
      comma = true;
      if (p.skip('right-paren')) break;
    }
    node.children.push(p.parseExpression());
  }
  if (comma || node.children.length === 0) node.tuple = true;
  return node;
}

/**
 * nunjucks' postfix loop (calls, `[...]`, `.name`) plus Jinja2's numeric attributes: `item.0.name` is
 * `item[0]['name']` (with_subelements, with_together); nunjucks' lexer reads the `0.` of `0.name` as a float.
 */
function parsePostfixJinja(p: NjParser, node: NjNode): NjNode {
  const lookup = (tok: Token, key: string | number) =>
    (node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(tok.lineno, tok.colno, key)));
  for (let tok = p.peekToken(); tok; tok = p.peekToken()) {
    if (tok.type === 'left-paren') {
      node = new nodes.FunCall(tok.lineno, tok.colno, node, p.parseSignature());
    } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
      const agg = p.parseAggregate() as NjNode & { children: NjNode[] };
      if (agg.children.length > 1) p.fail('invalid index');
      node = new nodes.LookupVal(tok.lineno, tok.colno, node, agg.children[0]);
    } else if (tok.type === 'operator' && tok.value === '.') {
      p.nextToken();
      const val = p.nextToken();
      if (val.type === 'symbol') lookup(tok, val.value);
      else if (val.type === 'int') lookup(tok, Number(val.value));
      else if (val.type === 'float') {
        const [a, b] = val.value.split('.');
        lookup(tok, Number(a));
        if (b) lookup(tok, Number(b));
        else {
          // `0.` then the next attribute's name (or number)
          const next = p.nextToken();
          if (next.type === 'symbol') lookup(tok, next.value);
          else if (next.type === 'int') lookup(tok, Number(next.value));
          else p.fail(`expected name as lookup value, got ${next.value}`, next.lineno, next.colno);
        }
      } else p.fail(`expected name as lookup value, got ${val.value}`, val.lineno, val.colno);
    } else break;
  }
  return node;
}

const ARG_START = new Set([
  'int',
  'float',
  'string',
  'boolean',
  'none',
  'symbol',
  'left-bracket',
  'left-curly',
]);
const NOT_AN_ARG = new Set(['and', 'or', 'else', 'if', 'is', 'not', 'in']);

/** Jinja2's `x is divisibleby 3` / `x is sameas false`: one test argument without parentheses. */
function parseIsWithBareArgument(this: NjParser): NjNode {
  let node = this.parseCompare();
  if (!this.skipSymbol('is')) return node;
  const not = this.skipSymbol('not');
  let test = this.parseCompare();
  if (test.typename === 'Symbol') {
    const tok = this.peekToken() as Token | null;
    if (tok && ARG_START.has(tok.type) && !(tok.type === 'symbol' && NOT_AN_ARG.has(tok.value))) {
      const arg = this.parsePrimary();
      test = new nodes.FunCall(
        test.lineno,
        test.colno,
        test,
        new nodes.NodeList(arg.lineno, arg.colno, [arg]),
      );
    }
  }
  node = new nodes.Is(node.lineno, node.colno, node, test);
  return not ? new nodes.Not(node.lineno, node.colno, node) : node;
}
