/**
 * Ansible argument aliases (`dest` for `path`, `name` for `path`...): a zod preprocess that renames an
 * alias key to its canonical key before validation. Giving both is an error.
 */
import { z } from 'zod';

export function withAliases<T extends z.ZodTypeAny>(schema: T, aliases: Record<string, string>) {
  return z.preprocess((input, ctx) => {
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
}
