/**
 * `script`: run a controller-side script on the target (Ansible's `script`). Probe: the script's bytes on
 * the controller and the `creates`/`removes` guards (one exec). Steps: upload the script to a temp path
 * named by its SHA-256 (mode 0700), run it (`executable` first when given, the free-form arguments after it
 * as shell words, as Ansible passes them), then remove it — the removal runs after a failure too.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { raw, sh } from '../command';
import { ModuleError } from '../errors';
import { guardArgs, planRun, probeGuards, runResult, type GuardFacts, type RunState } from './command-run';
import { findSource } from './put-content';
import { defineModule, type Step } from './types';

const args = z
  .object({
    _raw_params: z
      .string()
      .optional()
      .describe('Free form: the script path (controller), then its arguments'),
    cmd: z.string().optional().describe('Same as the free form: script path then arguments'),
    executable: z
      .string()
      .optional()
      .describe('Run the script with this program (absolute path, e.g. /bin/bash)'),
    chdir: guardArgs.chdir,
    creates: guardArgs.creates,
    removes: guardArgs.removes,
  })
  .strict();
type Args = z.infer<typeof args>;

interface Facts extends GuardFacts {
  script: string;
  content: Buffer;
  params: string;
}

function split(a: Args): { script: string; params: string } {
  const text = (a._raw_params ?? a.cmd ?? '').trim();
  if (!text) throw new ModuleError('script: give the script path (free form or cmd)');
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  if (a.executable !== undefined && (!a.executable.startsWith('/') || /\s/.test(a.executable)))
    throw new ModuleError(`executable must be an absolute path: ${JSON.stringify(a.executable)}`);
  return { script: m[1]!, params: m[2]! };
}

export default defineModule<typeof args, Facts, RunState>({
  name: 'script',
  description: 'Upload a local script to the target, run it there, and remove it',
  args,
  async probe(ctx, a) {
    const { script, params } = split(a);
    const file = findSource(ctx, script, 'files');
    const guards = await probeGuards(ctx, { ...a, stdin_add_newline: true, strip_empty_ends: true });
    return { ...guards, script: file, content: fs.readFileSync(file), params };
  },
  plan(a, f) {
    const digest = createHash('sha256').update(f.content).digest('hex').slice(0, 16);
    const dest = `/tmp/.remediate-script.${digest}.${path.basename(f.script).replace(/[^A-Za-z0-9._-]/g, '_')}`;
    const run = a.executable ? sh`${a.executable} ${dest} ${raw(f.params)}` : sh`${dest} ${raw(f.params)}`;
    const shown = `${f.script}${f.params ? ` ${f.params}` : ''}`;
    const plan = planRun({ ...a, stdin_add_newline: true, strip_empty_ends: true }, f, run, shown);
    for (const c of plan.changes) {
      const upload: Step = { kind: 'upload', dest, content: f.content, mode: 0o700 };
      const cleanup: Step = {
        kind: 'exec',
        cmd: sh`rm -f -- ${dest}`,
        always: true,
        invalidates: [`file:${dest}`],
      };
      c.describe = `run script ${shown}`;
      c.steps = [upload, ...c.steps, cleanup];
    }
    return plan;
  },
  result: runResult,
});
