/**
 * The template layer builds on nunjucks' private modules (src/template/index.ts, jinja-parser.ts,
 * strict-transform.ts): its lexer, parser, AST node classes, transformer, compiler and runtime Frame.
 * nunjucks is pinned exactly in package.json; this test fails loudly, naming the internal, if an upgrade
 * changes the shape of anything we use — before a template renders wrongly.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as nunjucks from 'nunjucks';
import { Templar } from '../../src/template/index';

const ROOT = path.resolve(__dirname, '../..');
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function internal(module: string): Any {
  try {
    return require(`nunjucks/src/${module}`) as Any;
  } catch (e) {
    throw new Error(`nunjucks internal module nunjucks/src/${module} cannot be loaded: ${String(e)}`);
  }
}

function isFunction(owner: Any, name: string, what: string, user: string): void {
  assert.type(
    owner?.[name],
    'function',
    `nunjucks internal ${what} is not a function any more (used by ${user})`,
  );
}

test('nunjucks is pinned exactly, and the installed version is the pinned one', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Any;
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Any;
  const pinned = pkg.dependencies.nunjucks as string;
  assert.match(pinned, /^\d+\.\d+\.\d+$/, `package.json must pin nunjucks exactly, not '${pinned}'`);
  assert.is(lock.packages[''].dependencies.nunjucks, pinned, 'package-lock.json pins another nunjucks');
  assert.is(
    lock.packages['node_modules/nunjucks'].version,
    pinned,
    'package-lock.json resolves another nunjucks',
  );
  const installed = (require('nunjucks/package.json') as Any).version;
  assert.is(installed, pinned, `installed nunjucks ${installed} is not the pinned ${pinned}: run npm ci`);
});

test('lexer: lex() and the token type constants jinja-parser.ts reads', () => {
  const lexer = internal('lexer');
  isFunction(lexer, 'lex', 'lexer.lex', 'jinja-parser.ts');
  for (const [k, v] of Object.entries({
    TOKEN_LEFT_BRACKET: 'left-bracket',
    TOKEN_RIGHT_BRACKET: 'right-bracket',
    TOKEN_COLON: 'colon',
  }))
    assert.is(lexer[k], v, `nunjucks internal lexer.${k} changed (jinja-parser.ts)`);
  const tokens = lexer.lex('{{ x[1:] }}', {});
  for (const f of ['index', 'lineno', 'colno'])
    assert.type(
      tokens[f],
      'number',
      `nunjucks internal Tokenizer.${f} is gone (jinja-parser.ts backs up over it)`,
    );
});

test('parser: the Parser methods and fields jinja-parser.ts overrides and calls', () => {
  const { Parser } = internal('parser');
  assert.type(Parser, 'function', 'nunjucks internal parser.Parser is gone (jinja-parser.ts)');
  for (const m of [
    'parseAggregate',
    'parseIs',
    'parseCompare',
    'parsePrimary',
    'parseExpression',
    'parseAsRoot',
    'peekToken',
    'nextToken',
    'skip',
    'skipSymbol',
    'fail',
  ])
    isFunction(Parser.prototype, m, `Parser.prototype.${m}`, 'jinja-parser.ts');
  const p = new Parser(internal('lexer').lex('{{ a }}', {}));
  for (const f of ['tokens', 'peeked'])
    assert.ok(f in p, `nunjucks internal Parser#${f} is gone (jinja-parser.ts)`);
});

test('nodes: every AST node class strict-transform.ts and jinja-parser.ts build or read, with its fields', () => {
  const nodes = internal('nodes');
  const expected: Record<string, string[]> = {
    Symbol: ['value'],
    Literal: ['value'],
    LookupVal: ['target', 'val'],
    Filter: ['name', 'args'],
    FilterAsync: ['name', 'args', 'symbol'],
    Is: ['left', 'right'],
    FunCall: ['name', 'args'],
    Dict: ['children'],
    Pair: ['key', 'value'],
    For: ['arr', 'name', 'body', 'else_'],
    AsyncEach: ['arr', 'name', 'body', 'else_'],
    AsyncAll: ['arr', 'name', 'body', 'else_'],
    InlineIf: ['cond', 'body', 'else_'],
    If: ['cond', 'body', 'else_'],
    IfAsync: ['cond', 'body', 'else_'],
    Set: ['targets', 'value'],
    Macro: ['name', 'args', 'body'],
    Caller: ['name', 'args', 'body'],
    NodeList: ['children'],
    Array: ['children'],
    Compare: ['expr', 'ops'],
    CompareOperand: ['expr', 'type'],
    Add: ['left', 'right'],
    Concat: ['left', 'right'],
    Mul: ['left', 'right'],
    Mod: ['left', 'right'],
    Not: ['target'],
    And: ['left', 'right'],
    Or: ['left', 'right'],
    Output: ['children'],
    Group: ['children'],
  };
  assert.type(nodes.Node, 'function', 'nunjucks internal nodes.Node is gone (strict-transform.ts)');
  for (const [name, fields] of Object.entries(expected)) {
    assert.type(nodes[name], 'function', `nunjucks internal nodes.${name} is gone (strict-transform.ts)`);
    const n = new nodes[name](3, 7);
    assert.ok(n instanceof nodes.Node, `nunjucks internal nodes.${name} is no nodes.Node any more`);
    assert.is(n.typename, name, `nunjucks internal nodes.${name}.typename changed`);
    assert.equal(n.fields, fields, `nunjucks internal nodes.${name} fields changed (strict-transform.ts)`);
    assert.equal([n.lineno, n.colno], [3, 7], `nunjucks internal nodes.${name}(lineno, colno, ...) changed`);
  }
});

test('transformer, compiler, Template from code, runtime Frame: the compile-and-render path of index.ts', () => {
  const transformer = internal('transformer');
  const compiler = internal('compiler');
  const runtime = internal('runtime');
  isFunction(transformer, 'transform', 'transformer.transform', 'index.ts');
  assert.type(compiler.Compiler, 'function', 'nunjucks internal compiler.Compiler is gone (index.ts)');
  isFunction(compiler.Compiler.prototype, 'compile', 'Compiler.prototype.compile', 'index.ts');
  isFunction(compiler.Compiler.prototype, 'getCode', 'Compiler.prototype.getCode', 'index.ts');
  assert.type(runtime.Frame, 'function', 'nunjucks internal runtime.Frame is gone (index.ts)');
  // the same steps as Templar.compile/run, on nunjucks alone
  const env = new nunjucks.Environment(null, { autoescape: false }) as unknown as Any;
  assert.ok(
    Array.isArray(env.extensionsList),
    'nunjucks internal Environment#extensionsList is gone (index.ts)',
  );
  assert.type(env.opts, 'object', 'nunjucks internal Environment#opts is gone (index.ts)');
  for (const f of ['filters', 'tests'])
    assert.type(env[f], 'object', `nunjucks internal Environment#${f} is gone`);
  isFunction(env, 'getTest', 'Environment#getTest', 'tests.ts');
  const { Parser } = internal('parser');
  const ast = new Parser(internal('lexer').lex('{{ a ~ "!" }}', env.opts)).parseAsRoot();
  const c = new compiler.Compiler('template', false);
  c.compile(transformer.transform(ast, [], 'template'));
  const code = c.getCode();
  assert.type(code, 'string', 'nunjucks internal Compiler#getCode() no longer returns code');
  const props = new Function(code)() as Any;
  isFunction(props, 'root', 'compiled template code (no root function)', 'index.ts');
  const tmpl = new nunjucks.Template(
    { type: 'code', obj: props } as unknown as string,
    env as never,
    undefined,
    true,
  );
  const frame = new runtime.Frame();
  assert.type(
    frame.variables,
    'object',
    'nunjucks internal Frame#variables is gone (index.ts reads vars through it)',
  );
  frame.variables = { a: 'hi' };
  const out = (tmpl.render as unknown as (ctx: object, frame: unknown) => string)({}, frame);
  assert.is(
    out,
    'hi!',
    'Template#render(ctx, frame) no longer reads variables from the given frame (index.ts)',
  );
});

test('and the whole template layer still works on top of them', () => {
  const t = new Templar();
  assert.equal(t.render('{{ [3, 1, 2][1:] + [x] }}', { x: 4 }), [1, 2, 4]);
  assert.is(t.render('{{ 7 is divisibleby 7 }}', {}), true);
  assert.throws(() => t.render('{{ missing }}', {}), /missing/);
});

test.run();
