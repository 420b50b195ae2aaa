/**
 * Module arguments: free-form strings (`command: ls -l` → `_raw_params`; `file: path=/x state=touch` →
 * a dict), lenient load-time validation against the module's zod schema (a `{{ template }}` value is
 * accepted whatever the type: the runner re-validates after rendering with `validateModuleArgs`).
 */
import { aliasNames } from '../modules/arg-aliases';
import type { z } from 'zod';
import { formatLoc, ModuleError, PlaybookError, type SourceLoc } from '../errors';
import { findModule } from '../modules/index';
import type { ModuleDefinition } from '../modules/types';
import { OMIT } from '../template/index';
import { TEMPLATE_RE } from './schema';
import { didYouMean } from '../suggest';
import { issueMessage } from './zod-issues';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDefinition<any, any, any>;
type Args = Record<string, unknown>;
interface ZodDefLike {
  type: string;
  in?: z.ZodTypeAny;
  out?: z.ZodTypeAny;
  innerType?: z.ZodTypeAny;
  options?: z.ZodTypeAny[];
  left?: z.ZodTypeAny;
  right?: z.ZodTypeAny;
  catchall?: z.ZodTypeAny;
}
const defOf = (s: z.ZodTypeAny) => (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;

/** The argument names an args schema knows, or undefined when it takes any key (records, catch-alls). */
export function argNames(schema: z.ZodTypeAny): string[] | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (def.catchall && defOf(def.catchall).type !== 'never') return undefined;
      return Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape);
    }
    case 'pipe':
      return argNames(defOf(def.in!).type === 'transform' ? def.out! : def.in!);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return argNames(def.innerType!);
    case 'union': {
      const all = def.options!.map(argNames);
      return all.some((a) => a === undefined) ? undefined : [...new Set(all.flat() as string[])];
    }
    case 'intersection': {
      const l = argNames(def.left!);
      const r = argNames(def.right!);
      return l && r ? [...new Set([...l, ...r])] : undefined;
    }
    default:
      return undefined;
  }
}

export function isFreeForm(mod: AnyModule): boolean {
  return argNames(mod.args)?.includes('_raw_params') ?? false;
}

/** Split `a=1 b="x y" msg={{ v }}` into words, keeping quotes and {{ }} / {% %} blocks together. */
export function splitArgs(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const two = s.slice(i, i + 2);
    if (!quote && (two === '{{' || two === '{%')) {
      depth++;
      cur += two;
      i++;
    } else if (!quote && depth > 0 && (two === '}}' || two === '%}')) {
      depth--;
      cur += two;
      i++;
    } else if (quote) {
      if (c === '\\' && i + 1 < s.length) {
        cur += c + s[++i];
      } else {
        if (c === quote) quote = undefined;
        cur += c;
      }
    } else if ((c === '"' || c === "'") && depth === 0) {
      quote = c;
      cur += c;
    } else if (/\s/.test(c) && depth === 0) {
      if (cur) words.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quote) throw new Error(`unbalanced ${quote} quote`);
  if (cur) words.push(cur);
  return words;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    const body = v.slice(1, -1);
    return v[0] === '"' ? body.replace(/\\(["\\])/g, '$1') : body.replace(/\\'/g, "'");
  }
  return v;
}

/** A set_fact k=v value as Ansible's set_fact reads it: a string, booleans aside. */
function setFactKvValue(raw: string): unknown {
  const v = unquote(raw);
  if (/^(true|yes)$/i.test(v)) return true;
  if (/^(false|no)$/i.test(v)) return false;
  return v;
}

/** A k=v value as Ansible's argument specs would read it: integers and booleans typed, the rest strings. */
function typeKvValue(raw: string): unknown {
  if (/^["']/.test(raw)) return unquote(raw);
  if (/^(0|-?[1-9]\d*)$/.test(raw)) return Number(raw);
  if (/^(true|yes)$/i.test(raw)) return true;
  if (/^(false|no)$/i.test(raw)) return false;
  return raw;
}

/** The key of a `key=value` word: a name, which may be built by templates (`{{ name }}=x`, as Ansible). */
function kvKey(word: string): string | undefined {
  return /^(?:[A-Za-z_]|\{\{(?:(?!\}\}).)*\}\})(?:\w|\{\{(?:(?!\}\}).)*\}\})*(?==)/.exec(word)?.[0];
}

function isKv(word: string): boolean {
  return kvKey(word) !== undefined;
}

/**
 * The args of a task from its module key's value: a mapping, a free-form string (modules with
 * `_raw_params`; their known `key=value` words, like `creates=`, are taken out) or `key=value` words.
 */
export function freeFormArgs(mod: AnyModule, value: string): Args {
  const words = splitArgs(value);
  const names = argNames(mod.args) ?? [];
  if (isFreeForm(mod)) {
    const args: Args = {};
    const rest: string[] = [];
    for (const w of words) {
      const k = kvKey(w) ?? '';
      if (isKv(w) && k !== '_raw_params' && names.includes(k)) args[k] = typeKvValue(w.slice(k.length + 1));
      else rest.push(w);
    }
    // Keep the command text as written (spacing, quotes) when nothing was taken out.
    args._raw_params = rest.length === words.length ? value.trim() : rest.join(' ');
    return args;
  }
  const args: Args = {};
  for (const w of words) {
    if (!isKv(w)) {
      throw new Error(
        `module '${mod.name}' takes key=value arguments or a mapping, not ${JSON.stringify(w)}`,
      );
    }
    const k = kvKey(w)!;
    const v = w.slice(k.length + 1);
    // set_fact k=v: Ansible keeps the value a string, only yes/no/true/false become booleans
    args[k] = mod.name === 'set_fact' ? setFactKvValue(v) : typeKvValue(v);
  }
  return args;
}

function valueAt(v: unknown, path: readonly PropertyKey[]): unknown[] {
  const chain: unknown[] = [v];
  let cur = v;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') break;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
    chain.push(cur);
  }
  return chain;
}

const isTemplate = (v: unknown) => typeof v === 'string' && TEMPLATE_RE.test(v);

function hasTemplate(v: unknown): boolean {
  if (isTemplate(v)) return true;
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(hasTemplate);
  return false;
}

export interface ArgProblem {
  /** Path of the offending argument inside the args dict ([] = the args as a whole). */
  path: (string | number)[];
  /** Point at the key (unknown argument) rather than the value. */
  key: boolean;
  message: string;
  hint?: string;
}

/**
 * Check args against the module's schema. `lenient` (load time) accepts template strings for any type and
 * quotes offending literals; strict (after rendering) names only their type, as they may hold secrets.
 */
/** Each args schema's argument names and the names it accepts (aliases too), computed once per schema. */
const argKeys = new WeakMap<z.ZodTypeAny, { names?: string[]; known?: Set<string> }>();
function keysOf(schema: z.ZodTypeAny): { names?: string[]; known?: Set<string> } {
  let k = argKeys.get(schema);
  if (!k) {
    const names = argNames(schema);
    k = names ? { names, known: new Set([...names, ...aliasNames(schema)]) } : {};
    argKeys.set(schema, k);
  }
  return k;
}

export function checkArgs(
  mod: AnyModule,
  args: Args,
  lenient: boolean,
): { problem?: ArgProblem; data?: unknown } {
  const { names, known: knownKeys } = keysOf(mod.args);
  // a module schema that is not .strict() would drop a misspelled argument silently: refuse it here too
  const stray =
    knownKeys && args && typeof args === 'object' && !Array.isArray(args)
      ? Object.keys(args).find((k) => !knownKeys.has(k))
      : undefined;
  if (stray !== undefined) {
    const known = names!.filter((n) => n !== '_raw_params');
    return {
      problem: {
        path: [stray],
        key: true,
        message: `module '${mod.name}' has no argument '${stray}'${didYouMean(stray, known)}`,
        hint: known.length ? `arguments of ${mod.name}: ${known.join(', ')}` : undefined,
      },
    };
  }
  const r = mod.args.safeParse(args);
  if (r.success) return { data: r.data };
  for (const issue of r.error.issues) {
    const path = (issue.path as PropertyKey[]).filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      const known = path.length === 0 ? (names ?? []).filter((n) => n !== '_raw_params') : [];
      return {
        problem: {
          path: [...path, key],
          key: true,
          message: `module '${mod.name}' has no argument '${key}'${didYouMean(key, known)}`,
          hint: known.length ? `arguments of ${mod.name}: ${known.join(', ')}` : undefined,
        },
      };
    }
    const chain = valueAt(args, path);
    if (lenient && chain.some(isTemplate)) continue;
    if (lenient && path.length === 0 && hasTemplate(args)) continue;
    const value = chain.length === path.length + 1 ? chain[chain.length - 1] : undefined;
    const argName = path.length ? path.join('.') : '';
    let message: string;
    if (issue.code === 'invalid_type' && value === undefined && path.length) {
      message = `module '${mod.name}' needs argument '${argName}'`;
    } else if (argName === '_raw_params') {
      message = `module '${mod.name}': ${issueMessage(issue, value, lenient)}`;
    } else {
      message = `module '${mod.name}'${argName ? ` argument '${argName}'` : ''}: ${issueMessage(issue, value, lenient)}`;
    }
    return { problem: { path, key: false, message } };
  }
  return {};
}

/**
 * For the runner, after rendering: validate (strictly) and parse a task's args. Top-level args rendered to
 * `omit` are dropped first. Throws ModuleError naming the argument and the task's args location.
 */
export function validateModuleArgs(
  module: AnyModule | string,
  renderedArgs: Args,
  argsLoc?: SourceLoc,
): unknown {
  const mod = typeof module === 'string' ? findModule(module) : module;
  if (!mod) throw new PlaybookError(`unknown module '${String(module)}'`, argsLoc);
  const args: Args = {};
  for (const [k, v] of Object.entries(renderedArgs)) if (v !== OMIT) args[k] = v;
  const { problem, data } = checkArgs(mod, args, false);
  if (problem) {
    throw new ModuleError(`${argsLoc ? `${formatLoc(argsLoc)}: ` : ''}${problem.message}`, {
      hint: problem.hint ?? `see the arguments of '${mod.name}' with \`remediate schema\``,
    });
  }
  return data;
}
