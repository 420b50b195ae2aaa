/** `slurp`: read a file from the target, registered base64-encoded as `content`. Never a change. */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { fileContent } from '../facts/file';
import { withAliases } from './arg-aliases';
import { defineModule } from './types';

const args = withAliases(
  z.object({ src: z.string().min(1).describe('File on the target to read (alias: path)') }).strict(),
  { path: 'src' },
);

export default defineModule<typeof args, Buffer, undefined>({
  name: 'slurp',
  description: 'Read a file from the target; the result has content (base64), encoding and source',
  args,
  async probe(ctx, a) {
    const f = await ctx.fact(fileContent(a.src));
    if (!f.exists) {
      throw new ModuleError(`file not found: ${a.src}`, {
        hint: 'check the path (slurp reads regular files only)',
      });
    }
    return f.content;
  },
  plan: (a, content) => ({
    changes: [],
    result: { content: content.toString('base64'), encoding: 'base64', source: a.src },
  }),
});
