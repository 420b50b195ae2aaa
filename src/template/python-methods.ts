/**
 * Attribute lookup for templates (`x.y`, `x[0]`, `x.split(',')`): own data first, then the Python methods
 * Ansible users call on strings, lists and dicts. Prototype internals (`constructor`, `__proto__`) are
 * never reachable from a template.
 */
import { applySlice, PySlice } from './jinja-parser';
import { isDict, namedTupleField, pyEqual, pyStr, toList, type Dict } from './values';

const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__lookupGetter__']);

function pyIndex(len: number, key: unknown): number | undefined {
  if (typeof key === 'number' && Number.isInteger(key)) return key < 0 ? len + key : key;
  if (typeof key === 'string' && /^-?\d+$/.test(key)) return pyIndex(len, Number(key));
  return undefined;
}

function splitWhitespace(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s.replace(/^\s+/, '');
  while (rest !== '') {
    if (max >= 0 && out.length === max) {
      out.push(rest.replace(/\s+$/, ''));
      break;
    }
    const m = /\s+/.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function pySplit(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  const max = typeof maxsplit === 'number' ? maxsplit : -1;
  if (sep === undefined || sep === null) return splitWhitespace(s, max);
  const parts = s.split(String(sep));
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(String(sep))];
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    if (left) s = s.replace(/^\s+/, '');
    if (right) s = s.replace(/\s+$/, '');
    return s;
  }
  const set = new Set(String(chars));
  let a = 0;
  let b = s.length;
  while (left && a < b && set.has(s[a])) a++;
  while (right && b > a && set.has(s[b - 1])) b--;
  return s.slice(a, b);
}

function prefixTest(s: string, arg: unknown, at: 'start' | 'end'): boolean {
  const options = Array.isArray(arg) ? arg.map(String) : [String(arg)];
  return options.some((p) => (at === 'start' ? s.startsWith(p) : s.endsWith(p)));
}

type Method = (...args: unknown[]) => unknown;

function stringMethod(s: string, name: string): Method | undefined {
  switch (name) {
    case 'split':
      return (sep, max) => pySplit(s, sep, max);
    case 'rsplit':
      return (sep, max) => {
        if (typeof max !== 'number' || max < 0) return pySplit(s, sep);
        const sepStr = sep === undefined || sep === null ? ' ' : String(sep);
        const parts = s.split(sepStr);
        if (parts.length <= max + 1) return parts;
        return [parts.slice(0, parts.length - max).join(sepStr), ...parts.slice(parts.length - max)];
      };
    case 'splitlines':
      return () => s.split(/\r?\n/).filter((x, i, a) => !(i === a.length - 1 && x === ''));
    case 'startswith':
      return (p) => prefixTest(s, p, 'start');
    case 'endswith':
      return (p) => prefixTest(s, p, 'end');
    case 'strip':
      return (c) => stripChars(s, c, true, true);
    case 'lstrip':
      return (c) => stripChars(s, c, true, false);
    case 'rstrip':
      return (c) => stripChars(s, c, false, true);
    case 'replace':
      return (a, b, count) => {
        if (typeof count !== 'number' || count < 0) return s.split(String(a)).join(pyStr(b));
        let out = s;
        let from = 0;
        for (let i = 0; i < count; i++) {
          const at = out.indexOf(String(a), from);
          if (at < 0) break;
          out = out.slice(0, at) + pyStr(b) + out.slice(at + String(a).length);
          from = at + pyStr(b).length;
        }
        return out;
      };
    case 'lower':
      return () => s.toLowerCase();
    case 'upper':
      return () => s.toUpperCase();
    case 'capitalize':
      return () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    case 'title':
      return () => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
    case 'find':
      return (sub) => s.indexOf(String(sub));
    case 'index':
      return (sub) => {
        const i = s.indexOf(String(sub));
        if (i < 0) throw new Error('index(): substring not found');
        return i;
      };
    case 'count':
      return (sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1);
    case 'join':
      return (items) => toList(items).map(pyStr).join(s);
    case 'isdigit':
      return () => /^\d+$/.test(s);
    case 'isalpha':
      return () => /^[A-Za-z]+$/.test(s);
    case 'format':
      return (...args) => {
        let i = 0;
        return s.replace(/\{(\d*)\}/g, (_m, n: string) => pyStr(args[n === '' ? i++ : Number(n)]));
      };
    default:
      return undefined;
  }
}

function listMethod(l: unknown[], name: string): Method | undefined {
  switch (name) {
    case 'index':
      return (x) => {
        const i = l.findIndex((y) => pyEqual(x, y));
        if (i < 0) throw new Error('index(): the value is not in the list');
        return i;
      };
    case 'count':
      return (x) => l.filter((y) => pyEqual(x, y)).length;
    case 'copy':
      return () => [...l];
    case 'append':
      return (x) => {
        l.push(x);
        return null;
      };
    case 'extend':
      return (x) => {
        l.push(...toList(x));
        return null;
      };
    default:
      return undefined;
  }
}

function dictMethod(d: Dict, name: string): Method | undefined {
  switch (name) {
    case 'keys':
      return () => Object.keys(d);
    case 'values':
      return () => Object.values(d);
    case 'items':
      return () => Object.entries(d);
    case 'get':
      return (k, dflt) =>
        Object.prototype.hasOwnProperty.call(d, String(k)) ? d[String(k)] : (dflt ?? null);
    case 'copy':
      return () => ({ ...d });
    case 'has_key':
      return (k) => Object.prototype.hasOwnProperty.call(d, String(k));
    case 'update':
      return (other) => {
        Object.assign(d, other);
        return null;
      };
    default:
      return undefined;
  }
}

/** `obj.key` / `obj[key]` in a template; undefined when there is no such item or method. */
export function templateGet(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj === null) return undefined;
  if (typeof key === 'string' && FORBIDDEN.has(key)) return undefined;
  if (key instanceof PySlice) {
    if (Array.isArray(obj) || typeof obj === 'string') return applySlice(obj, key);
    throw new Error('only lists and strings can be sliced');
  }
  if (Array.isArray(obj)) {
    const i = pyIndex(obj.length, key);
    if (i !== undefined) return obj[i];
    const field = typeof key === 'string' ? namedTupleField(obj, key) : undefined;
    if (field) return field.value;
    return typeof key === 'string' ? listMethod(obj, key) : undefined;
  }
  if (typeof obj === 'string') {
    const i = pyIndex(obj.length, key);
    if (i !== undefined) return obj[i];
    return typeof key === 'string' ? stringMethod(obj, key) : undefined;
  }
  if (typeof obj === 'object') {
    const k = String(key);
    if (Object.prototype.hasOwnProperty.call(obj, k)) return (obj as Dict)[k];
    if (isDict(obj)) {
      const method = dictMethod(obj, k);
      if (method) return method;
      // A Proxy answering `get` only (computed variables) has no own keys to see.
      return k in Object.prototype ? undefined : (obj as Dict)[k];
    }
    if (obj instanceof Map) return obj.get(key);
    const v = (obj as Dict)[k];
    return typeof v === 'function' ? (v as Method).bind(obj) : v;
  }
  return undefined;
}
