/** Ansible's common Jinja2 filters: values, lists, dicts (text ones in ./text-filters, ip ones in ./ipaddr-filters). */
import type * as nunjucks from 'nunjucks';
import { TemplateError } from '../errors';
import { registerIpFilters } from './ipaddr-filters';
import { textFilters } from './text-filters';
import { runTest } from './tests';
import {
  getAttrPath,
  isDict,
  isUndefinedLike,
  pyCompare,
  pyEqual,
  pyNamedTuple,
  pyStr,
  splitKwargs,
  UndefinedValue,
  toBool,
  toList,
  truthy,
  type Dict,
} from './values';

type Filter = (value: unknown, ...args: unknown[]) => unknown;

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!out.some((y) => pyEqual(x, y))) out.push(x);
  return out;
}
const has = (list: unknown[], x: unknown) => list.some((y) => pyEqual(x, y));

function toInt(v: unknown, dflt: unknown = 0, base: unknown = 10): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : (dflt as number);
  const s = String(v).trim();
  const b = Number(base);
  if (b === 10 && /^[-+]?\d+(\.\d*)?([eE][-+]?\d+)?$/.test(s)) return Math.trunc(Number(s));
  if (b === 16 && /^[-+]?(0x)?[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
  if (b === 8 && /^[-+]?(0o)?[0-7]+$/i.test(s)) return parseInt(s.replace(/0o/i, ''), 8);
  if (b === 2 && /^[-+]?(0b)?[01]+$/i.test(s)) return parseInt(s.replace(/0b/i, ''), 2);
  if (b === 10 && /^0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
  return dflt as number;
}

/** Python's float() of a string: also nan, inf, infinity (any case, signed); else the default. */
const PY_SPECIAL_FLOAT = /^([-+]?)(nan|inf|infinity)$/i;

function toFloat(v: unknown, dflt: unknown = 0): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  const special = typeof v === 'string' ? PY_SPECIAL_FLOAT.exec(v.trim()) : null;
  if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isNaN(n) || String(v).trim() === '' ? (dflt as number) : n;
}

function flatten(list: unknown[], levels: number | undefined, depth = 0): unknown[] {
  const out: unknown[] = [];
  for (const x of list) {
    if (Array.isArray(x) && (levels === undefined || depth < levels))
      out.push(...flatten(x, levels, depth + 1));
    else if (x !== null && x !== undefined) out.push(x);
  }
  return out;
}

function combineTwo(a: Dict, b: Dict, recursive: boolean, listMerge: string): Dict {
  const out: Dict = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (recursive && isDict(cur) && isDict(v)) out[k] = combineTwo(cur, v, recursive, listMerge);
    else if (Array.isArray(cur) && Array.isArray(v) && listMerge !== 'replace') {
      if (listMerge === 'append') out[k] = [...cur, ...v];
      else if (listMerge === 'prepend') out[k] = [...v, ...cur];
      else if (listMerge === 'append_rp') out[k] = [...cur.filter((x) => !has(v, x)), ...v];
      else if (listMerge === 'prepend_rp') out[k] = [...v, ...cur.filter((x) => !has(v, x))];
      else if (listMerge === 'keep') out[k] = cur;
      else throw new Error(`combine: unknown list_merge '${listMerge}'`);
    } else out[k] = v;
  }
  return out;
}

function sortKey(v: unknown, attribute: unknown, caseSensitive: boolean): unknown {
  const x = typeof attribute === 'string' ? getAttrPath(v, attribute) : v;
  return typeof x === 'string' && !caseSensitive ? x.toLowerCase() : x;
}

function minmax(value: unknown, args: unknown[], sign: 1 | -1): unknown {
  const { kw } = splitKwargs(args);
  const list = toList(value);
  if (list.length === 0) return undefined;
  const key = (v: unknown) => sortKey(v, kw.attribute, Boolean(kw.case_sensitive));
  return list.reduce((best, x) => (sign * pyCompare(key(x), key(best)) < 0 ? x : best));
}

/** How Jinja2 names a value's type in "'dict object' has no attribute 'x'". */
function pyTypeName(v: unknown): string {
  if (typeof v === 'string') return 'str object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int object' : 'float object';
  if (typeof v === 'boolean') return 'bool object';
  if (Array.isArray(v)) return 'list object';
  if (v === null || v === undefined) return 'NoneType object';
  return 'dict object';
}

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  if (v instanceof Map || v instanceof Set) return v.size;
  throw new Error(`object of type '${typeof v}' has no len()`);
}

export function registerFilters(env: nunjucks.Environment): void {
  const filterFn = (name: string): Filter => env.getFilter(name) as Filter;
  const testOrFilter = (args: unknown[]): ((x: unknown) => boolean) => {
    if (args.length === 0) return truthy;
    const [name, ...rest] = args;
    return (x) => runTest(env, String(name), x, rest);
  };
  const f: Record<string, Filter> = {
    default: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const dflt = 'default_value' in kw ? kw.default_value : (pos[0] ?? '');
      const boolean = Boolean(kw.boolean ?? pos[1] ?? false);
      return isUndefinedLike(v) || (boolean && !truthy(v)) ? dflt : v;
    },
    mandatory: (v, msg) => {
      if (v === undefined)
        throw new TemplateError(typeof msg === 'string' ? msg : 'Mandatory variable not defined.');
      return v;
    },
    bool: (v) => toBool(v),
    int: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      return toInt(v, kw.default ?? pos[0] ?? 0, kw.base ?? pos[1] ?? 10);
    },
    float: (v, dflt = 0) => toFloat(v, dflt),
    string: (v) => pyStr(v),
    lower: (v) => pyStr(v).toLowerCase(),
    upper: (v) => pyStr(v).toUpperCase(),
    capitalize: (v) => {
      const s = pyStr(v);
      return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    },
    trim: (v, chars) => {
      const s = pyStr(v);
      if (chars === undefined) return s.trim();
      const set = new Set(String(chars));
      let a = 0;
      let b = s.length;
      while (a < b && set.has(s[a])) a++;
      while (b > a && set.has(s[b - 1])) b--;
      return s.slice(a, b);
    },
    replace: (v, a, b, count) => {
      const s = pyStr(v);
      if (typeof count !== 'number') return s.split(pyStr(a)).join(pyStr(b));
      let out = s;
      for (let i = 0; i < count && out.includes(pyStr(a)); i++) out = out.replace(pyStr(a), pyStr(b));
      return out;
    },
    split: (v, sep) =>
      sep === undefined ? pyStr(v).trim().split(/\s+/).filter(Boolean) : pyStr(v).split(pyStr(sep)),
    join: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const list = toList(v);
      const items =
        typeof kw.attribute === 'string' ? list.map((x) => getAttrPath(x, kw.attribute as string)) : list;
      return items.map(pyStr).join(pyStr(kw.d ?? pos[0] ?? ''));
    },
    length,
    count: length,
    first: (v) => toList(v)[0],
    last: (v) => {
      const l = toList(v);
      return l[l.length - 1];
    },
    list: (v) => toList(v),
    unique: (v) => uniq(toList(v)),
    union: (a, b) => uniq([...toList(a), ...toList(b)]),
    intersect: (a, b) => uniq(toList(a).filter((x) => has(toList(b), x))),
    difference: (a, b) => uniq(toList(a).filter((x) => !has(toList(b), x))),
    symmetric_difference: (a, b) =>
      uniq([...toList(a).filter((x) => !has(toList(b), x)), ...toList(b).filter((x) => !has(toList(a), x))]),
    min: (v, ...args) => minmax(v, args, 1),
    max: (v, ...args) => minmax(v, args, -1),
    sort: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const reverse = Boolean(kw.reverse ?? pos[0] ?? false);
      const cs = Boolean(kw.case_sensitive ?? pos[1] ?? false);
      const attr = kw.attribute ?? pos[2];
      const out = [...toList(v)].sort((a, b) => pyCompare(sortKey(a, attr, cs), sortKey(b, attr, cs)));
      return reverse ? out.reverse() : out;
    },
    reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...toList(v)].reverse()),
    map: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const list = toList(v);
      if (typeof kw.attribute === 'string') {
        return list.map((x) => {
          const r = getAttrPath(x, kw.attribute as string);
          if (r === undefined && 'default' in kw) return kw.default;
          // Jinja2 gives Undefined: fine to count or select out, an error once printed
          if (r === undefined)
            return new UndefinedValue(
              new TemplateError(`'${pyTypeName(x)}' has no attribute '${String(kw.attribute)}'`),
            );
          return r;
        });
      }
      if (pos.length === 0) return list;
      const fn = filterFn(String(pos[0]));
      const rest = pos.slice(1);
      if (Object.keys(kw).length) rest.push({ ...kw, __keywords: true });
      return list.map((x) => fn(x, ...rest));
    },
    // Jinja2's groupby: sorted by the attribute, a list of (grouper, list) namedtuples
    groupby: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const attr = kw.attribute ?? pos[0];
      const dflt = kw.default ?? pos[1];
      const cs = Boolean(kw.case_sensitive ?? pos[2] ?? false);
      const keyOf = (x: unknown) => {
        const k = getAttrPath(x, String(attr));
        return k === undefined ? dflt : k;
      };
      const norm = (k: unknown) => (typeof k === 'string' && !cs ? k.toLowerCase() : k);
      const sorted = [...toList(v)].sort((a, b) => pyCompare(norm(keyOf(a)), norm(keyOf(b))));
      const groups: unknown[][] = [];
      for (const x of sorted) {
        const last = groups[groups.length - 1];
        if (last && pyEqual(norm(last[0]), norm(keyOf(x)))) (last[1] as unknown[]).push(x);
        else groups.push([keyOf(x), [x]]);
      }
      return groups.map((g) => pyNamedTuple(g, ['grouper', 'list']));
    },
    select: (v, ...args) => toList(v).filter(testOrFilter(args)),
    reject: (v, ...args) => toList(v).filter((x) => !testOrFilter(args)(x)),
    selectattr: (v, attr, ...args) =>
      toList(v).filter((x) => testOrFilter(args)(getAttrPath(x, String(attr)))),
    rejectattr: (v, attr, ...args) =>
      toList(v).filter((x) => !testOrFilter(args)(getAttrPath(x, String(attr)))),
    dict2items: (v, ...args) => {
      const { kw } = splitKwargs(args);
      if (!isDict(v)) throw new Error('dict2items requires a dictionary');
      const k = String(kw.key_name ?? 'key');
      const val = String(kw.value_name ?? 'value');
      return Object.entries(v).map(([a, b]) => ({ [k]: a, [val]: b }));
    },
    items2dict: (v, ...args) => {
      const { kw } = splitKwargs(args);
      const k = String(kw.key_name ?? 'key');
      const val = String(kw.value_name ?? 'value');
      return Object.fromEntries(toList(v).map((x) => [pyStr((x as Dict)[k]), (x as Dict)[val]]));
    },
    combine: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const dicts = [v, ...pos].flatMap((d) => (Array.isArray(d) ? d : [d]));
      return dicts.reduce<Dict>((acc, d) => {
        if (!isDict(d)) throw new Error('combine: every argument must be a dictionary');
        return combineTwo(acc, d, Boolean(kw.recursive), String(kw.list_merge ?? 'replace'));
      }, {});
    },
    flatten: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const levels = kw.levels ?? pos[0];
      return flatten(toList(v), typeof levels === 'number' ? levels : undefined);
    },
    zip: (v, ...others) => {
      const lists = [toList(v), ...others.map(toList)];
      const n = Math.min(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_x, i) => lists.map((l) => l[i]));
    },
    ternary: (v, a, b, none) => (v === null && none !== undefined ? none : truthy(v) ? a : b),
    type_debug: (v) =>
      v === null
        ? 'NoneType'
        : Array.isArray(v)
          ? 'list'
          : isDict(v)
            ? 'dict'
            : typeof v === 'string'
              ? 'str'
              : typeof v === 'boolean'
                ? 'bool'
                : typeof v === 'number'
                  ? Number.isInteger(v)
                    ? 'int'
                    : 'float'
                  : typeof v,
    abs: (v) => Math.abs(toFloat(v)),
    sum: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const attr = kw.attribute ?? pos[0];
      const start = (kw.start ?? pos[1] ?? 0) as number;
      return toList(v).reduce<number>(
        (acc, x) => acc + Number(typeof attr === 'string' ? getAttrPath(x, attr) : x),
        start,
      );
    },
  };
  f.d = f.default;
  f.product = (v, ...others) =>
    [toList(v), ...others.map(toList)].reduce<unknown[][]>(
      (acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])),
      [[]],
    );
  // `groups.masters | map('extract', hostvars, 'ansible_host')`
  f.extract = (key, container, ...more) => {
    let cur = (container as Dict | unknown[] | undefined)?.[key as never] as unknown;
    for (const k of more.flatMap((m) => (Array.isArray(m) ? m : [m])))
      cur = (cur as Dict | undefined)?.[k as never];
    return cur;
  };
  // '%s-%02d' | format(a, 5): Python %-formatting
  Object.assign(f, textFilters());
  for (const [name, fn] of Object.entries(f)) {
    env.addFilter(name, fn);
    env.addFilter(`ansible.builtin.${name}`, fn);
  }
  registerIpFilters(env);
}
