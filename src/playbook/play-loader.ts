/** Playbook files → `Playbook`: plays, their keywords, tasks, handlers, and the notify → handler check. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PlaybookError } from '../errors';
import type { Vars } from '../inventory/types';
import { keywordValues } from './keyword-values';
import { playKeywordFields, takeTemplatedKeywords } from './play-keywords';
import { playInheritedKeywords, playKeywords, playSchema, TEMPLATE_RE } from './schema';
import { LoadErrors } from './load-errors';
import { didYouMean } from '../suggest';
import { checkTemplates } from './template-check';
import { issueMessage, valueAtPath } from './zod-issues';
import { defaultRolesPath, loadPlayRoles } from './roles';
import { loadTasks, newPlayRoles, type TaskLoadContext } from './task-loader';
import type { ModuleTask, Play, Playbook } from './types';
import { YamlSource, type Path } from './yaml-source';

type Raw = Record<string, unknown>;
const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Options of playbook loading. */
export interface LoadPlaybookOptions {
  /** Role search path after the playbook's roles/ (ansible.cfg roles_path); default ANSIBLE_ROLES_PATH or Ansible's. */
  rolesPath?: string[];
}

async function loadPlay(
  src: YamlSource,
  input: unknown,
  p: Path,
  importStack: string[],
  errors: LoadErrors,
  opts: LoadPlaybookOptions,
): Promise<Play> {
  if (!isMapping(input)) throw src.error('a play must be a mapping with at least `hosts:`', p);
  // An empty keyword (`vars:` or `tasks:` with nothing under it) is as if it were not there.
  const raw = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null));
  // Each bad keyword is recorded and dropped, so the rest of the play (its tasks) is still checked.
  for (const k of Object.keys(raw)) {
    if (k in playKeywords) continue;
    delete raw[k];
    errors.add(
      src.error(`unknown play keyword '${k}'${didYouMean(k, Object.keys(playKeywords))}`, [...p, k], {
        key: true,
        hint: `play keywords: ${Object.keys(playKeywords).join(', ')}`,
      }),
    );
  }
  const r = playSchema.safeParse(raw);
  if (!r.success) {
    const bad = new Set<string>();
    for (const issue of r.error.issues) {
      const ip = issue.path.filter((x): x is string | number => typeof x !== 'symbol');
      if (bad.has(String(ip[0]))) continue; // one problem per keyword
      bad.add(String(ip[0]));
      const field = playKeywords[ip[0] as keyof typeof playKeywords];
      errors.add(
        src.error(`invalid '${ip.join('.')}': ${issueMessage(issue, valueAtPath(raw, ip))}`, [...p, ...ip], {
          hint: field?.description,
        }),
      );
    }
    for (const k of bad) delete raw[k];
  }
  if (raw.hosts === undefined || raw.hosts === null) {
    errors.add(src.error("a play needs 'hosts'", p, { hint: 'e.g. `hosts: all` or `hosts: masters`' }));
    raw.hosts = '';
  }
  for (const k of ['name', 'hosts', 'vars', 'vars_files', 'environment'] as const) {
    if (raw[k] !== undefined) await errors.attempt(() => checkTemplates(src, raw[k], [...p, k]), undefined);
  }
  const hosts = Array.isArray(raw.hosts) ? (raw.hosts as string[]).join(':') : (raw.hosts as string);
  const vars: Vars = { ...((raw.vars as Vars | undefined) ?? {}) };
  const roles = newPlayRoles(path.dirname(src.file), opts.rolesPath ?? defaultRolesPath());
  /** Which of `roles.handlers` the play's `roles:` list read (the others: import_role/include_role). */
  let rolesFrom = 0;
  let rolesTo = 0;
  const ctx: TaskLoadContext = { src, dir: path.dirname(src.file), importStack, notifies: [], errors, roles };
  // A plain (untemplated) vars file that does not exist is a mistake we can point at now.
  const varsFiles =
    raw.vars_files === undefined ? [] : Array.isArray(raw.vars_files) ? raw.vars_files : [raw.vars_files];
  for (let i = 0; i < varsFiles.length; i++) {
    const f = varsFiles[i] as string | string[];
    // a list of candidates: the first found, at run time (templated names render then)
    if (Array.isArray(f) || /\{\{|\{%/.test(f)) continue;
    try {
      await fs.access(path.resolve(ctx.dir, f));
    } catch {
      errors.add(
        src.error(
          `vars file ${f} does not exist`,
          Array.isArray(raw.vars_files) ? [...p, 'vars_files', i] : [...p, 'vars_files'],
          {
            hint: `paths are relative to the playbook directory ${ctx.dir}`,
          },
        ),
      );
    }
  }
  // serial, gather_facts, strategy, ... written as templates render when the play starts
  const templated = takeTemplatedKeywords(raw);
  // the keywords left (bad ones were dropped above), parsed: transforms applied
  const parsed = (playSchema.safeParse(raw).data ?? {}) as Record<string, unknown>;
  const play: Play = {
    // become, environment, check_mode, ...: what the play passes down to its tasks (schema.ts)
    ...keywordValues(parsed, playInheritedKeywords),
    name: (raw.name as string | undefined) ?? hosts,
    loc: src.loc(p),
    hosts,
    vars,
    varsFiles: varsFiles as (string | string[])[],
    serial: [],
    anyErrorsFatal: (raw.any_errors_fatal as boolean | undefined) ?? false,
    gatherFacts: true,
    strategy: 'linear',
    ...playKeywordFields(raw),
    ...(templated ? { templated } : {}),
    ...(parsed.gather_subset !== undefined
      ? {
          gatherSubset: (Array.isArray(parsed.gather_subset)
            ? (parsed.gather_subset as string[])
            : String(parsed.gather_subset).split(',')
          ).map((x) => x.trim()),
        }
      : {}),
    tags: (parsed.tags as string[] | undefined) ?? [],
    preTasks: await loadTasks(ctx, raw.pre_tasks, [...p, 'pre_tasks'], 'task'),
    // roles run after pre_tasks and before tasks, in the same section (one handler flush after both)
    tasks: [
      ...(await (async () => {
        rolesFrom = roles.handlers.length;
        const t = await errors.attempt(() => loadPlayRoles(ctx, roles, raw.roles, [...p, 'roles']), []);
        rolesTo = roles.handlers.length;
        return t;
      })()),
      ...(await loadTasks(ctx, raw.tasks, [...p, 'tasks'], 'task')),
    ],
    postTasks: await loadTasks(ctx, raw.post_tasks, [...p, 'post_tasks'], 'task'),
    handlers: (await loadTasks(ctx, raw.handlers, [...p, 'handlers'], 'handler')) as ModuleTask[],
  };
  // Ansible's order: the `roles:` handlers, the play's own, then those of import_role/include_role as read
  // (a notify by name binds to the last handler file that has the name)
  play.handlers = [
    ...roles.handlers.slice(rolesFrom, rolesTo),
    ...play.handlers,
    ...roles.handlers.slice(0, rolesFrom),
    ...roles.handlers.slice(rolesTo),
  ];
  if (Object.keys(roles.playDefaults).length) play.roleDefaults = roles.playDefaults;
  if (Object.keys(roles.playVars).length) play.roleVars = roles.playVars;
  if (raw.canary !== undefined) play.canary = raw.canary as number | string;
  // `connection: local`: the play's default connection; any ansible_connection variable (inventory too) wins
  if (typeof raw.connection === 'string') play.connection = raw.connection;

  // Every notify must name a handler (by name or listen topic). Templated names are checked at run time.
  // A handler that failed to load still counts by its written name (no second error for its notifiers).
  const topics = new Set<string>();
  for (const h of Array.isArray(raw.handlers) ? (raw.handlers as unknown[]) : []) {
    if (!isMapping(h)) continue;
    if (typeof h.name === 'string') topics.add(h.name);
    for (const l of Array.isArray(h.listen) ? h.listen : [h.listen]) if (typeof l === 'string') topics.add(l);
  }
  for (const h of roles.handlers) for (const t of [h.name, ...(h.listen ?? [])]) if (t) topics.add(t);
  // A templated handler name ("restart {{ svc }}") is known only at run time: the runner checks then.
  const templatedTopic = [...topics].some((t) => TEMPLATE_RE.test(t));
  for (const n of ctx.notifies) {
    if (topics.has(n.name) || TEMPLATE_RE.test(n.name) || templatedTopic) continue;
    errors.add(
      new PlaybookError(
        `notify '${n.name}' matches no handler of this play${didYouMean(n.name, topics)}`,
        n.loc,
        {
          hint: topics.size
            ? `handlers: ${[...topics].join(', ')}`
            : 'add a `handlers:` section with a task of that name (or listen topic)',
        },
      ),
    );
  }
  return play;
}

/** Load a playbook file; `import_playbook` entries splice in the plays of another file. */
export async function loadPlaybookFile(
  file: string,
  importStack: string[] = [],
  from?: YamlSource,
  fromPath?: Path,
  collected?: LoadErrors,
  opts: LoadPlaybookOptions = {},
): Promise<Playbook> {
  const errors = collected ?? new LoadErrors();
  const pb = await loadPlays(file, importStack, errors, from, fromPath, opts);
  if (!collected) {
    errors.throwIfAny();
    if (errors.warnings.length) pb.warnings = errors.warnings;
  }
  return pb;
}

async function loadPlays(
  file: string,
  importStack: string[],
  errors: LoadErrors,
  from?: YamlSource,
  fromPath?: Path,
  opts: LoadPlaybookOptions = {},
): Promise<Playbook> {
  const abs = path.resolve(file);
  const src = await YamlSource.load(abs, from && fromPath ? from.loc(fromPath) : undefined, 'playbook');
  const v = src.value;
  if (v === null || v === undefined)
    throw src.error('the playbook is empty', [], { hint: 'a playbook is a list of plays' });
  if (!Array.isArray(v))
    throw src.error('a playbook must be a list of plays', [], {
      hint: 'start each play with `- hosts: ...`',
    });
  const stack = [...importStack, abs];
  const plays: Play[] = [];
  for (let i = 0; i < v.length; i++) {
    const item = v[i] as unknown;
    const play = await errors.attempt(() => loadItem(src, item, i, stack, errors, opts), undefined);
    if (play) plays.push(...play);
  }
  return { file: abs, dir: path.dirname(abs), plays };
}

/** One entry of a playbook: a play, or the plays of an `import_playbook`. */
async function loadItem(
  src: YamlSource,
  item: unknown,
  i: number,
  stack: string[],
  errors: LoadErrors,
  opts: LoadPlaybookOptions,
): Promise<Play[]> {
  if (isMapping(item) && 'ansible.builtin.import_playbook' in item && !('import_playbook' in item)) {
    const { ['ansible.builtin.import_playbook']: target, ...rest } = item;
    item = { import_playbook: target, ...rest };
  }
  if (isMapping(item) && 'import_playbook' in item) {
    const target = item.import_playbook;
    if (typeof target !== 'string' || /\{\{|\{%/.test(target)) {
      throw src.error('import_playbook needs a plain (untemplated) file path', [i, 'import_playbook']);
    }
    const extra = Object.keys(item).filter((k) => !['import_playbook', 'name', 'vars'].includes(k));
    if (extra.length)
      throw src.error(`'${extra[0]}' is not supported on import_playbook`, [i, extra[0]], { key: true });
    const importVars = item.vars ?? {};
    if (!isMapping(importVars))
      throw src.error('vars of import_playbook must be a mapping', [i, 'vars'], {
        hint: 'e.g. `vars: {x: 1}`',
      });
    checkTemplates(src, importVars, [i, 'vars']);
    const sub = path.resolve(path.dirname(src.file), target);
    if (stack.includes(sub))
      throw src.error(`import_playbook cycle: ${[...stack, sub].map((f) => path.basename(f)).join(' → ')}`, [
        i,
        'import_playbook',
      ]);
    const plays = (await loadPlaybookFile(sub, stack, src, [i, 'import_playbook'], errors, opts)).plays;
    // as Ansible: the import's vars go over each imported play's own vars
    return Object.keys(importVars).length
      ? plays.map((play) => ({ ...play, vars: { ...play.vars, ...importVars } }))
      : plays;
  }
  return [await loadPlay(src, item, [i], stack, errors, opts)];
}
