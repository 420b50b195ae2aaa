/**
 * `tempfile`: create a unique temporary file or directory on the target with `mktemp` (Ansible's
 * `tempfile`). Always a change (a new name each run, as in Ansible); the registered `path` is mktemp's.
 */
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import type { ExecOutput } from '../plan/steps';
import { defineModule } from './types';

const args = z
  .object({
    state: z.enum(['file', 'directory']).default('file').describe('Create a file or a directory'),
    path: z
      .string()
      .optional()
      .describe('Directory to create it in (default: $TMPDIR or /tmp on the target)'),
    prefix: z.string().default('ansible.').describe('Start of the name'),
    suffix: z.string().default('').describe('End of the name'),
  })
  .strict();

export default defineModule<typeof args, undefined, undefined>({
  name: 'tempfile',
  description: 'Create a unique temporary file or directory (mktemp)',
  args,
  async probe() {
    return undefined;
  },
  plan(a) {
    for (const [k, v] of [
      ['prefix', a.prefix],
      ['suffix', a.suffix],
    ] as const)
      if (v.includes('/') || v.includes('\n'))
        throw new ModuleError(`invalid ${k} ${JSON.stringify(v)}: no / allowed`);
    if (a.path !== undefined && !a.path.startsWith('/'))
      throw new ModuleError(`path must be absolute: ${JSON.stringify(a.path)}`);
    const d = a.state === 'directory' ? ['-d'] : [];
    const suffix = a.suffix ? [`--suffix=${a.suffix}`] : [];
    const cmd = sh`d=${a.path ?? ''}; [ -n "$d" ] || d=\${TMPDIR:-/tmp}; mktemp ${d} ${suffix} -- "$d"/${a.prefix}XXXXXXXXXX`;
    return {
      changes: [
        {
          describe: `create a temporary ${a.state} in ${a.path ?? '$TMPDIR'}`,
          steps: [{ kind: 'exec', id: 'mktemp', cmd, invalidates: [] }],
        },
      ],
      result: { state: a.state, path: null },
    };
  },
  result({ plan, outputs }) {
    const out = outputs['mktemp'] as ExecOutput | undefined;
    return { ...(plan.result ?? {}), path: out ? out.stdout.trim() : null };
  },
});
