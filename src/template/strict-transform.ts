/**
 * Compile-time rewrite of a nunjucks AST for Ansible's StrictUndefined semantics and native types:
 *
 * - a variable used as a value (`{{ x }}`, `x + 1`, `if x`) compiles to `__rm_var(x, "x")`, which throws
 *   `'x' is undefined` — except under `is defined` / `is undefined` and as the subject of `default`/`d`/
 *   `mandatory`, where undefined flows through;
 * - `a.b` / `a[0]` compile to `__rm_get(a, "b", strict, "a")`: Python methods and negative indexes, and
 *   `'a' has no attribute 'b'` in strict positions;
 * - `{{ expr }}` output goes through `__rm_str` (Python str(): True, None, ['a']) or, when the template is one
 *   expression, `__rm_capture` (keeps the native value);
 * - `x is test(args)` compiles to `__rm_test("test", x, args)`;
 * - `{% for k in d %}` walks `__rm_iter(d)`: a dict's keys, as Jinja2 does;
 * - `True`, `False`, `None` are literals, as in Jinja2.
 */
// nunjucks ships no types for its parser and AST; this is the part we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nunjucksNodes = require('nunjucks/src/nodes') as NodeModule;

export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  value?: unknown;
  children?: NjNode[];
  [field: string]: unknown;
}
type NodeCtor = new (lineno: number, colno: number, ...fields: unknown[]) => NjNode;
interface NodeModule {
  Node: NodeCtor;
  [name: string]: NodeCtor;
}

/** Filters whose subject may be undefined. */
const SOFT_FILTERS = new Set(['default', 'd', 'mandatory']);
/** Tests whose subject may be undefined. */
const SOFT_TESTS = new Set(['defined', 'undefined']);
const LITERAL_SYMBOLS: Record<string, unknown> = { True: true, False: false, None: null };
/** Nodes whose insides we leave alone (template inheritance and extensions are not used for values). */
const OPAQUE = new Set([
  'Import',
  'FromImport',
  'Include',
  'Extends',
  'Super',
  'CallExtension',
  'CallExtensionAsync',
  'TemplateData',
  'Literal',
]);

function isNode(v: unknown): v is NjNode {
  return v instanceof nunjucksNodes.Node;
}

function lit(at: NjNode, value: unknown): NjNode {
  return new nunjucksNodes.Literal(at.lineno, at.colno, value);
}

function call(at: NjNode, fn: string, args: NjNode[]): NjNode {
  return new nunjucksNodes.FunCall(
    at.lineno,
    at.colno,
    new nunjucksNodes.Symbol(at.lineno, at.colno, fn),
    new nunjucksNodes.NodeList(at.lineno, at.colno, args),
  );
}

/** A readable name for an expression, for error messages: `a.b[0]`. */
export function describeNode(n: NjNode): string {
  if (n.typename === 'Symbol') return String(n.value);
  if (n.typename === 'LookupVal') {
    const target = describeNode(n.target as NjNode);
    const val = n.val as NjNode;
    if (val.typename === 'Literal') {
      return typeof val.value === 'string' && /^[A-Za-z_]\w*$/.test(val.value)
        ? `${target}.${val.value}`
        : `${target}[${JSON.stringify(val.value)}]`;
    }
    return `${target}[${describeNode(val)}]`;
  }
  if (n.typename === 'Literal') return JSON.stringify(n.value);
  return 'expression';
}

function testName(right: NjNode): string {
  const name = (right.name as NjNode | undefined) ?? right;
  return String(name.value);
}

function txGeneric(node: NjNode): NjNode {
  for (const f of node.fields) {
    const v = node[f];
    if (isNode(v)) node[f] = tx(v, true);
    else if (Array.isArray(v)) node[f] = v.map((c: unknown) => (isNode(c) ? tx(c, true) : c));
  }
  return node;
}

/** Rewrite an expression or statement; `hard` = an undefined value here is an error. */
function tx(node: NjNode, hard: boolean): NjNode {
  if (OPAQUE.has(node.typename)) return node;
  switch (node.typename) {
    case 'Symbol': {
      const name = String(node.value);
      if (name in LITERAL_SYMBOLS) return lit(node, LITERAL_SYMBOLS[name]);
      return hard ? call(node, '__rm_var', [node, lit(node, name)]) : call(node, '__rm_soft', [node]);
    }
    case 'LookupVal': {
      const target = tx(node.target as NjNode, hard);
      const val = tx(node.val as NjNode, true);
      return call(node, '__rm_get', [
        target,
        val,
        lit(node, hard),
        lit(node, describeNode(node.target as NjNode)),
      ]);
    }
    case 'Filter':
    case 'FilterAsync': {
      const name = String((node.name as NjNode).value);
      const args = node.args as NjNode;
      args.children = (args.children ?? []).map((c, i) => tx(c, !(i === 0 && SOFT_FILTERS.has(name))));
      return node;
    }
    case 'Is': {
      // nunjucks compiles tests with two or more arguments wrongly: call them through `__rm_test`.
      const right = node.right as NjNode;
      const name = testName(right);
      const left = tx(node.left as NjNode, !SOFT_TESTS.has(name));
      const args = right.typename === 'FunCall' ? (tx(right.args as NjNode, true).children ?? []) : [];
      return call(node, '__rm_test', [lit(node, name), left, ...args]);
    }
    case 'FunCall': {
      const name = node.name as NjNode;
      if (name.typename !== 'Symbol') node.name = tx(name, true);
      node.args = tx(node.args as NjNode, true);
      return node;
    }
    case 'Dict': {
      // Jinja2 dict literals take expressions as keys (`{item.key: item.value}`, `{name: 1}` uses the
      // variable); nunjucks only takes string literals and reads a bare name as a string.
      const args: NjNode[] = [];
      for (const pair of node.children ?? [])
        args.push(tx(pair.key as NjNode, true), tx(pair.value as NjNode, true));
      return call(node, '__rm_dict', args);
    }
    case 'Pair': {
      const key = node.key as NjNode;
      if (key.typename !== 'Symbol') node.key = tx(key, true);
      node.value = tx(node.value as NjNode, true);
      return node;
    }
    case 'For':
    case 'AsyncEach':
    case 'AsyncAll': {
      // Jinja2's `{% for x in items if cond %}` parses here as `items if cond` without else: filter in the
      // body instead (loop.index/loop.last then count the unfiltered items).
      const arr = node.arr as NjNode;
      if (arr.typename === 'InlineIf' && !isNode(arr.else_) && isNode(node.body)) {
        node.arr = arr.body;
        node.body = new nunjucksNodes.If(arr.lineno, arr.colno, arr.cond, node.body, null);
      }
      node.arr = tx(node.arr as NjNode, true);
      // Jinja2 iterates a dict's keys; nunjucks' one-name loop walks `.length` and sees nothing in a dict
      if ((node.name as NjNode).typename === 'Symbol')
        node.arr = call(node, '__rm_iter', [node.arr as NjNode]);
      if (isNode(node.body)) node.body = tx(node.body, true);
      if (isNode(node.else_)) node.else_ = tx(node.else_, true);
      return node;
    }
    case 'Set':
      if (isNode(node.value)) node.value = tx(node.value, true);
      if (isNode(node.body)) node.body = tx(node.body, true);
      return node;
    case 'Macro':
    case 'Caller':
      if (isNode(node.body)) node.body = tx(node.body, true);
      return node;
    case 'Add':
      return call(node, '__rm_add', [tx(node.left as NjNode, true), tx(node.right as NjNode, true)]);
    case 'Concat':
      return call(node, '__rm_concat', [tx(node.left as NjNode, true), tx(node.right as NjNode, true)]);
    case 'Mod':
      return call(node, '__rm_mod', [tx(node.left as NjNode, true), tx(node.right as NjNode, true)]);
    case 'Group': {
      // Python's tuple `(a, b)`, `(a,)`: a list marked as a tuple (repr, `%` arguments); nunjucks would
      // evaluate it with JavaScript's comma operator.
      const kids = (node.children ?? []).map((c) => tx(c, hard));
      if (!(node as { tuple?: boolean }).tuple && kids.length === 1) return kids[0];
      return call(node, '__rm_tuple', kids);
    }
    case 'Mul':
      return call(node, '__rm_mul', [tx(node.left as NjNode, true), tx(node.right as NjNode, true)]);
    case 'Not':
      return call(node, '__rm_not', [tx(node.target as NjNode, true)]);
    case 'Or':
    case 'And': {
      // Python: the deciding operand is the result, evaluated once, with Python truthiness.
      const left = call(node, '__rm_keep', [tx(node.left as NjNode, true)]);
      const right = tx(node.right as NjNode, true);
      const take = call(node, '__rm_take', []);
      const thenRight = call(node, '__rm_second', [call(node, '__rm_take', []), right]);
      return node.typename === 'Or'
        ? new nunjucksNodes.InlineIf(node.lineno, node.colno, left, take, thenRight)
        : new nunjucksNodes.InlineIf(node.lineno, node.colno, left, thenRight, take);
    }
    case 'If':
    case 'IfAsync':
    case 'InlineIf':
      node.cond = call(node, '__rm_truthy', [tx(node.cond as NjNode, true)]);
      if (isNode(node.body)) node.body = tx(node.body, true);
      if (isNode(node.else_)) node.else_ = tx(node.else_, true);
      return node;
    case 'Compare': {
      const args: NjNode[] = [tx(node.expr as NjNode, true)];
      for (const op of node.ops as NjNode[]) args.push(lit(op, op.type), tx(op.expr as NjNode, true));
      return call(node, '__rm_cmp', args);
    }
    case 'Output':
      node.children = (node.children ?? []).map((c) =>
        c.typename === 'TemplateData' ? c : call(c, '__rm_str', [tx(c, true), lit(c, describeNode(c))]),
      );
      return node;
    default:
      return txGeneric(node);
  }
}

/**
 * Rewrite a parsed template in place. Returns whether it is a single `{{ expr }}` (then its value is
 * captured natively through `__rm_capture` instead of printed).
 */
export function strictTransform(root: NjNode): { native: boolean } {
  const kids = root.children ?? [];
  const only = kids.length === 1 && kids[0].typename === 'Output' ? (kids[0].children ?? []) : [];
  if (only.length === 1 && only[0].typename !== 'TemplateData') {
    const desc = describeNode(only[0]);
    const expr = tx(only[0], true);
    (kids[0].children as NjNode[])[0] = call(expr, '__rm_capture', [expr, lit(expr, desc)]);
    return { native: true };
  }
  tx(root, true);
  return { native: false };
}

/** The filters and tests a parsed (not yet rewritten) template uses. */
export function namedFiltersAndTests(root: NjNode): { kind: 'filter' | 'test'; name: string }[] {
  const out: { kind: 'filter' | 'test'; name: string }[] = [];
  const walk = (n: NjNode) => {
    if (n.typename === 'Filter' || n.typename === 'FilterAsync')
      out.push({ kind: 'filter', name: String((n.name as NjNode).value) });
    if (n.typename === 'Is') out.push({ kind: 'test', name: testName(n.right as NjNode) });
    for (const f of n.fields) {
      const v = n[f];
      if (isNode(v)) walk(v);
      else if (Array.isArray(v)) for (const c of v) if (isNode(c)) walk(c);
    }
  };
  walk(root);
  return out;
}
