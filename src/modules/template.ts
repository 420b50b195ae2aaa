/** `template`: render a Jinja2 file on the controller with the task's variables, then put it like `copy`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import {
  findSource,
  fusedPut,
  planPut,
  putResult,
  probePut,
  putArgs,
  type PutFacts,
  type PutState,
} from './put-content';
import { defineModule, type ModuleContext } from './types';

const args = z
  .object({
    src: z
      .string()
      .min(1)
      .describe(
        'Jinja2 template on the controller: absolute, or relative to the playbook dir/templates/ or the playbook dir',
      ),
    ...putArgs,
  })
  .strict();

/** The template rendered with the task's variables, and the file name a directory dest gets. */
function render(ctx: ModuleContext, src: string): { content: Buffer; name: string } {
  const file = findSource(ctx, src, 'templates');
  const rendered = ctx.render(fs.readFileSync(file, 'utf8'), {
    template_path: file,
    template_fullpath: file,
    template_host: ctx.host,
  });
  return { content: Buffer.from(rendered, 'utf8'), name: path.basename(file).replace(/\.j2$/, '') };
}

export default defineModule<typeof args, PutFacts, PutState>({
  name: 'template',
  description: 'Render a Jinja2 template on the controller and write it to the target when it differs',
  args,
  async probe(ctx, a) {
    const { content, name } = render(ctx, a.src);
    return probePut(ctx, a, content, name);
  },
  plan: (a, f, ctx) => planPut(a, f, ctx),
  fused(a, ctx) {
    const { content, name } = render(ctx, a.src);
    return fusedPut(ctx, a, content, name);
  },
  result: putResult,
});
