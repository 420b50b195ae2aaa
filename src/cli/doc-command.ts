/**
 * `remediate doc MODULE...` and `remediate doc -l`: the module reference, like ansible-doc, generated from
 * each module's zod args schema (its `.describe()` texts, types, defaults, choices, required options and
 * argument aliases) and its registry entry (description, module aliases, FQCNs).
 */
import type { Command } from 'commander';
import type { z } from 'zod';
import { ExitCode, UsageError } from '../errors';
import { aliasMap } from '../modules/arg-aliases';
import { findModule, moduleNames } from '../modules/index';
import type { AnyModule } from '../playbook/module-args';
import { moduleArgsCore, moduleArgsInputSchema } from '../playbook/json-schema';
import { didYouMean } from '../suggest';
import type { CliIo } from './cli-io';

type Json = Record<string, unknown>;

export interface OptionDoc {
  name: string;
  required: boolean;
  description?: string;
  /** Ansible's type names: str, bool, int, float, list, dict, raw; `a or b` for unions. */
  type: string;
  /** For lists: the type of the elements. */
  elements?: string;
  default?: unknown;
  choices?: unknown[];
  aliases: string[];
}

export interface ModuleDoc {
  name: string;
  description: string;
  /** Other names of the module (`ansible.builtin.NAME` and any registry aliases). */
  names: string[];
  /** Takes free-form arguments (`command: ls -l`). */
  freeForm: boolean;
  /** Takes options of any name (`set_fact: {NAME: value}`). */
  anyNames: boolean;
  options: OptionDoc[];
}

const TYPE_NAMES: Record<string, string> = {
  string: 'str',
  boolean: 'bool',
  integer: 'int',
  number: 'float',
  array: 'list',
  object: 'dict',
  null: 'null',
};

function typeOf(s: Json): string[] {
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const all = ((s.anyOf ?? s.oneOf) as Json[]).flatMap(typeOf);
    return [...new Set(all)];
  }
  if (s.const !== undefined) return [TYPE_NAMES[typeof s.const] ?? 'raw'];
  const t = s.type;
  if (Array.isArray(t)) return t.map((x: string) => TYPE_NAMES[x] ?? x);
  if (typeof t === 'string') return [TYPE_NAMES[t] ?? t];
  if (Array.isArray(s.enum))
    return [...new Set((s.enum as unknown[]).map((v) => TYPE_NAMES[typeof v] ?? 'raw'))];
  return ['raw'];
}

function choicesOf(s: Json): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum as unknown[];
  const alts = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alts) {
    const all = alts.flatMap((a) => choicesOf(a) ?? (a.const !== undefined ? [a.const] : []));
    const closed = alts.every((a) => Array.isArray(a.enum) || a.const !== undefined);
    return closed && all.length ? [...new Set(all)] : undefined;
  }
  return undefined;
}

/** Zod internals (v4): the wrappers around an option's schema, down to its default. */
interface ZodDef {
  type: string;
  innerType?: unknown;
  in?: unknown;
  defaultValue?: unknown;
  shape?: Record<string, unknown>;
}
const defOf = (s: unknown): ZodDef | undefined => (s as { _zod?: { def: ZodDef } })?._zod?.def;

function defaultOf(s: unknown): { has: boolean; value?: unknown } {
  for (let cur = s, i = 0; cur && i < 20; i++) {
    const d = defOf(cur);
    if (!d) break;
    if (d.type === 'default' || d.type === 'prefault') {
      const v = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      return { has: true, value: v };
    }
    cur = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
  }
  return { has: false };
}

/** The reference of one module, from its schema. */
export function moduleDoc(mod: AnyModule): ModuleDoc {
  const js = moduleArgsInputSchema(mod);
  const core = moduleArgsCore(mod).schema as z.ZodTypeAny;
  const shape = defOf(core)?.shape ?? {};
  const required = new Set((js.required as string[] | undefined) ?? []);
  const aliases = aliasMap(mod.args);
  const props = (js.properties ?? {}) as Record<string, Json>;
  const options: OptionDoc[] = [];
  for (const [name, s] of Object.entries(props)) {
    if (name === '_raw_params') continue;
    const types = typeOf(s).filter((t) => t !== 'null');
    const d = defaultOf(shape[name]);
    const items = s.items as Json | undefined;
    options.push({
      name,
      required: required.has(name),
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
      type: types.length ? types.join(' or ') : 'raw',
      ...(types.includes('list') && items ? { elements: typeOf(items).join(' or ') } : {}),
      ...(d.has ? { default: d.value } : {}),
      ...(choicesOf(s) ? { choices: choicesOf(s) } : {}),
      aliases: Object.entries(aliases)
        .filter(([, c]) => c === name)
        .map(([a]) => a)
        .sort(),
    });
  }
  options.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    name: mod.name,
    description: mod.description,
    names: [`ansible.builtin.${mod.name}`, ...(mod.aliases ?? [])],
    freeForm: '_raw_params' in props,
    anyNames: js.additionalProperties !== undefined && js.additionalProperties !== false,
    options,
  };
}

/** Words wrapped at `width`, each line prefixed with `indent`. */
function wrap(text: string, indent: string, width = 80): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const w of para.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + w.length > width) {
        out.push(indent + line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(indent + line);
  }
  return out;
}

/** Python-ish rendering of a value, as ansible-doc prints defaults and choices. */
function show(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v === '' ? "''" : v;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** ansible-doc's text layout: the header, the description, then `= required` and `- optional` options. */
export function renderModuleDoc(doc: ModuleDoc): string {
  const ind = ' '.repeat(8);
  const lines = [`> ${doc.name.toUpperCase()}    (${doc.names.join(', ')})`, ''];
  lines.push(...wrap(doc.description, ind), '');
  if (doc.freeForm)
    lines.push(...wrap(`Takes free-form arguments: \`${doc.name}: ARGS\` (or \`_raw_params\`).`, ind), '');
  if (doc.anyNames) lines.push(...wrap('Takes options of any name (NAME: value).', ind), '');
  lines.push(doc.options.length ? 'OPTIONS (= is mandatory):' : 'OPTIONS: none', '');
  for (const o of doc.options) {
    lines.push(`${o.required ? '=' : '-'} ${o.name}`);
    if (o.description) lines.push(...wrap(o.description, ind));
    if (o.aliases.length) lines.push(`${ind}aliases: [${o.aliases.join(', ')}]`);
    if (o.choices) lines.push(`${ind}choices: ${show(o.choices)}`);
    if (!o.required) lines.push(`${ind}default: ${show(o.default)}`);
    if (o.elements) lines.push(`${ind}elements: ${o.elements}`);
    lines.push(`${ind}type: ${o.type}`, '');
  }
  return lines.join('\n');
}

/** `doc -l`: one line per module, name then the description's first sentence, like ansible-doc -l. */
export function renderModuleList(): string {
  const names = moduleNames().sort();
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return (
    names
      .map((n) => {
        const d = findModule(n)!.description;
        const short = d.length > 70 ? d.slice(0, 67) + '...' : d;
        return n.padEnd(width) + short;
      })
      .join('\n') + '\n'
  );
}

export function registerDocCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command('doc')
    .description('module reference, like ansible-doc: options, types, defaults, choices, aliases')
    .argument('[module...]', 'module names (short, FQCN or alias)')
    .option('-l, --list', 'list the modules')
    .option('-j, --json', 'the reference as JSON')
    .action((names: string[], o: { list?: boolean; json?: boolean }) => {
      if (o.list || names.length === 0) {
        if (o.json) {
          const all = Object.fromEntries(moduleNames().map((n) => [n, findModule(n)!.description]));
          io.out.write(JSON.stringify(all, null, 2) + '\n');
        } else io.out.write(renderModuleList());
        return done(ExitCode.OK);
      }
      const docs: ModuleDoc[] = [];
      for (const n of names) {
        const mod = findModule(n);
        if (!mod)
          throw new UsageError(`module "${n}" not found${didYouMean(n, moduleNames())}`, {
            hint: 'remediate doc -l lists the modules',
          });
        docs.push(moduleDoc(mod));
      }
      io.out.write(
        o.json ? JSON.stringify(docs, null, 2) + '\n' : docs.map(renderModuleDoc).join('\n') + '\n',
      );
      done(ExitCode.OK);
    });
}
