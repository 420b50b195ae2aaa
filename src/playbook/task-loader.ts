/**
 * Task lists → normalized `Task` objects (module tasks, blocks, includes), every error located at the
 * offending YAML node. `import_tasks` is inlined here as a block (locations point into the imported
 * file; cycles are detected); `include_tasks` stays an IncludeTask for the runner.
 */
import * as path from 'node:path';
import { findModule, moduleNames } from '../modules/index';
import { actionForm } from './action-form';
import { checkArgs, freeFormArgs, type AnyModule } from './module-args';
import { defaultRolesPath, expandRole, roleBlock, roleInclude, roleUseOf } from './roles';
import {
  blockKeywords,
  handlerKeywords,
  includeKeywords,
  moduleTaskKeywords,
  roleTaskKeywords,
  TEMPLATE_RE,
} from './schema';
import { formatLoc } from '../errors';
import { didYouMean } from '../suggest';
import { keywordValues } from './keyword-values';
import { checkKeywords, common, loopOf, type PlayRoles, type TaskLoadContext } from './task-keywords';
import { checkTaskTemplates } from './template-check';
import type { BlockTask, IncludeTask, ModuleTask, Task } from './types';
import { YamlSource, type Path } from './yaml-source';

export { toTags } from './schema';
export { type NotifyRef, type TaskLoadContext } from './task-keywords';

type Raw = Record<string, unknown>;

const UNSUPPORTED: Record<string, string> = {
  roles: "'roles' is a play keyword, not a task keyword; use include_role or import_role in tasks",
  include: "'include' was removed from Ansible; use import_tasks or include_tasks",
  import_playbook: 'import_playbook is only allowed at the top level of a playbook',
};

const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function allKeywords(kind: 'task' | 'handler'): string[] {
  const s = new Set([
    ...Object.keys(kind === 'handler' ? handlerKeywords : moduleTaskKeywords),
    ...Object.keys(blockKeywords),
    ...Object.keys(includeKeywords),
    ...Object.keys(roleTaskKeywords),
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
  const parsed = checkKeywords(ctx, raw, shape, p);
  const { key, mod } = found[0];
  checkTaskTemplates(ctx.src, raw, p, key, mod.name, ctx.errors?.warnings);
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
    ...common(ctx, parsed, p),
    ...keywordValues(parsed, moduleOnlyKeywords),
    type: 'module',
    module: mod.name,
    args,
    argsLoc,
    ...loopOf(ctx, parsed, p),
  };
  if (task.notify) {
    const many = Array.isArray(raw.notify);
    task.notify.forEach((name, i) =>
      ctx.notifies.push({ name, loc: ctx.src.loc(many ? [...p, 'notify', i] : [...p, 'notify']) }),
    );
  }
  return task;
}

/** The keywords only a module task (or handler) carries; loops are shaped by loopOf, args above. */
const {
  loop: _loop,
  with_items: _withItems,
  with_list: _withList,
  loop_control: _loopControl,
  args: _args,
  ...moduleOnlyKeywords
} = handlerKeywords;

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
  const parsed = checkKeywords(ctx, raw, blockKeywords, p);
  checkTaskTemplates(ctx.src, raw, p, undefined, undefined, ctx.errors?.warnings);
  const block: BlockTask = {
    ...common(ctx, parsed, p),
    type: 'block',
    block: await loadTasks(ctx, raw.block, [...p, 'block'], 'task'),
    rescue: await loadTasks(ctx, raw.rescue, [...p, 'rescue'], 'task'),
    always: await loadTasks(ctx, raw.always, [...p, 'always'], 'task'),
  };
  passNotifyDown(ctx, raw, parsed, p, block);
  return block;
}

/**
 * The tasks (copies where changed) with `notify` given to each module task without one of its own, and
 * to the include_tasks among them (for the tasks they load); a block with its own notify keeps it.
 */
export function withInheritedNotify(tasks: Task[], notify: string[]): Task[] {
  return tasks.map((t): Task => {
    if (t.type === 'module') return t.notify === undefined ? { ...t, notify: [...notify] } : t;
    if (t.type === 'include')
      return t.inheritedNotify === undefined ? { ...t, inheritedNotify: [...notify] } : t;
    if (t.ownNotify) return t;
    return {
      ...t,
      block: withInheritedNotify(t.block, notify),
      rescue: withInheritedNotify(t.rescue, notify),
      always: withInheritedNotify(t.always, notify),
    };
  });
}

/**
 * `notify` on a block or an import_tasks: as in Ansible, each task inside without a notify of its own
 * inherits it (a nested block with its own notify passes that one down instead). Checked against the
 * play's handlers where it is written.
 */
function passNotifyDown(ctx: TaskLoadContext, raw: Raw, parsed: Raw, p: Path, block: BlockTask): void {
  const notify = parsed.notify as string[] | undefined;
  if (!notify?.length) return;
  const many = Array.isArray(raw.notify);
  notify.forEach((name, i) =>
    ctx.notifies.push({ name, loc: ctx.src.loc(many ? [...p, 'notify', i] : [...p, 'notify']) }),
  );
  block.block = withInheritedNotify(block.block, notify);
  block.rescue = withInheritedNotify(block.rescue, notify);
  block.always = withInheritedNotify(block.always, notify);
  block.ownNotify = true;
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
  if (kw === 'include_tasks' && 'notify' in raw)
    throw ctx.src.error("'notify' is not allowed on include_tasks", [...p, 'notify'], {
      key: true,
      hint: 'Ansible takes notify on import_tasks and blocks, not on include_tasks',
    });
  const parsed = checkKeywords(ctx, raw, includeKeywords, p);
  checkTaskTemplates(ctx.src, raw, p, undefined, undefined, ctx.errors?.warnings);
  const spec = raw[kw];
  const file = typeof spec === 'string' ? spec : (spec as { file: string }).file;
  const fileLoc = ctx.src.loc([...p, kw]);
  if (kw === 'include_tasks') {
    const inc: IncludeTask = {
      ...common(ctx, parsed, p),
      type: 'include',
      file,
      baseDir: ctx.dir,
      ...loopOf(ctx, parsed, p),
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
  const imported: BlockTask = {
    ...common(ctx, parsed, p),
    type: 'block',
    block: await loadTaskList(sub),
    rescue: [],
    always: [],
  };
  passNotifyDown(ctx, raw, parsed, p, imported);
  return imported;
}

/** `import_role` (inlined now, as a block) or `include_role` (its tasks file read when reached). */
async function loadRoleTask(ctx: TaskLoadContext, raw: Raw, p: Path): Promise<Task> {
  const kinds = ['include_role', 'import_role'].filter((k) => k in raw);
  if (kinds.length > 1)
    throw ctx.src.error('use include_role or import_role, not both', [...p, kinds[1]], { key: true });
  const kw = kinds[0];
  for (const k of Object.keys(raw)) {
    if (k in roleTaskKeywords) continue;
    throw ctx.src.error(
      `'${k}' is not allowed on ${kw}${didYouMean(k, Object.keys(roleTaskKeywords))}`,
      [...p, k],
      {
        key: true,
      },
    );
  }
  const parsed = checkKeywords(ctx, raw, roleTaskKeywords, p);
  checkTaskTemplates(ctx.src, raw, p, undefined, undefined, ctx.errors?.warnings);
  const spec = raw[kw];
  const s = (typeof spec === 'string' ? { name: spec } : spec) as Record<string, string | undefined>;
  if (TEMPLATE_RE.test(s.name ?? ''))
    throw ctx.src.error(`${kw} needs a plain role name (roles are read at load time)`, [...p, kw]);
  const pr = ctx.roles ?? standaloneRoles(ctx.dir);
  const u = roleUseOf(s.name, [...p, kw], false)!;
  u.use.tasksFrom = s.tasks_from;
  u.use.varsFrom = s.vars_from;
  u.use.defaultsFrom = s.defaults_from;
  u.use.handlersFrom = s.handlers_from;
  const before = pr.handlers.length;
  const touched: ModuleTask[] = [];
  const r = (await expandRole({ ...ctx, roles: pr }, pr, u.use, [], touched))!;
  if (kw === 'import_role') {
    // an import_role's handlers are known from the start, even if an include_role read them first
    for (const h of touched) delete h.includedBy;
    for (const k of ['loop', 'with_items', 'with_list'])
      if (k in raw)
        throw ctx.src.error(`import_role cannot '${k}'; use include_role`, [...p, k], { key: true });
    return roleBlock(ctx, p, r, parsed);
  }
  // the handlers this include_role brings (its role's and its dependencies') exist in Ansible once it
  // runs: those it reads first, and those an earlier include_role read (not those already known statically)
  const fresh = new Set(pr.handlers.slice(before));
  const handlersId = formatLoc(ctx.src.loc(p));
  let any = false;
  for (const h of touched) {
    if (fresh.has(h)) h.includedBy = [handlersId];
    else if (h.includedBy && !h.includedBy.includes(handlersId)) h.includedBy.push(handlersId);
    else continue;
    any = true;
  }
  return roleInclude(ctx, p, r, parsed, loopOf(ctx, parsed, p), any ? handlersId : undefined);
}

/** Roles used from a task file read on its own (include_tasks at run time): searched from its directory. */
function standaloneRoles(dir: string): PlayRoles {
  return newPlayRoles(dir, defaultRolesPath());
}

/** A play's role bookkeeping, with this task loader for the roles' task and handler files. */
export function newPlayRoles(playbookDir: string, rolesPath: string[]): PlayRoles {
  return {
    playbookDir,
    rolesPath,
    handlers: [],
    seen: new Set(),
    handlerFiles: new Set(),
    playDefaults: {},
    playVars: {},
    loadTaskFile: (ctx) => loadTaskList(ctx),
    loadHandlers: (ctx, list) => loadTasks(ctx, list, [], 'handler'),
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
  for (let i = 0; i < list.length; i++) {
    if (!ctx.errors) {
      out.push(await loadTask(ctx, list[i], [...p, i], kind));
      continue;
    }
    // A bad task is recorded and skipped: the next one is independent of it.
    const t = await ctx.errors.attempt(() => loadTask(ctx, list[i], [...p, i], kind), undefined);
    if (t) out.push(t);
  }
  return out;
}

/** An empty keyword (`when:` with nothing after it) means the keyword is not set, as in Ansible. */
const ALL_TASK_KEYWORDS = new Set([
  ...Object.keys(handlerKeywords),
  ...Object.keys(blockKeywords),
  ...Object.keys(includeKeywords),
]);
function dropEmptyKeywords(raw: Raw): Raw {
  return Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== null || !ALL_TASK_KEYWORDS.has(k)));
}

/** `ansible.builtin.include_tasks: f` is `include_tasks: f` (ansible-lint asks for the long names). */
const FQCN_KEYWORDS: Record<string, string> = {
  'ansible.builtin.include_tasks': 'include_tasks',
  'ansible.builtin.import_tasks': 'import_tasks',
  'ansible.builtin.include_role': 'include_role',
  'ansible.builtin.import_role': 'import_role',
};
function shortKeywords(raw: Raw): Raw {
  if (!Object.keys(raw).some((k) => k in FQCN_KEYWORDS)) return raw;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [FQCN_KEYWORDS[k] ?? k, v]));
}

export async function loadTask(
  ctx: TaskLoadContext,
  input: unknown,
  p: Path,
  kind: 'task' | 'handler',
): Promise<Task> {
  const raw = isMapping(input) ? shortKeywords(dropEmptyKeywords(input)) : input;
  if (!isMapping(raw)) {
    throw ctx.src.error(
      `a ${kind} must be a mapping (module: args, plus keywords), not ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`,
      p,
    );
  }
  if (kind === 'handler') {
    for (const k of ['block', 'include_tasks', 'import_tasks', 'include_role', 'import_role']) {
      if (k in raw)
        throw ctx.src.error(`a handler cannot use '${k}'; handlers call one module`, [...p, k], {
          key: true,
        });
    }
    return loadModuleTask(ctx, raw, p, kind);
  }
  if ('block' in raw) return loadBlock(ctx, raw, p);
  if ('local_action' in raw || 'action' in raw) return loadModuleTask(ctx, actionForm(ctx, raw, p), p, kind);
  if ('include_tasks' in raw || 'import_tasks' in raw) return loadInclude(ctx, raw, p);
  if ('include_role' in raw || 'import_role' in raw) return loadRoleTask(ctx, raw, p);
  return loadModuleTask(ctx, raw, p, kind);
}
