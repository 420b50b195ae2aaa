/** `template`: render a Jinja2 file on the controller with the task's variables, then put it like `copy`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
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
      .min(1)
      .describe(
        'Jinja2 template on the controller: absolute, or relative to the playbook dir/templates/ or the playbook dir',
      ),
    ...putArgs,
  })
  .strict();

export default defineModule<typeof args, PutFacts, PutState>({
  name: 'template',
  description: 'Render a Jinja2 template on the controller and write it to the target when it differs',
  args,
  async probe(ctx, a) {
    const file = findSource(ctx, a.src, 'templates');
    const rendered = ctx.render(fs.readFileSync(file, 'utf8'), {
      template_path: file,
      template_fullpath: file,
      template_host: ctx.host,
    });
    const name = path.basename(file).replace(/\.j2$/, '');
    return probePut(ctx, a, Buffer.from(rendered, 'utf8'), name);
  },
  plan: (a, f, ctx) => planPut(a, f, ctx),
  result: putResult,
});
