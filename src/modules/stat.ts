/** `stat`: facts about a path on the target (one exec), registered as `stat: {...}`. Never a change. */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { CHECKSUM_ALGORITHMS, fileStat, type FileStat } from '../facts/file';
import { withAliases } from './arg-aliases';
import { defineModule } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('Path on the target (aliases: dest, name)'),
      follow: boolArg().default(false).describe('Follow a symbolic link and describe what it points to'),
      get_checksum: boolArg().default(true).describe('Compute the checksum of a regular file'),
      checksum_algorithm: z
        .enum(CHECKSUM_ALGORITHMS)
        .default('sha1')
        .describe(
          "Checksum algorithm, run as `<alg>sum` on the target; sha1 by default, as Ansible's (aliases: checksum, checksum_algo)",
        ),
    })
    .strict(),
  { dest: 'path', name: 'path', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm' },
);

export default defineModule<typeof args, FileStat, undefined>({
  name: 'stat',
  description:
    'Describe a path on the target: existence, type, mode, owner, size, mtime, checksum (sha1 by default)',
  args,
  probe: (ctx, a) =>
    ctx.fact(
      fileStat(a.path, { follow: a.follow, checksum: a.get_checksum, algorithm: a.checksum_algorithm }),
    ),
  plan: (a, st) => ({ changes: [], result: { stat: { ...st, path: a.path } } }),
});
