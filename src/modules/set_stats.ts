/**
 * `set_stats`: custom statistics shown after the recap (Ansible's show_custom_stats) and in the JSON
 * report. `per_host` keeps them per host (default: one set for the run); `aggregate` (default true) adds
 * to an earlier value of the same type (numbers add, lists concatenate, dicts merge) instead of replacing it.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { boolArg } from './arg-types';
import { defineModule } from './types';

const args = z
  .object({
    data: z.record(z.string(), z.unknown()).describe('The statistics: names and values'),
    per_host: boolArg().default(false).describe('Keep the statistics per host (default: for the whole run)'),
    aggregate: boolArg()
      .default(true)
      .describe('Add to the previous value of the same statistic instead of replacing it'),
  })
  .strict();

export default defineModule<typeof args, undefined, undefined>({
  name: 'set_stats',
  description: 'Set custom statistics shown after the play recap',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan(a) {
    for (const k of Object.keys(a.data))
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw new ModuleError(
          `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
        );
    return {
      changes: [],
      result: { ansible_stats: { data: a.data, per_host: a.per_host, aggregate: a.aggregate } },
    };
  },
});
