/** `assert`: every condition in `that` must hold (Jinja2 expressions, like `when:`); controller only. */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { ModuleError } from '../errors';
import { defineModule, type ModuleContext } from './types';

const args = z
  .object({
    that: z
      .union([z.string(), boolArg(), z.array(z.union([z.string(), boolArg()]))])
      .describe('Condition(s), all must be true'),
    fail_msg: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Message when an assertion fails (alias: msg)'),
    msg: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Same as fail_msg'),
    success_msg: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Message when all hold'),
    quiet: boolArg().default(false).describe('Less output on success'),
  })
  .strict();

/** Jinja2/Python truthiness. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Evaluate one `that:` entry: a literal boolean, a `{{ }}`-wrapped or bare expression. */
export function evaluateCondition(ctx: ModuleContext, c: string | boolean): boolean {
  if (typeof c === 'boolean') return c;
  const expr = c.trim().replace(/^\{\{\s*([\s\S]*?)\s*\}\}$/, '$1');
  if (!ctx.evaluate) {
    throw new ModuleError('this runner cannot evaluate expressions (ModuleContext.evaluate missing)');
  }
  return truthy(ctx.evaluate(expr));
}

export default defineModule<typeof args, undefined, undefined>({
  name: 'assert',
  description: 'Fail unless every condition holds',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan(a, _f, ctx) {
    const conds = Array.isArray(a.that) ? a.that : [a.that];
    for (const c of conds) {
      if (!evaluateCondition(ctx, c)) {
        const msg = a.fail_msg ?? a.msg ?? 'Assertion failed';
        throw new ModuleError(Array.isArray(msg) ? msg.join('\n') : msg, {
          data: { assertion: c, evaluated_to: false },
          hint: (a.fail_msg ?? a.msg) ? undefined : `the condition was: ${String(c)}`,
        });
      }
    }
    const msg = a.success_msg ?? 'All assertions passed';
    return { changes: [], result: a.quiet ? { msg } : { msg, assertions: conds.length } };
  },
});
