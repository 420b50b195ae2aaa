/**
 * `debug`: print a message or a variable's value; controller only, never a change. `verbosity: N` shows it
 * only at -v×N: the result then carries `skipped_reason` (the runner reports the task skipped) when the
 * host's `ansible_verbosity` is lower.
 */
import { z } from 'zod';
import { intArg } from './arg-types';
import { ModuleError } from '../errors';
import { defineModule } from './types';

const args = z
  .object({
    msg: z.unknown().optional().describe('Message to show (any value; default "Hello world!")'),
    var: z.string().optional().describe('Name or expression of a variable to show'),
    verbosity: intArg({ min: 0, max: 4 }).default(0).describe('Show only at this -v level or higher'),
  })
  .strict();

export default defineModule<typeof args, undefined, undefined>({
  name: 'debug',
  description: 'Show a message or the value of a variable',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan(a, _f, ctx) {
    if (a.msg !== undefined && a.var !== undefined) throw new ModuleError('give either msg or var, not both');
    const level = Number(ctx.vars['ansible_verbosity'] ?? 0);
    if (level < a.verbosity)
      return { changes: [], result: { skipped_reason: 'Verbosity threshold not met.' } };
    if (a.var !== undefined) {
      if (!ctx.evaluate)
        throw new ModuleError('this runner cannot evaluate expressions (ModuleContext.evaluate missing)');
      let value: unknown;
      try {
        value = ctx.evaluate(a.var);
      } catch {
        value = undefined;
      }
      return { changes: [], result: { [a.var]: value === undefined ? 'VARIABLE IS NOT DEFINED!' : value } };
    }
    return { changes: [], result: { msg: a.msg ?? 'Hello world!' } };
  },
});
