/** Python/Jinja2 value semantics the templating needs: truthiness, str(), repr(), keyword arguments. */
import { isSecret } from '../command';

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isSecret(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Jinja2 truthiness: empty string/list/dict, 0, none, false are false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

const TUPLE = Symbol('python tuple');

/** A list that Python code would return as a tuple (splitext, regex_findall groups): repr `('a', 'b')`. */
export function pyTuple<T>(items: T[]): T[] {
  Object.defineProperty(items, TUPLE, { value: true, enumerable: false });
  return items;
}

/** Whether a list is marked as a Python tuple. */
export function isPyTuple(v: unknown): boolean {
  return Array.isArray(v) && (v as unknown as Record<symbol, boolean>)[TUPLE] === true;
}

/** Python's type name of a value, for error texts (`not str`, `not NoneType`). */
export function pyTypeName(v: unknown): string {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return isPyTuple(v) ? 'tuple' : 'list';
  if (isDict(v)) return 'dict';
  return typeof v;
}

/** Characters Python's str.isprintable() refuses (other than the ones repr() names: \\n \\r \\t). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr() of a str: single quotes unless the text has ' and no ", escapes as Python writes them. */
export function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === q) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch))
      out +=
        c < 0x100
          ? '\\x' + c.toString(16).padStart(2, '0')
          : c < 0x10000
            ? '\\u' + c.toString(16).padStart(4, '0')
            : '\\U' + c.toString(16).padStart(8, '0');
    else out += ch;
  }
  return q + out + q;
}

const FIELDS = Symbol('namedtuple fields');

/** A namedtuple (groupby's `(grouper, list)`): a tuple whose items are also attributes by name. */
export function pyNamedTuple<T>(items: T[], fields: string[]): T[] {
  pyTuple(items);
  Object.defineProperty(items, FIELDS, { value: fields, enumerable: false });
  return items;
}

/** The item of a namedtuple named `key`, or undefined. */
export function namedTupleField(v: unknown[], key: string): { value: unknown } | undefined {
  const fields = (v as unknown as Record<symbol, string[] | undefined>)[FIELDS];
  const i = fields ? fields.indexOf(key) : -1;
  return i < 0 ? undefined : { value: v[i] };
}

export const UNRESOLVED_MARK = Symbol.for('remediate.template.unresolved');

/**
 * Jinja2's Undefined as a value inside a list (`map(attribute='x')` on an item without `x`): counted by
 * `length`, dropped by `select('defined')`, replaced by `default`, and an error once printed or used.
 */
export class UndefinedValue {
  constructor(readonly error: Error) {}
  get [UNRESOLVED_MARK](): Error {
    return this.error;
  }
  toString(): string {
    throw this.error;
  }
  toJSON(): string {
    throw this.error;
  }
}

/** Undefined, or a value standing for something undefined (an unresolved variable, a missing attribute). */
export function isUndefinedLike(v: unknown): boolean {
  return (
    v === undefined ||
    (typeof v === 'object' &&
      v !== null &&
      (v as { [UNRESOLVED_MARK]?: Error })[UNRESOLVED_MARK] !== undefined)
  );
}

/** Python's repr()/str() of a float or int held as a JavaScript number (integral values print as ints). */
export function pyNumber(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  // Python writes exponents from 1e-5 down (JavaScript from 1e-7), with at least two exponent digits.
  if (v !== 0 && !Number.isInteger(v) && Math.abs(v) < 1e-4)
    return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

/** Python repr() of a value, as Ansible shows lists and dicts inside strings. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (Array.isArray(v) && (v as unknown as Record<symbol, boolean>)[TUPLE])
    return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isDict(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return pyStr(v);
}

/** Python str() of a value: what `{{ x }}` prints inside a larger string. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof UndefinedValue) throw v.error;
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (Array.isArray(v) || isDict(v)) return pyRepr(v);
  return String(v);
}

/** Ansible's `bool` filter. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
}

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
export function splitKwargs(args: unknown[]): { pos: unknown[]; kw: Dict } {
  const last = args[args.length - 1];
  if (isDict(last) && last.__keywords === true) {
    const kw: Dict = { ...last };
    delete kw.__keywords;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: {} };
}

/** Python-style equality: deep for lists and dicts. */
export function pyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEqual(a[k], b[k]));
  }
  return false;
}

/** A list from any iterable value (Python list()): strings → characters, dicts → keys. */
export function toList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v instanceof Set || v instanceof Map) return [...v.keys()];
  if (isDict(v)) return Object.keys(v);
  if (v === undefined || v === null) return [];
  // the value itself is not shown: it may be secret
  throw new Error(`a ${typeof v} is not iterable`);
}

/** Python sort order: numbers and strings compared as such. */
export function pyCompare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const sa = pyStr(a);
  const sb = pyStr(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Attribute path lookup (`map(attribute='a.b')`, `selectattr('a.0')`). */
export function getAttrPath(v: unknown, path: string): unknown {
  let cur: unknown = v;
  for (const part of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    if (Array.isArray(cur) && /^-?\d+$/.test(part)) {
      const i = Number(part);
      cur = cur[i < 0 ? cur.length + i : i];
    } else if (typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, part)) {
      cur = (cur as Dict)[part];
    } else return undefined;
  }
  return cur;
}
