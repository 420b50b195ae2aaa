/** `set_fact`: set host variables for the rest of the run (result `ansible_facts`); controller only. */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { defineModule } from './types';

const args = z
  .record(z.string(), z.unknown())
  .describe('Variable names and their values (already templated); `cacheable` is accepted and ignored');

export default defineModule<typeof args, undefined, undefined>({
  name: 'set_fact',
  description: 'Set variables on the host for the following tasks',
  args,
  controllerOnly: true,
  probe: async () => undefined,
  plan(a) {
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a)) {
      if (k === 'cacheable') continue;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        throw new ModuleError(`invalid variable name '${k}'`, {
          hint: 'names are letters, digits and _, not starting with a digit',
        });
      }
      // as Ansible's set_fact (without jinja2_native): a 'true'/'false'/'yes'/'no' string is a boolean
      facts[k] = typeof v === 'string' && /^(true|false|yes|no)$/i.test(v) ? /^(true|yes)$/i.test(v) : v;
    }
    if (Object.keys(facts).length === 0) throw new ModuleError('set_fact needs at least one variable');
    return { changes: [], result: { ansible_facts: facts } };
  },
});
