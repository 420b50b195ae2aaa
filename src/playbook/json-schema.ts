/**
 * JSON Schema (draft 2020-12) of the playbook format, generated from the zod schemas: a playbook is a list
 * of plays; a task allows the task keywords plus exactly one module key (short name or FQCN) whose value
 * is that module's args schema or a free-form string. Anything typed may also be a `{{ template }}`.
 */
import { z } from 'zod';
import { moduleNames, findModule } from '../modules/index';
import type { AnyModule } from './module-args';
import { blockKeywords, handlerKeywords, includeKeywords, moduleTaskKeywords, playKeywords } from './schema';

type Json = Record<string, unknown>;
const TEMPLATE: Json = { type: 'string', pattern: '\\{\\{|\\{%', description: 'A Jinja2 template' };
const TASKS: Json = { type: 'array', items: { $ref: '#/$defs/task' } };
const HANDLERS: Json = { type: 'array', items: { $ref: '#/$defs/handler' } };

function convert(schema: z.ZodTypeAny): Json {
  try {
    const out = z.toJSONSchema(schema, {
      unrepresentable: 'any',
      io: 'input',
      target: 'draft-2020-12',
    }) as Json;
    delete out.$schema;
    return out;
  } catch {
    return {};
  }
}

/** Accept a `{{ template }}` wherever a non-string (or constrained string) value is expected. */
function lenient(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(lenient);
  if (typeof node !== 'object' || node === null) return node;
  const n: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'properties' || k === '$defs' || k === 'patternProperties') {
      n[k] = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, lenient(pv)]));
    } else if (
      ['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems', 'not'].includes(k)
    ) {
      n[k] = lenient(v);
    } else n[k] = v;
  }
  const constrained = 'enum' in n || 'const' in n || 'pattern' in n || 'format' in n || 'minLength' in n;
  const typed = 'type' in n && !(n.type === 'string' && !constrained);
  return typed || constrained ? { anyOf: [n, TEMPLATE] } : n;
}

/** A module's args schema without the alias preprocess (`withAliases`), and whether it had one. */
export function moduleArgsCore(mod: AnyModule): { schema: z.ZodTypeAny; preprocessed: boolean } {
  const def = (
    mod.args as unknown as { _zod: { def: { type: string; in?: z.ZodTypeAny; out?: z.ZodTypeAny } } }
  )._zod.def;
  if (
    def.type === 'pipe' &&
    def.in &&
    (def.in as unknown as { _zod: { def: { type: string } } })._zod.def.type === 'transform'
  )
    return { schema: def.out!, preprocessed: true };
  return { schema: mod.args, preprocessed: false };
}

/** The JSON Schema of a module's args as written in a task (input side: defaults make options optional). */
export function moduleArgsInputSchema(mod: AnyModule): Json {
  return convert(moduleArgsCore(mod).schema);
}

function moduleArgsSchema(mod: AnyModule): Json {
  const core = moduleArgsCore(mod);
  let s: Json;
  if (core.preprocessed) {
    // z.preprocess (argument aliases): describe the real schema but let alias keys through.
    s = convert(core.schema);
    // The aliases are hidden in the preprocess step, so alias keys must pass and may stand for required ones.
    if (s.additionalProperties === false) delete s.additionalProperties;
    delete s.required;
  } else s = convert(mod.args);
  const args = lenient(s) as Json;
  const alternatives: Json[] = [args, { type: 'null' }];
  if (s.properties && (s.properties as Json)._raw_params)
    alternatives.push({ type: 'string', description: 'Free-form arguments' });
  else alternatives.push({ type: 'string', description: 'key=value arguments' });
  return { description: mod.description, anyOf: alternatives };
}

/** Keyword properties; an empty keyword (null) counts as absent, except `hosts`. */
function props(shape: Record<string, z.ZodTypeAny>, overrides: Json = {}): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(shape)) {
    const s = overrides[k] ?? lenient(convert(v));
    out[k] = k === 'hosts' ? s : { anyOf: [s, { type: 'null' }] };
  }
  return out;
}

export function playbookJsonSchema(): Record<string, unknown> {
  const defs: Json = {};
  const moduleKeys: Json = {};
  for (const name of moduleNames()) {
    const mod = findModule(name)!;
    defs[`module_${name}`] = moduleArgsSchema(mod);
    for (const key of [name, `ansible.builtin.${name}`, ...(mod.aliases ?? [])])
      moduleKeys[key] = { $ref: `#/$defs/module_${name}` };
  }
  const oneModule = Object.keys(moduleKeys).map((k) => ({ required: [k] }));
  const listOverrides = { block: TASKS, rescue: TASKS, always: TASKS };
  defs.module_task = {
    type: 'object',
    properties: { ...props(moduleTaskKeywords), ...moduleKeys },
    additionalProperties: false,
    oneOf: oneModule,
  };
  defs.handler = {
    type: 'object',
    properties: { ...props(handlerKeywords), ...moduleKeys },
    additionalProperties: false,
    oneOf: oneModule,
  };
  defs.block_task = {
    type: 'object',
    properties: props(blockKeywords, listOverrides),
    required: ['block'],
    additionalProperties: false,
  };
  const includeProps = props(includeKeywords);
  for (const k of ['include_tasks', 'import_tasks']) includeProps[`ansible.builtin.${k}`] = includeProps[k];
  defs.include_task = {
    type: 'object',
    properties: includeProps,
    additionalProperties: false,
    oneOf: [
      'include_tasks',
      'import_tasks',
      'ansible.builtin.include_tasks',
      'ansible.builtin.import_tasks',
    ].map((k) => ({ required: [k] })),
  };
  defs.task = {
    anyOf: [
      { $ref: '#/$defs/module_task' },
      { $ref: '#/$defs/block_task' },
      { $ref: '#/$defs/include_task' },
    ],
  };
  defs.play = {
    type: 'object',
    properties: props(playKeywords, {
      tasks: TASKS,
      pre_tasks: TASKS,
      post_tasks: TASKS,
      handlers: HANDLERS,
    }),
    required: ['hosts'],
    additionalProperties: false,
  };
  defs.import_playbook = {
    type: 'object',
    properties: {
      import_playbook: { type: 'string' },
      'ansible.builtin.import_playbook': { type: 'string' },
      name: { type: 'string' },
    },
    oneOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }],
    additionalProperties: false,
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://remediate.dev/schema/playbook.json',
    title: 'remediate playbook',
    description: 'A list of plays (Ansible-compatible subset)',
    type: 'array',
    items: { anyOf: [{ $ref: '#/$defs/play' }, { $ref: '#/$defs/import_playbook' }] },
    $defs: defs,
  };
}
