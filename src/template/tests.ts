/** Jinja2/Ansible tests (`x is defined`, `result is failed`, `v is version('1.2', '>=')`). */
import * as fs from 'node:fs';
import type * as nunjucks from 'nunjucks';
import { pyAnchored, pyRegex } from './regex';
import { isDict, isUndefinedLike, pyEqual, pyStr, splitKwargs, truthy, type Dict } from './values';

type Test = (value: unknown, ...args: unknown[]) => boolean;

function result(v: unknown): Dict {
  if (!isDict(v))
    throw new Error('this test expects a registered task result (a dict with failed/changed/rc)');
  return v;
}
const isFailed = (v: unknown) => {
  const r = result(v);
  return truthy(r.failed) || (typeof r.rc === 'number' && r.rc !== 0 && r.failed === undefined);
};

/** Loose version comparison (Python's LooseVersion): numeric parts numerically, others as strings. */
export function compareVersions(a: string, b: string): number {
  const parts = (s: string) => s.split(/[.\-+_~]|(?<=\d)(?=\D)|(?<=\D)(?=\d)/).filter((p) => p !== '');
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      if (Number(x) !== Number(y)) return Number(x) - Number(y);
    } else if (nx !== ny) return nx ? 1 : -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function version(v: unknown, other: unknown, op: unknown = 'eq'): boolean {
  const c = compareVersions(pyStr(v), pyStr(other));
  switch (String(op)) {
    case 'eq':
    case '==':
    case '=':
      return c === 0;
    case 'ne':
    case '!=':
    case '<>':
      return c !== 0;
    case 'lt':
    case '<':
      return c < 0;
    case 'le':
    case '<=':
      return c <= 0;
    case 'gt':
    case '>':
      return c > 0;
    case 'ge':
    case '>=':
      return c >= 0;
    default:
      throw new Error(`version: unknown operator '${String(op)}'`);
  }
}

function contains(container: unknown, x: unknown): boolean {
  if (typeof container === 'string') return container.includes(pyStr(x));
  if (Array.isArray(container)) return container.some((y) => pyEqual(x, y));
  if (isDict(container)) return Object.prototype.hasOwnProperty.call(container, pyStr(x));
  return false;
}

const regexTest =
  (kind: 'match' | 'search' | 'fullmatch'): Test =>
  (v, pattern, ...args) => {
    const { kw } = splitKwargs(args);
    const re = pyRegex(String(pattern), {
      ignorecase: Boolean(kw.ignorecase),
      multiline: Boolean(kw.multiline),
    });
    const s = pyStr(v);
    return (kind === 'search' ? re.exec(s) : pyAnchored(re, s, kind)) !== null;
  };

const num = (v: unknown) => typeof v === 'number';

export const tests: Record<string, Test> = {
  defined: (v) => !isUndefinedLike(v),
  undefined: (v) => isUndefinedLike(v),
  // Jinja2 3.x: only the booleans themselves
  true: (v) => v === true,
  false: (v) => v === false,
  none: (v) => v === null,
  failed: isFailed,
  failure: isFailed,
  succeeded: (v) => !isFailed(v),
  success: (v) => !isFailed(v),
  successful: (v) => !isFailed(v),
  changed: (v) => truthy(result(v).changed),
  change: (v) => truthy(result(v).changed),
  skipped: (v) => truthy(result(v).skipped),
  skip: (v) => truthy(result(v).skipped),
  unreachable: (v) => truthy(result(v).unreachable),
  reachable: (v) => !truthy(result(v).unreachable),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: (v, pattern, ...args) => {
    const { kw } = splitKwargs(args);
    return regexTest(
      kw.match_type === 'match' ? 'match' : kw.match_type === 'fullmatch' ? 'fullmatch' : 'search',
    )(v, pattern, ...args);
  },
  in: (v, container) => contains(container, v),
  contains: (container, v) => contains(container, v),
  string: (v) => typeof v === 'string',
  number: num,
  integer: (v) => num(v) && Number.isInteger(v),
  float: (v) => num(v) && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isDict(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || isDict(v),
  list: (v) => Array.isArray(v),
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  version: (v, other, op = 'eq') => version(v, other, op),
  version_compare: (v, other, op = 'eq') => version(v, other, op),
  equalto: (a, b) => pyEqual(a, b),
  eq: (a, b) => pyEqual(a, b),
  '==': (a, b) => pyEqual(a, b),
  ne: (a, b) => !pyEqual(a, b),
  '!=': (a, b) => !pyEqual(a, b),
  lt: (a, b) => (a as number) < (b as number),
  '<': (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  '>': (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
  odd: (v) => num(v) && Math.abs(v as number) % 2 === 1,
  even: (v) => num(v) && (v as number) % 2 === 0,
  divisibleby: (v, n) => (v as number) % (n as number) === 0,
  sameas: (a, b) => a === b,
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  subset: (a, b) => Array.isArray(a) && Array.isArray(b) && a.every((x) => contains(b, x)),
  superset: (a, b) => Array.isArray(a) && Array.isArray(b) && b.every((x) => contains(a, x)),
  exists: (v) => fs.existsSync(pyStr(v)),
  file: (v) => fs.existsSync(pyStr(v)) && fs.statSync(pyStr(v)).isFile(),
  directory: (v) => fs.existsSync(pyStr(v)) && fs.statSync(pyStr(v)).isDirectory(),
  abs: (v) => pyStr(v).startsWith('/'),
  link: (v) => isLink(pyStr(v)),
  mount: (v) => isMount(pyStr(v)),
  same_file: (a, b) => sameFile(pyStr(a), pyStr(b)),
  issubset: (a, b) => Array.isArray(a) && Array.isArray(b) && a.every((x) => contains(b, x)),
  issuperset: (a, b) => Array.isArray(a) && Array.isArray(b) && b.every((x) => contains(a, x)),
  nan: (v) => typeof v === 'number' && Number.isNaN(v),
  isnan: (v) => typeof v === 'number' && Number.isNaN(v),
};

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Python's os.path.ismount: a directory on another device than its parent, or the root. */
function isMount(p: string): boolean {
  try {
    const st = fs.lstatSync(p);
    if (!st.isDirectory()) return false;
    const parent = fs.lstatSync(`${p.replace(/\/+$/, '')}/..`);
    return st.dev !== parent.dev || st.ino === parent.ino;
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** The part of nunjucks' Environment its typings leave out. */
interface TestRegistry {
  addTest(name: string, fn: Test): void;
  getTest(name: string): Test | undefined;
}

export function registerTests(env: nunjucks.Environment): void {
  const reg = env as unknown as TestRegistry;
  for (const [name, fn] of Object.entries(tests)) reg.addTest(name, fn);
}

/** Run a named test (for select/reject): ours first, then nunjucks' own. */
export function runTest(env: nunjucks.Environment, name: string, value: unknown, args: unknown[]): boolean {
  const fn = tests[name] ?? (env as unknown as TestRegistry).getTest(name);
  if (!fn) throw new Error(`no test named '${name}'`);
  return fn(value, ...args) === true;
}
