/**
 * Ansible roles at load time: finding a role directory on the search path, reading its defaults/, vars/,
 * meta/ (dependencies, allow_duplicates), handlers/ and tasks/, and turning one use of a role (`roles:`
 * entry, `import_role`, `include_role`) into tasks that carry the role's scope (`RoleScope`: its
 * directory for templates/ and files/, its defaults and vars). Dependencies come first, as in Ansible.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Vars } from '../inventory/types';
import { commonTaskKeywords } from './schema';
import type { PlayRoles, TaskLoadContext } from './task-keywords';
import { checkKeywords, common } from './task-keywords';
import type { BlockTask, IncludeTask, ModuleTask, RoleScope, Task } from './types';
import { YamlSource, type Path } from './yaml-source';

type Raw = Record<string, unknown>;
const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ansible's default roles_path after the playbook's own roles/; ANSIBLE_ROLES_PATH replaces it. */
export function defaultRolesPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env.ANSIBLE_ROLES_PATH;
  if (fromEnv) return fromEnv.split(':').filter(Boolean);
  return [path.join(os.homedir(), '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];
}

/** Where a role named `name` lives, or undefined. A name with a slash is a path (relative to `fromDir`). */
export function findRoleDir(name: string, pr: PlayRoles, fromDir: string): string | undefined {
  const candidates = path.isAbsolute(name)
    ? [name]
    : [
        path.join(pr.playbookDir, 'roles', name),
        ...pr.rolesPath.map((d) => path.resolve(pr.playbookDir, d, name)),
        path.join(fromDir, name),
        path.join(pr.playbookDir, name),
      ];
  return candidates.find((d) => fs.existsSync(d) && fs.statSync(d).isDirectory());
}

/** `tasks/main.yml` and friends: the file for `base` in one of a role's folders, or undefined. */
function roleFile(roleDir: string, folder: string, base: string): string | undefined {
  for (const ext of ['', '.yml', '.yaml', '.json']) {
    const f = path.join(roleDir, folder, base + ext);
    if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  }
  return undefined;
}

async function readVars(ctx: TaskLoadContext, file: string | undefined, at: Path): Promise<Vars> {
  if (!file) return {};
  const src = await YamlSource.load(file, ctx.src.loc(at), 'vars file');
  if (src.value === null || src.value === undefined) return {};
  if (!isMapping(src.value)) throw src.error('a role vars/defaults file must be a mapping', []);
  return src.value as Vars;
}

const handlerFileMaps = new WeakMap<PlayRoles, Map<string, ModuleTask[]>>();

/** The handlers read from each role handlers file of a play (a file is read once per play). */
function handlersByFile(pr: PlayRoles): Map<string, ModuleTask[]> {
  let m = handlerFileMaps.get(pr);
  if (!m) handlerFileMaps.set(pr, (m = new Map()));
  return m;
}

export interface RoleUse {
  /** The role as written (name or path). */
  name: string;
  /** Where it is written, for errors. */
  at: Path;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** Role parameters (`- { role: x, port: 80 }`): above set_fact, as Ansible's role params. */
  params: Vars;
  /** `vars:` of a `roles:` entry: role vars. */
  vars: Vars;
  /** `roles:` entries and dependencies run once per play unless the role allows duplicates. */
  dedupe: boolean;
  /** A `roles:` entry or one of its dependencies: defaults and vars are visible to the whole play. */
  playWide?: boolean;
}

/** A role's scope and tasks after its dependencies: the tasks to run in place of one use of it. */
export async function expandRole(
  ctx: TaskLoadContext,
  pr: PlayRoles,
  use: RoleUse,
  chain: string[] = [],
  /** Collects the handlers this use brings (its role's and its dependencies', loaded now or before). */
  touched?: ModuleTask[],
): Promise<{ deps: Task[]; scope: RoleScope; tasksFile?: string; tasks: Task[] } | undefined> {
  const dir = findRoleDir(use.name, pr, ctx.dir);
  if (!dir) {
    throw ctx.src.error(`role '${use.name}' not found`, use.at, {
      hint: `searched ${[path.join(pr.playbookDir, 'roles'), ...pr.rolesPath, pr.playbookDir].join(', ')}`,
    });
  }
  if (chain.includes(dir))
    throw ctx.src.error(
      `role dependency cycle: ${[...chain, dir].map((d) => path.basename(d)).join(' → ')}`,
      use.at,
    );
  const name = path.basename(dir);
  const metaFile = roleFile(dir, 'meta', 'main');
  let meta: Raw = {};
  if (metaFile) {
    const src = await YamlSource.load(metaFile, ctx.src.loc(use.at), 'role meta file');
    if (isMapping(src.value)) meta = src.value;
  }
  const key = `${dir}\0${JSON.stringify(use.params)}\0${JSON.stringify(use.vars)}`;
  if (use.dedupe && meta.allow_duplicates !== true) {
    if (pr.seen.has(key)) return undefined;
    pr.seen.add(key);
  }
  const defaults = await readVars(ctx, roleFile(dir, 'defaults', use.defaultsFrom ?? 'main'), use.at);
  const vars = {
    ...(await readVars(ctx, roleFile(dir, 'vars', use.varsFrom ?? 'main'), use.at)),
    ...use.vars,
  };
  const scope: RoleScope = { name, path: dir, defaults, vars, params: use.params };

  const deps: Task[] = [];
  const depList = Array.isArray(meta.dependencies) ? meta.dependencies : [];
  for (const d of depList) {
    const depUse = roleUseOf(d, use.at, true);
    if (!depUse) continue;
    depUse.use.playWide = use.playWide;
    const sub = await expandRole(ctx, pr, depUse.use, [...chain, dir], touched);
    if (sub) deps.push(roleBlock(ctx, use.at, sub, parseKeywords(ctx, depUse.raw, use.at)));
  }

  if (use.playWide) {
    Object.assign(pr.playDefaults, defaults);
    Object.assign(pr.playVars, vars);
  }

  const handlersFile = roleFile(dir, 'handlers', use.handlersFrom ?? 'main');
  const loadedHandlers = handlersByFile(pr);
  if (handlersFile && !pr.handlerFiles.has(handlersFile)) {
    pr.handlerFiles.add(handlersFile);
    const src = await YamlSource.load(handlersFile, ctx.src.loc(use.at), 'role handlers file');
    const hctx: TaskLoadContext = { ...ctx, src, dir: path.dirname(handlersFile), notifies: [] };
    const hs = (await pr.loadHandlers(hctx, src.value ?? [])) as ModuleTask[];
    for (const h of hs) {
      h.role = scope;
      if (h.name) h.listen = [...(h.listen ?? []), `${name} : ${h.name}`];
      pr.handlers.push(h);
    }
    loadedHandlers.set(handlersFile, hs);
  }
  if (handlersFile) touched?.push(...(loadedHandlers.get(handlersFile) ?? []));

  const tasksFile = roleFile(dir, 'tasks', use.tasksFrom ?? 'main');
  if (use.tasksFrom && !tasksFile)
    throw ctx.src.error(`role '${name}' has no tasks file '${use.tasksFrom}'`, use.at, {
      hint: `looked in ${path.join(dir, 'tasks')}`,
    });
  let tasks: Task[] = [];
  if (tasksFile) {
    const src = await YamlSource.load(tasksFile, ctx.src.loc(use.at), 'role tasks file');
    tasks = await pr.loadTaskFile({
      ...ctx,
      src,
      dir: path.dirname(tasksFile),
      importStack: [...ctx.importStack, tasksFile],
    });
  }
  return { deps, scope, tasksFile, tasks };
}

/** The task keywords of a roles: entry or dependency (`when`, `tags`, `become`, ...), checked and parsed. */
function parseKeywords(ctx: TaskLoadContext, raw: Raw, at: Path): Raw {
  return checkKeywords(ctx, keywordsOf(raw), commonTaskKeywords, at);
}

/** The block that runs a role's tasks in its scope, after its dependencies; `parsed`: its task keywords. */
export function roleBlock(
  ctx: TaskLoadContext,
  at: Path,
  r: { deps: Task[]; scope: RoleScope; tasks: Task[] },
  parsed: Raw,
): BlockTask {
  const own: BlockTask = {
    ...common(ctx, {}, at),
    type: 'block',
    role: r.scope,
    block: r.tasks,
    rescue: [],
    always: [],
  };
  const outer = { ...common(ctx, parsed, at), type: 'block' as const, rescue: [], always: [] };
  return { ...outer, block: [...r.deps, own] };
}

/** include_role: its tasks file loaded at run time (per host, in a loop), in the role's scope. */
export function roleInclude(
  ctx: TaskLoadContext,
  at: Path,
  r: { deps: Task[]; scope: RoleScope; tasksFile?: string },
  parsed: Raw,
  loop: Pick<IncludeTask, 'loop' | 'loopControl'>,
  handlersId?: string,
): Task {
  const inc: IncludeTask = {
    ...common(ctx, parsed, at),
    type: 'include',
    file: r.tasksFile ?? '',
    baseDir: r.scope.path,
    role: r.scope,
    ...loop,
    ...(handlersId ? { handlersId } : {}),
  };
  if (!r.deps.length) return inc;
  // dependencies run once, under the include's conditions and tags
  const { when, tags } = inc;
  delete inc.when;
  return {
    ...common(ctx, {}, at),
    when,
    tags,
    type: 'block',
    block: [...r.deps, inc],
    rescue: [],
    always: [],
  };
}

function keywordsOf(raw: Raw): Raw {
  const out: Raw = {};
  for (const k of Object.keys(raw)) if (k in commonTaskKeywords) out[k] = raw[k];
  return out;
}

/** One `roles:` entry or dependency (`name`, `{role: name, ...}`, `{name: ..., vars: ...}`) as a RoleUse. */
export function roleUseOf(entry: unknown, at: Path, dedupe: boolean): { use: RoleUse; raw: Raw } | undefined {
  const raw: Raw = typeof entry === 'string' ? { role: entry } : isMapping(entry) ? entry : {};
  const name = (raw.role ?? raw.name) as unknown;
  if (typeof name !== 'string' || !name) return undefined;
  const params: Vars = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'role' || k === 'name' || k in commonTaskKeywords) continue;
    params[k] = v;
  }
  return {
    use: { name, at, params, vars: isMapping(raw.vars) ? (raw.vars as Vars) : {}, dedupe },
    raw: { ...raw, vars: undefined },
  };
}

/** A play's `roles:` list → one block per role (dependencies first), ahead of the play's tasks. */
export async function loadPlayRoles(
  ctx: TaskLoadContext,
  pr: PlayRoles,
  list: unknown,
  p: Path,
): Promise<Task[]> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw ctx.src.error('roles: expected a list of roles', p);
  const out: Task[] = [];
  for (let i = 0; i < list.length; i++) {
    const u = roleUseOf(list[i], [...p, i], true);
    if (!u) {
      throw ctx.src.error('a roles: entry is a role name or a mapping with `role:`', [...p, i], {
        hint: 'e.g. `- webserver` or `- { role: webserver, when: ... }`',
      });
    }
    u.use.playWide = true;
    const r = await expandRole(ctx, pr, u.use);
    if (!r) continue;
    out.push(roleBlock(ctx, [...p, i], r, parseKeywords(ctx, u.raw, [...p, i])));
  }
  return out;
}
