/** `raw`: send the text to the target's shell exactly as written (no quoting, no guards). */
import { z } from 'zod';
import { argv, script } from '../command';
import { ModuleError } from '../errors';
import { planRun, runResult, type RunState } from './command-run';
import { defineModule } from './types';

const args = z
  .object({
    _raw_params: z.string().describe('The command text, run as is'),
    executable: z
      .string()
      .optional()
      .describe('Shell to run it with, as `executable -c TEXT` (default /bin/sh)'),
  })
  .strict();

export default defineModule<typeof args, undefined, RunState>({
  name: 'raw',
  description: 'Run a command on the target as written, with no quoting or processing',
  args,
  probe: async () => undefined,
  plan(a) {
    if (a._raw_params.trim() === '') throw new ModuleError('raw needs a command');
    const cmd = a.executable ? argv([a.executable, '-c', a._raw_params]) : script(a._raw_params);
    return planRun({ stdin_add_newline: false, strip_empty_ends: true }, {}, cmd, a._raw_params);
  },
  result: runResult,
});
