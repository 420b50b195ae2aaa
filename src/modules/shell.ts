/** `shell`: run a script through `/bin/sh -c` (or `executable -c`) — pipes, redirections and `$VARS` work. */
import { z } from 'zod';
import { argv, script } from '../command';
import { ModuleError } from '../errors';
import {
  fusedRun,
  guardArgs,
  planRun,
  probeGuards,
  runResult,
  type GuardFacts,
  type RunState,
} from './command-run';
import { defineModule } from './types';

const args = z
  .object({
    _raw_params: z.string().optional().describe('The shell script (free form)'),
    cmd: z.string().optional().describe('The shell script'),
    executable: z
      .string()
      .optional()
      .describe('Shell to run the script with, as `executable -c SCRIPT` (default /bin/sh)'),
    ...guardArgs,
  })
  .strict();

function shellCommand(a: z.infer<typeof args>) {
  const text = a._raw_params ?? a.cmd;
  if (text === undefined || text.trim() === '') {
    throw new ModuleError('shell needs a script', {
      hint: 'write `shell: "cmd | other"` or `shell: {cmd: ...}`',
    });
  }
  return { cmd: a.executable ? argv([a.executable, '-c', text]) : script(text), text };
}

export default defineModule<typeof args, GuardFacts, RunState>({
  name: 'shell',
  description: 'Run a shell script on the target (through /bin/sh, or the given executable)',
  args,
  probe: (ctx, a) => probeGuards(ctx, a),
  plan(a, facts) {
    const { cmd, text } = shellCommand(a);
    return planRun(a, facts, cmd, text);
  },
  fused: (a) => fusedRun(a, shellCommand(a).cmd),
  result: runResult,
});
