/**
 * From a keyword table (YAML name → zod schema whose transforms produce the runtime value) to the typed
 * fields of the loaded playbook model: `become_user` is validated by its zod schema and lands on the task
 * as `becomeUser`, typed as that schema's output. The model types (types.ts) are derived with
 * `KeywordValues`, the loaders fill them with `keywordValues`: no hand-written copy of a keyword.
 */
import type { z } from 'zod';

/** `become_user` → `becomeUser`. */
export type CamelCase<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<CamelCase<T>>}`
  : S;

export function camelCase<S extends string>(s: S): CamelCase<S> {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as CamelCase<S>;
}

export type KeywordShape = Record<string, z.ZodType>;

/** The values a keyword table produces (zod outputs, transforms applied) under their camelCase names. */
export type KeywordValues<S extends KeywordShape> = {
  [K in keyof S & string as CamelCase<K>]?: z.output<S[K]>;
};

/** Parsed keywords (zod output, YAML names) to their model fields; unset keywords stay absent. */
export function keywordValues<S extends KeywordShape>(
  parsed: Record<string, unknown>,
  shape: S,
): KeywordValues<S> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(shape)) if (parsed[k] !== undefined) out[camelCase(k)] = parsed[k];
  return out as KeywordValues<S>;
}
