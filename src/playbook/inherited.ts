/**
 * Keyword inheritance: the play's keywords, then each enclosing block's and include's, then the task's
 * own; the innermost wins and environment dicts merge key by key. Which keywords inherit is one table,
 * `inheritedKeywords` in schema.ts.
 */
import type { Vars } from '../inventory/types';
import { camelCase } from './keyword-values';
import { inheritedKeywords } from './schema';
import type { InheritedKeywords } from './types';

/** The model field of each inherited keyword (`become_user` → `becomeUser`). */
export const INHERITED_FIELDS = Object.keys(inheritedKeywords).map((k) =>
  camelCase(k as keyof typeof inheritedKeywords),
);

/** Merge the keywords a node (play, block, include, task) sets over the ones it inherits. */
export function inheritKeywords(parent: InheritedKeywords, node: InheritedKeywords): InheritedKeywords {
  const out: InheritedKeywords = { ...parent };
  for (const k of INHERITED_FIELDS) {
    const v = node[k];
    if (v === undefined) continue;
    if (k === 'environment' && typeof v === 'object' && typeof parent.environment === 'object') {
      out.environment = { ...parent.environment, ...(v as Vars) };
    } else (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
