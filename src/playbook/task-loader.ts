/**
 * Task lists → normalized `Task` objects (module tasks, blocks, includes), every error located at the
 * offending YAML node. `import_tasks` is inlined here as a block (locations point into the imported
 * file; cycles are detected); `include_tasks` stays an IncludeTask for the runner.
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { SourceLoc } from '../errors';
import { findModule, moduleNames } from '../modules/index';
import type { Vars } from '../inventory/types';
import { checkArgs, freeFormArgs, type AnyModule } from './module-args';
import { blockKeywords, handlerKeywords, includeKeywords, moduleTaskKeywords, TEMPLATE_RE } from './schema';
import { didYouMean } from './suggest';
import { checkTaskTemplates } from './template-check';
import { issueMessage, valueAtPath } from './zod-issues';
import type { BlockTask, Condition, IncludeTask, LoopControl, ModuleTask, Task, TaskCommon } from './types';
import { YamlSource, type Path } from './yaml-source';

/** Where a notify was written, for the play-level "no such handler" check. */
export interface NotifyRef {
  name: string;
  loc: SourceLoc;
}

export interface TaskLoadContext {
  src: YamlSource;
  /** Directory of `src` (base for relative include/import paths). */
  dir: string;
  /** Absolute paths of the files being imported, outermost first (cycle detection). */
  importStack: string[];
  notifies: NotifyRef[];
}

type Raw = Record<string, unknown>;

const UNSUPPORTED: Record<string, string> = {
  roles: 'roles are not supported; use import_tasks or include_tasks',
  include_role: 'include_role is not supported; use include_tasks',
  import_role: 'import_role is not supported; use import_tasks',
  include: "'include' was removed from Ansible; use import_tasks or include_tasks",
  import_playbook: 'import_playbook is only allowed at the top level of a playbook',
  local_action: "local_action is not supported; use 'delegate_to: localhost'",
  action: "'action:' is not supported; write the module name as the key",
  with_dict: 'with_dict is not supported; use loop: "{{ mydict | dict2items }}"',
  with_fileglob: 'with_fileglob is not supported',
  with_sequence: 'with_sequence is not supported; use loop: "{{ range(...) | list }}"',
  with_nested: 'with_nested is not supported; use loop with the product filter',
  with_together: 'with_together is not supported; use loop: "{{ a | zip(b) | list }}"',
  with_subelements: 'with_subelements is not supported',
};

const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export const toConditions = (v: unknown): Condition[] | undefined =>
  v === undefined
    ? undefined
    : (Array.isArray(v) ? v : [v]).map((c) => (typeof c === 'string' ? c.trim() : (c as boolean)));

export function toTags(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list
    .flatMap((t) => String(t).split(','))
    .map((t) => t.trim())
    .filter(Boolean);
}

const toList = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)];

const partials = new WeakMap<object, z.ZodTypeAny>();
/** `z.object(shape).partial()`, built once per keyword set (building zod schemas is not cheap). */
function partialOf(shape: Record<string, z.ZodTypeAny>): z.ZodTypeAny {
  let s = partials.get(shape);
  if (!s) partials.set(shape, (s = z.object(shape).partial()));
  return s;
}

/** Validate keyword values with zod; the first issue becomes a located PlaybookError. */
function checkKeywords(ctx: TaskLoadContext, raw: Raw, shape: Record<string, z.ZodTypeAny>, p: Path): void {
  const picked: Raw = {};
  for (const k of Object.keys(raw)) if (k in shape) picked[k] = raw[k];
  const r = partialOf(shape).safeParse(picked);
  if (r.success) return;
  const issue = r.error.issues[0];
  const ip = issue.path.filter((x): x is string | number => typeof x !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = Object.keys((shape[ip[0] as string] as unknown as { shape?: Raw }).shape ?? {});
    throw ctx.src.error(
      `unknown key '${key}' in '${ip.join('.')}'${didYouMean(key, known)}`,
      [...p, ...ip, key],
      {
        key: true,
        hint: known.length ? `valid keys: ${known.join(', ')}` : undefined,
      },
    );
  }
  const field = shape[ip[0] as string];
  throw ctx.src.error(
    `invalid '${ip.join('.')}': ${issueMessage(issue, valueAtPath(picked, ip))}`,
    [...p, ...ip],
    {
      hint: field?.description,
    },
  );
}

function common(ctx: TaskLoadContext, raw: Raw, p: Path): TaskCommon {
  const t: TaskCommon = { loc: ctx.src.loc(p), tags: toTags(raw.tags) };
  if (raw.name !== undefined) t.name = raw.name as string;
  if (raw.when !== undefined) t.when = toConditions(raw.when);
  if (raw.vars !== undefined) t.vars = raw.vars as Vars;
  if (raw.become !== undefined) t.become = raw.become as boolean;
  if (raw.become_user !== undefined) t.becomeUser = raw.become_user as string;
  if (raw.become_method !== undefined) t.becomeMethod = raw.become_method as 'sudo' | 'su';
  if (raw.environment !== undefined) t.environment = raw.environment as Vars | string;
  if (raw.no_log !== undefined) t.noLog = raw.no_log as boolean | string;
  if (raw.ignore_errors !== undefined) t.ignoreErrors = raw.ignore_errors as boolean | string;
  if (raw.ignore_unreachable !== undefined) t.ignoreUnreachable = raw.ignore_unreachable as boolean;
  if (raw.check_mode !== undefined) t.checkMode = raw.check_mode as boolean;
  if (raw.delegate_to !== undefined) t.delegateTo = raw.delegate_to as string;
  if (raw.run_once !== undefined) t.runOnce = raw.run_once as boolean;
  if (raw.any_errors_fatal !== undefined) t.anyErrorsFatal = raw.any_errors_fatal as boolean;
  return t;
}

/** `loop` / `with_items` (flattened one level, like Ansible) / `with_list`: at most one. */
function loopOf(
  ctx: TaskLoadContext,
  raw: Raw,
  p: Path,
): { loop?: unknown[] | string; loopControl?: LoopControl } {
  const given = ['loop', 'with_items', 'with_list'].filter((k) => raw[k] !== undefined);
  if (given.length > 1) {
    throw ctx.src.error(
      `use only one of 'loop', 'with_items', 'with_list' (found '${given[0]}' and '${given[1]}')`,
      [...p, given[1]],
      {
        key: true,
      },
    );
  }
  let loop = given.length ? (raw[given[0]] as unknown[] | string) : undefined;
  if (given[0] === 'with_items') {
    if (Array.isArray(loop)) loop = loop.flatMap((x) => (Array.isArray(x) ? x : [x]));
    else if (typeof loop === 'string') {
      const m = /^\s*\{\{(.*)\}\}\s*$/s.exec(loop);
      if (m && !m[1].includes('{{')) loop = `{{ (${m[1].trim()}) | flatten(levels=1) }}`;
    }
  }
  const out: { loop?: unknown[] | string; loopControl?: LoopControl } = {};
  if (loop !== undefined) out.loop = loop;
  const lc = raw.loop_control as Raw | undefined;
  if (lc) {
    if (loop === undefined)
      throw ctx.src.error("'loop_control' without a loop", [...p, 'loop_control'], { key: true });
    out.loopControl = { loopVar: (lc.loop_var as string) ?? 'item' };
    if (lc.index_var !== undefined) out.loopControl.indexVar = lc.index_var as string;
    if (lc.label !== undefined) out.loopControl.label = lc.label as string;
    if (lc.pause !== undefined) out.loopControl.pause = lc.pause as number;
    if (lc.extended !== undefined) out.loopControl.extended = lc.extended as boolean;
  }
  return out;
}

function allKeywords(kind: 'task' | 'handler'): string[] {
  const s = new Set([
    ...Object.keys(kind === 'handler' ? handlerKeywords : moduleTaskKeywords),
    ...Object.keys(blockKeywords),
    ...Object.keys(includeKeywords),
  ]);
  return [...s];
}

function moduleCandidates(): string[] {
  return moduleNames().flatMap((n) => [n, `ansible.builtin.${n}`]);
}

function loadModuleTask(ctx: TaskLoadContext, raw: Raw, p: Path, kind: 'task' | 'handler'): ModuleTask {
  const shape = kind === 'handler' ? handlerKeywords : moduleTaskKeywords;
  const others = Object.keys(raw).filter((k) => !(k in shape));
  const found: { key: string; mod: AnyModule }[] = [];
  for (const k of others) {
    const mod = findModule(k);
    if (mod) {
      found.push({ key: k, mod });
      continue;
    }
    if (k in UNSUPPORTED) throw ctx.src.error(UNSUPPORTED[k], [...p, k], { key: true });
    if (k === 'listen') throw ctx.src.error("'listen' is only allowed on handlers", [...p, k], { key: true });
    if (k === 'rescue' || k === 'always')
      throw ctx.src.error(`'${k}' needs a 'block'`, [...p, k], { key: true });
    const keywords = allKeywords(kind);
    const hint = `task keywords: ${Object.keys(shape).join(', ')}`;
    if (found.length || others.some((o) => findModule(o))) {
      throw ctx.src.error(`unknown task keyword '${k}'${didYouMean(k, keywords)}`, [...p, k], {
        key: true,
        hint,
      });
    }
    throw ctx.src.error(
      `unknown module or task keyword '${k}'${didYouMean(k, [...keywords, ...moduleCandidates()])}`,
      [...p, k],
      {
        key: true,
        hint: `modules: ${moduleNames().join(', ')}`,
      },
    );
  }
  if (found.length === 0) {
    throw ctx.src.error('task has no module', p, { hint: `add one of: ${moduleNames().join(', ')}` });
  }
  if (found.length > 1) {
    throw ctx.src.error(
      `a task calls exactly one module; found '${found[0].key}' and '${found[1].key}'`,
      [...p, found[1].key],
      {
        key: true,
        hint: 'split it into two tasks',
      },
    );
  }
  checkKeywords(ctx, raw, shape, p);
  const { key, mod } = found[0];
  checkTaskTemplates(ctx.src, raw, p, key, mod.name);
  const value = raw[key];
  const argsLoc = ctx.src.loc([...p, key]);
  let args: Raw;
  if (value === null || value === undefined) args = {};
  else if (typeof value === 'string') {
    try {
      args = freeFormArgs(mod, value);
    } catch (e) {
      throw ctx.src.error((e as Error).message, [...p, key]);
    }
  } else if (isMapping(value)) args = { ...value };
  else
    throw ctx.src.error(
      `arguments of module '${mod.name}' must be a mapping or a string, not a ${Array.isArray(value) ? 'list' : typeof value}`,
      [...p, key],
    );
  const fromKey = new Set(Object.keys(args));
  if (isMapping(raw.args)) for (const [k, v] of Object.entries(raw.args)) if (!(k in args)) args[k] = v;
  const { problem } = checkArgs(mod, args, true);
  if (problem) {
    const first = problem.path[0];
    const where: Path =
      first === undefined
        ? [...p, key]
        : fromKey.has(String(first)) && isMapping(value)
          ? [...p, key, ...problem.path]
          : !fromKey.has(String(first)) && isMapping(raw.args)
            ? [...p, 'args', ...problem.path]
            : [...p, key];
    throw ctx.src.error(problem.message, where, { key: problem.key, hint: problem.hint });
  }

  const task: ModuleTask = {
    ...common(ctx, raw, p),
    type: 'module',
    module: mod.name,
    args,
    argsLoc,
    ...loopOf(ctx, raw, p),
  };
  if (raw.register !== undefined) task.register = raw.register as string;
  if (raw.until !== undefined) task.until = toConditions(raw.until);
  if (raw.retries !== undefined) task.retries = raw.retries as number | string;
  if (raw.delay !== undefined) task.delay = raw.delay as number | string;
  if (raw.changed_when !== undefined) task.changedWhen = toConditions(raw.changed_when);
  if (raw.failed_when !== undefined) task.failedWhen = toConditions(raw.failed_when);
  if (raw.notify !== undefined) {
    task.notify = toList(raw.notify);
    const many = Array.isArray(raw.notify);
    task.notify!.forEach((name, i) =>
      ctx.notifies.push({ name, loc: ctx.src.loc(many ? [...p, 'notify', i] : [...p, 'notify']) }),
    );
  }
  if (raw.listen !== undefined) task.listen = toList(raw.listen);
  return task;
}

async function loadBlock(ctx: TaskLoadContext, raw: Raw, p: Path): Promise<BlockTask> {
  for (const k of Object.keys(raw)) {
    if (k in blockKeywords) continue;
    if (k in moduleTaskKeywords || k in includeKeywords || findModule(k)) {
      throw ctx.src.error(`'${k}' is not allowed on a block`, [...p, k], {
        key: true,
        hint: 'put it on the tasks inside the block',
      });
    }
    throw ctx.src.error(
      `unknown block keyword '${k}'${didYouMean(k, Object.keys(blockKeywords))}`,
      [...p, k],
      { key: true },
    );
  }
  checkKeywords(ctx, raw, blockKeywords, p);
  checkTaskTemplates(ctx.src, raw, p);
  return {
    ...common(ctx, raw, p),
    type: 'block',
    block: await loadTasks(ctx, raw.block, [...p, 'block'], 'task'),
    rescue: await loadTasks(ctx, raw.rescue, [...p, 'rescue'], 'task'),
    always: await loadTasks(ctx, raw.always, [...p, 'always'], 'task'),
  };
}

async function loadInclude(ctx: TaskLoadContext, raw: Raw, p: Path): Promise<Task> {
  const kinds = ['include_tasks', 'import_tasks'].filter((k) => k in raw);
  if (kinds.length > 1)
    throw ctx.src.error('use include_tasks or import_tasks, not both', [...p, kinds[1]], { key: true });
  const kw = kinds[0];
  for (const k of Object.keys(raw)) {
    if (k in includeKeywords) continue;
    throw ctx.src.error(
      `'${k}' is not allowed on ${kw}${didYouMean(k, Object.keys(includeKeywords))}`,
      [...p, k],
      {
        key: true,
      },
    );
  }
  checkKeywords(ctx, raw, includeKeywords, p);
  checkTaskTemplates(ctx.src, raw, p);
  const spec = raw[kw];
  const file = typeof spec === 'string' ? spec : (spec as { file: string }).file;
  const fileLoc = ctx.src.loc([...p, kw]);
  if (kw === 'include_tasks') {
    const inc: IncludeTask = {
      ...common(ctx, raw, p),
      type: 'include',
      file,
      baseDir: ctx.dir,
      ...loopOf(ctx, raw, p),
    };
    return inc;
  }
  for (const k of ['loop', 'with_items', 'with_list']) {
    if (k in raw)
      throw ctx.src.error(`import_tasks cannot '${k}'; use include_tasks`, [...p, k], { key: true });
  }
  if (TEMPLATE_RE.test(file)) {
    throw ctx.src.error('import_tasks path cannot be templated (it is read at load time)', [...p, kw], {
      hint: 'use include_tasks for a templated path',
    });
  }
  const abs = path.resolve(ctx.dir, file);
  if (ctx.importStack.includes(abs)) {
    const cycle = [...ctx.importStack.slice(ctx.importStack.indexOf(abs)), abs]
      .map((f) => path.basename(f))
      .join(' → ');
    throw ctx.src.error(`import_tasks cycle: ${cycle}`, [...p, kw]);
  }
  const src = await YamlSource.load(abs, fileLoc, 'task file');
  const sub: TaskLoadContext = {
    ...ctx,
    src,
    dir: path.dirname(abs),
    importStack: [...ctx.importStack, abs],
  };
  return {
    ...common(ctx, raw, p),
    type: 'block',
    block: await loadTaskList(sub),
    rescue: [],
    always: [],
  };
}

/** The tasks of a whole task file (`sub.src`): a list, or empty. */
export async function loadTaskList(ctx: TaskLoadContext): Promise<Task[]> {
  const v = ctx.src.value;
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw ctx.src.error('a task file must be a list of tasks', []);
  return loadTasks(ctx, v, [], 'task');
}

export async function loadTasks(
  ctx: TaskLoadContext,
  list: unknown,
  p: Path,
  kind: 'task' | 'handler',
): Promise<Task[]> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw ctx.src.error('expected a list of tasks', p);
  const out: Task[] = [];
  for (let i = 0; i < list.length; i++) out.push(await loadTask(ctx, list[i], [...p, i], kind));
  return out;
}

export async function loadTask(
  ctx: TaskLoadContext,
  raw: unknown,
  p: Path,
  kind: 'task' | 'handler',
): Promise<Task> {
  if (!isMapping(raw)) {
    throw ctx.src.error(
      `a ${kind} must be a mapping (module: args, plus keywords), not ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`,
      p,
    );
  }
  if (kind === 'handler') {
    for (const k of ['block', 'include_tasks', 'import_tasks']) {
      if (k in raw)
        throw ctx.src.error(`a handler cannot use '${k}'; handlers call one module`, [...p, k], {
          key: true,
        });
    }
    return loadModuleTask(ctx, raw, p, kind);
  }
  if ('block' in raw) return loadBlock(ctx, raw, p);
  if ('include_tasks' in raw || 'import_tasks' in raw) return loadInclude(ctx, raw, p);
  return loadModuleTask(ctx, raw, p, kind);
}
