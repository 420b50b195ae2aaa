/** `stat`: facts about a path on the target (one exec), registered as `stat: {...}`. Never a change. */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { fileStat, type FileStat } from '../facts/file';
import { withAliases } from './arg-aliases';
import { defineModule } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('Path on the target (aliases: dest, name)'),
      follow: boolArg().default(false).describe('Follow a symbolic link and describe what it points to'),
      get_checksum: boolArg().default(true).describe('Compute the SHA-256 of a regular file'),
      checksum_algorithm: z.enum(['sha256']).default('sha256').describe('Only sha256 is supported'),
    })
    .strict(),
  { dest: 'path', name: 'path' },
);

export default defineModule<typeof args, FileStat, undefined>({
  name: 'stat',
  description: 'Describe a path on the target: existence, type, mode, owner, size, mtime, SHA-256',
  args,
  probe: (ctx, a) => ctx.fact(fileStat(a.path, { follow: a.follow, checksum: a.get_checksum })),
  plan: (a, st) => ({ changes: [], result: { stat: { ...st, path: a.path } } }),
});
