/** `command`: run a program with arguments, no shell — every word is quoted, nothing is expanded. */
import { z } from 'zod';
import { argv } from '../command';
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
import { shellWords } from './shell-words';
import { defineModule } from './types';

const args = z
  .object({
    _raw_params: z
      .string()
      .optional()
      .describe(
        "Free-form command line, split into words by Python's shlex.split as Ansible does (no expansion)",
      ),
    cmd: z.string().optional().describe('The command line, split into words like _raw_params'),
    argv: z.array(z.string()).optional().describe('The command as a list of words (no splitting at all)'),
    ...guardArgs,
  })
  .strict();

function commandWords(a: z.infer<typeof args>): string[] {
  const given = [a._raw_params, a.cmd, a.argv].filter((x) => x !== undefined).length;
  if (given !== 1) {
    throw new ModuleError('command needs exactly one of: a free-form command, cmd, argv', {
      hint: 'write `command: /usr/bin/prog arg` or `command: {argv: [/usr/bin/prog, arg]}`',
    });
  }
  const words = a.argv ?? shellWords((a._raw_params ?? a.cmd)!);
  if (words.length === 0) throw new ModuleError('command: no command given');
  return words;
}

export default defineModule<typeof args, GuardFacts, RunState>({
  name: 'command',
  description:
    'Run a command on the target without a shell: arguments are passed as words, never interpreted',
  args,
  probe: (ctx, a) => probeGuards(ctx, a),
  plan(a, facts) {
    const words = commandWords(a);
    return planRun(a, facts, argv(words), words);
  },
  fused: (a) => {
    const words = commandWords(a);
    return fusedRun(a, argv(words), words);
  },
  result: runResult,
});
