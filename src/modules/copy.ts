/** `copy`: put a controller file (`src`) or inline `content` at `dest`, atomically and only when it differs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { boolArg } from './arg-types';
import { ModuleError } from '../errors';
import { fileContent } from '../facts/file';
import {
  findSource,
  planPut,
  putResult,
  probePut,
  putArgs,
  type PutFacts,
  type PutState,
} from './put-content';
import { defineModule } from './types';

const args = z
  .object({
    src: z
      .string()
      .optional()
      .describe(
        'Controller file to copy: absolute, or relative to the playbook dir/files/ or the playbook dir',
      ),
    content: z.string().optional().describe('Text to write to dest (instead of src)'),
    remote_src: boolArg().default(false).describe('src is a file on the target, not on the controller'),
    ...putArgs,
  })
  .strict();

export default defineModule<typeof args, PutFacts, PutState>({
  name: 'copy',
  description: 'Copy a file or inline content to the target, atomically, when content or attributes differ',
  args,
  async probe(ctx, a) {
    if ((a.src === undefined) === (a.content === undefined)) {
      throw new ModuleError('copy needs exactly one of src or content');
    }
    if (a.src !== undefined && a.remote_src) {
      const remote = await ctx.fact(fileContent(a.src));
      if (!remote.exists) {
        throw new ModuleError(`remote src ${a.src} does not exist or is not a regular file`, {
          hint: 'with remote_src: true, src is a path on the target',
        });
      }
      return probePut(ctx, a, remote.content, path.posix.basename(a.src));
    }
    if (a.src !== undefined) {
      const file = findSource(ctx, a.src, 'files');
      if (fs.statSync(file).isDirectory()) {
        throw new ModuleError(`copy of a directory (${a.src}) is not supported`, { hint: 'copy each file' });
      }
      return probePut(ctx, a, fs.readFileSync(file), path.basename(file));
    }
    return probePut(ctx, a, Buffer.from(a.content!, 'utf8'), undefined);
  },
  plan: (a, f, ctx) => planPut(a, f, ctx),
  result: putResult,
});
