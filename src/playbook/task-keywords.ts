/** Task keywords shared by every kind of task: zod check with located errors, and normalization. */
import { z } from 'zod';
import type { SourceLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { LoadErrors } from './load-errors';
import { didYouMean } from './suggest';
import type { Condition, LoopControl, TaskCommon } from './types';
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
  roles?: import('./roles').PlayRoles;
}

type Raw = Record<string, unknown>;

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

export const toList = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v.map(String) : [String(v)];

const partials = new WeakMap<object, z.ZodTypeAny>();
/** `z.object(shape).partial()`, built once per keyword set (building zod schemas is not cheap). */
function partialOf(shape: Record<string, z.ZodTypeAny>): z.ZodTypeAny {
  let s = partials.get(shape);
  if (!s) partials.set(shape, (s = z.object(shape).partial()));
  return s;
}

/** Validate keyword values with zod; the first issue becomes a located PlaybookError. */
export function checkKeywords(
  ctx: TaskLoadContext,
  raw: Raw,
  shape: Record<string, z.ZodTypeAny>,
  p: Path,
): void {
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

export function common(ctx: TaskLoadContext, raw: Raw, p: Path): TaskCommon {
  const t: TaskCommon = { loc: ctx.src.loc(p), tags: toTags(raw.tags) };
  if (raw.name !== undefined) t.name = raw.name as string;
  if (raw.when !== undefined) t.when = toConditions(raw.when);
  if (raw.vars !== undefined) t.vars = raw.vars as Vars;
  if (raw.become !== undefined) t.become = raw.become as boolean | string;
  if (raw.become_user !== undefined) t.becomeUser = raw.become_user as string;
  if (raw.become_method !== undefined) t.becomeMethod = raw.become_method as 'sudo' | 'su';
  if (raw.remote_user !== undefined) t.remoteUser = raw.remote_user as string;
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
export function loopOf(
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
