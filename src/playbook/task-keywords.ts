/** Task keywords shared by every kind of task: zod check with located errors, and normalization. */
import { z } from 'zod';
import type { SourceLoc } from '../errors';
import type { LoadErrors } from './load-errors';
import { didYouMean } from '../suggest';
import { keywordValues } from './keyword-values';
import { commonTaskKeywords } from './schema';
import type { Vars } from '../inventory/types';
import type { LoopControl, ModuleTask, Task, TaskCommon } from './types';
import type { Path, YamlSource } from './yaml-source';
import { issueMessage, valueAtPath } from './zod-issues';

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
  /** Where to record a bad task and carry on with the next (absent: the first problem is thrown). */
  errors?: LoadErrors;
  /** The play's roles (search path, handlers collected); absent in a task file read on its own. */
  roles?: PlayRoles;
}

/** What one play collects from the roles it uses (shared by its roles: entries, imports and includes). */
export interface PlayRoles {
  /** The playbook's directory: `roles/` there is searched first, then the roles path, then the directory itself. */
  playbookDir: string;
  rolesPath: string[];
  /** Handlers of every role used, in order of first use. */
  handlers: ModuleTask[];
  /** `name + parameters` of roles already run through `roles:` or dependencies (no allow_duplicates). */
  seen: Set<string>;
  /** Handler files already added (a role used twice brings its handlers once). */
  handlerFiles: Set<string>;
  /** `roles:` defaults and vars, visible to the whole play (Ansible's default, private_role_vars=False). */
  playDefaults: Vars;
  playVars: Vars;
  /** The task loader (passed in: the role loader and the task loader use each other). */
  loadTaskFile(ctx: TaskLoadContext): Promise<Task[]>;
  loadHandlers(ctx: TaskLoadContext, list: unknown): Promise<Task[]>;
}

type Raw = Record<string, unknown>;

const partials = new WeakMap<object, z.ZodTypeAny>();
/** `z.object(shape).partial()`, built once per keyword set (building zod schemas is not cheap). */
function partialOf(shape: Record<string, z.ZodTypeAny>): z.ZodTypeAny {
  let s = partials.get(shape);
  if (!s) partials.set(shape, (s = z.object(shape).partial()));
  return s;
}

/**
 * Validate keyword values with zod and return them parsed (transforms applied, YAML names, only the
 * keywords of `shape`); the first issue becomes a located PlaybookError.
 */
export function checkKeywords(
  ctx: TaskLoadContext,
  raw: Raw,
  shape: Record<string, z.ZodTypeAny>,
  p: Path,
): Raw {
  const picked: Raw = {};
  for (const k of Object.keys(raw)) if (k in shape) picked[k] = raw[k];
  const r = partialOf(shape).safeParse(picked);
  if (r.success) return r.data as Raw;
  const issue = r.error.issues[0];
  const ip = issue.path.filter((x): x is string | number => typeof x !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = objectKeys(shape[ip[0] as string]);
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

/** The keywords every task carries, from its parsed keywords (see checkKeywords). */
export function common(ctx: TaskLoadContext, parsed: Raw, p: Path): TaskCommon {
  return {
    ...keywordValues(parsed, commonTaskKeywords),
    loc: ctx.src.loc(p),
    tags: (parsed.tags as string[]) ?? [],
  };
}

/** `loop` / `with_items` (flattened one level, like Ansible) / `with_list`: at most one. `raw` is parsed. */
export function loopOf(
  ctx: TaskLoadContext,
  raw: Raw,
  p: Path,
): { loop?: unknown[] | string; loopLookup?: string; loopControl?: LoopControl } {
  const given = Object.keys(raw).filter(
    (k) => (k === 'loop' || k.startsWith('with_')) && raw[k] !== undefined,
  );
  if (given.length > 1) {
    throw ctx.src.error(
      `use only one of 'loop' and the with_* keywords (found '${given[0]}' and '${given[1]}')`,
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
  const out: { loop?: unknown[] | string; loopLookup?: string; loopControl?: LoopControl } = {};
  if (loop !== undefined) out.loop = loop;
  if (given[0]?.startsWith('with_') && given[0] !== 'with_items' && given[0] !== 'with_list')
    out.loopLookup = given[0].slice('with_'.length);
  const lc = raw.loop_control as LoopControl | undefined;
  if (lc) {
    if (loop === undefined)
      throw ctx.src.error("'loop_control' without a loop", [...p, 'loop_control'], { key: true });
    out.loopControl = lc;
  }
  return out;
}

/** The keys of an object schema, also behind a transform (`z.object(...).transform(...)` is a pipe). */
function objectKeys(schema: z.ZodTypeAny | undefined): string[] {
  const s = schema as unknown as { shape?: Raw; in?: { shape?: Raw } } | undefined;
  return Object.keys(s?.shape ?? s?.in?.shape ?? {});
}
