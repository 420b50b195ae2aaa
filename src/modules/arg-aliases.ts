/**
 * Ansible argument aliases (`dest` for `path`, `name` for `path`...): a zod preprocess that renames an
 * alias key to its canonical key before validation. Giving both is an error.
 */
import { z } from 'zod';

const ALIASES = new WeakMap<object, Record<string, string>>();

/** The alias names a module's args schema accepts (none for a schema without `withAliases`). */
export function aliasNames(schema: unknown): string[] {
  return typeof schema === 'object' && schema !== null ? Object.keys(ALIASES.get(schema) ?? {}) : [];
}

/** alias → canonical option name, for a schema made by `withAliases` ({} otherwise). */
export function aliasMap(schema: unknown): Record<string, string> {
  return typeof schema === 'object' && schema !== null ? { ...(ALIASES.get(schema) ?? {}) } : {};
}

export function withAliases<T extends z.ZodTypeAny>(schema: T, aliases: Record<string, string>) {
  const s = z.preprocess((input, ctx) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    for (const [alias, canonical] of Object.entries(aliases)) {
      if (!(alias in out)) continue;
      if (canonical in out) {
        ctx.issues.push({
          code: 'custom',
          message: `give either ${canonical} or ${alias}, not both`,
          input,
          path: [alias],
        });
        continue;
      }
      out[canonical] = out[alias];
      delete out[alias];
    }
    return out;
  }, schema);
  ALIASES.set(s, aliases);
  return s;
}
