/**
 * The play keywords Ansible templates when a play starts (`serial`, `gather_facts`, `strategy`, `order`,
 * `max_fail_percentage`, `force_handlers`): written as a `{{ template }}` they are kept as text by the
 * loader (`Play.templated`) and rendered by the runner with the play's variables, vars_files and -e, then
 * checked against the same schema as a written value. `playKeywordFields` turns checked values into the
 * play's typed fields for both.
 */
import { PlaybookError } from '../errors';
import { pyStr, toBool } from '../template/values';
import { playKeywords, TEMPLATE_RE, TEMPLATED_PLAY_KEYWORDS, type HOST_ORDERS } from './schema';
import { issueMessage } from './zod-issues';
import type { Play } from './types';

export type TemplatedPlayKeyword = (typeof TEMPLATED_PLAY_KEYWORDS)[number];
export type HostOrder = (typeof HOST_ORDERS)[number];

type PlayFields = Pick<
  Play,
  'serial' | 'gatherFacts' | 'strategy' | 'order' | 'maxFailPercentage' | 'forceHandlers'
>;

/** The typed fields of the checked keyword values that are set. */
export function playKeywordFields(raw: Record<string, unknown>): Partial<PlayFields> {
  const out: Partial<PlayFields> = {};
  if (raw.serial !== undefined)
    out.serial = Array.isArray(raw.serial)
      ? (raw.serial as (number | string)[])
      : [raw.serial as number | string];
  if (raw.gather_facts !== undefined) out.gatherFacts = raw.gather_facts as boolean;
  if (raw.strategy !== undefined) out.strategy = raw.strategy as 'linear' | 'free';
  if (raw.order !== undefined) out.order = raw.order as HostOrder;
  if (raw.max_fail_percentage !== undefined) out.maxFailPercentage = raw.max_fail_percentage as number;
  if (raw.force_handlers !== undefined) out.forceHandlers = raw.force_handlers as boolean;
  return out;
}

/** The keywords of `raw` written as templates (taken out of `raw`, to be rendered at run time). */
export function takeTemplatedKeywords(
  raw: Record<string, unknown>,
): Partial<Record<TemplatedPlayKeyword, string>> | undefined {
  let out: Partial<Record<TemplatedPlayKeyword, string>> | undefined;
  for (const k of TEMPLATED_PLAY_KEYWORDS) {
    const v = raw[k];
    if (typeof v !== 'string' || !TEMPLATE_RE.test(v)) continue;
    (out ??= {})[k] = v;
    delete raw[k];
  }
  return out;
}

const numeric = (v: unknown) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

/** A rendered value as Ansible's field types read it: "2" is a count, "no" a boolean. */
function coerce(k: TemplatedPlayKeyword, v: unknown): unknown {
  switch (k) {
    case 'serial':
      return Array.isArray(v) ? v.map(numeric) : numeric(v);
    case 'gather_facts':
    case 'force_handlers':
      return typeof v === 'boolean' ? v : toBool(v);
    case 'max_fail_percentage':
      return numeric(v);
    default:
      return typeof v === 'string' ? v.trim() : v;
  }
}

/**
 * The play with its templated keywords rendered (`render` gives a template's native value with the
 * play's variables). A value that cannot be rendered or is not valid is a PlaybookError at the play.
 */
export function resolvePlayKeywords(play: Play, render: (template: string) => unknown): Play {
  if (!play.templated) return play;
  const values: Record<string, unknown> = {};
  for (const [k, src] of Object.entries(play.templated) as [TemplatedPlayKeyword, string][]) {
    let v: unknown;
    try {
      v = coerce(k, render(src));
    } catch (e) {
      throw new PlaybookError(`${k} "${src}": ${(e as Error).message}`, play.loc, {
        hint: 'play keywords are rendered with the play vars, vars_files and -e extra vars only',
      });
    }
    const r = playKeywords[k].safeParse(v);
    if (!r.success || (typeof r.data === 'string' && TEMPLATE_RE.test(r.data))) {
      const why = r.success ? 'still a template' : issueMessage(r.error.issues[0]!, v);
      throw new PlaybookError(`invalid '${k}' "${src}" (${pyStr(v)}): ${why}`, play.loc, {
        hint: playKeywords[k].description,
      });
    }
    values[k] = r.data;
  }
  return { ...play, ...playKeywordFields(values), templated: undefined };
}

/** The play's hosts in its `order:` (the inventory's order by default). */
export function orderHosts(hosts: string[], order: HostOrder | undefined): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    case 'reverse_sorted':
      return [...hosts].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    case 'shuffle': {
      const out = [...hosts];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
    default:
      return hosts;
  }
}
