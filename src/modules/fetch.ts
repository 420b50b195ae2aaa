/** `fetch`: copy a file from the target to the controller, when the local copy's SHA-256 differs. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { boolArg } from './arg-types';
import { ModuleError } from '../errors';
import { fileStat, type FileStat } from '../facts/file';
import { defineModule } from './types';

const args = z
  .object({
    src: z.string().min(1).describe('File on the target'),
    dest: z
      .string()
      .min(1)
      .describe(
        'Controller directory (DEST/HOST/SRC) or, with flat, the file (a trailing / appends the base name)',
      ),
    flat: boolArg().default(false).describe('Write to dest itself instead of DEST/HOST/SRC'),
    fail_on_missing: boolArg().default(true).describe('Fail when src does not exist on the target'),
    validate_checksum: boolArg()
      .default(true)
      .describe('Check the SHA-256 of what arrived against the remote file'),
  })
  .strict();

interface Facts {
  remote: FileStat;
  local: string;
  localSha?: string;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Where the file goes on the controller. DEST/HOST/SRC must stay under DEST: a host name or a src with
 * `..` (an inventory host named `../../tmp/x`) is refused, not followed out of the directory.
 */
export function localPath(a: z.infer<typeof args>, host: string, playbookDir: string): string {
  const base = path.resolve(playbookDir, a.dest);
  if (a.flat) return a.dest.endsWith('/') ? path.join(base, path.posix.basename(a.src)) : base;
  const parts = [host, ...a.src.split('/')].filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.') || host.includes('/') || host.includes('\\'))
    throw new ModuleError(
      `fetch refuses to write outside ${base}: host ${JSON.stringify(host)}, src ${JSON.stringify(a.src)}`,
      { hint: 'host names and src must not contain .. or / components that leave dest (or use flat: true)' },
    );
  const out = path.join(base, ...parts);
  const rel = path.relative(base, out);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
    throw new ModuleError(`fetch refuses to write outside ${base}: ${out}`);
  return out;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'fetch',
  description: 'Fetch a file from the target to the controller when it differs (SHA-256)',
  args,
  async probe(ctx, a) {
    const remote = await ctx.fact(fileStat(a.src, { follow: true }));
    const local = localPath(a, ctx.host, ctx.playbookDir);
    const localSha = fs.existsSync(local) ? sha(fs.readFileSync(local)) : undefined;
    return { remote, local, localSha };
  },
  plan(a, f) {
    const result = {
      dest: f.local,
      file: a.src,
      checksum: f.remote.checksum,
      remote_checksum: f.remote.checksum,
    };
    if (!f.remote.exists) {
      if (a.fail_on_missing)
        throw new ModuleError(`the remote file does not exist: ${a.src}`, {
          hint: 'or set fail_on_missing: false',
        });
      return { changes: [], result: { ...result, msg: 'the remote file does not exist, not transferring' } };
    }
    if (!f.remote.isreg) throw new ModuleError(`remote ${a.src} is not a regular file`);
    if (f.localSha === f.remote.checksum) return { changes: [], result };
    const sha256 = a.validate_checksum ? f.remote.checksum : undefined;
    return {
      changes: [
        {
          describe: `fetch ${a.src} → ${f.local}${f.localSha ? ' (differs)' : ''}`,
          steps: [{ kind: 'fetch', id: 'fetch', src: a.src, dest: f.local, ...(sha256 ? { sha256 } : {}) }],
        },
      ],
      result,
    };
  },
  result({ plan, outputs }) {
    const got = outputs['fetch'];
    return got?.kind === 'fetch' ? { ...plan.result, checksum: got.sha256 } : { ...plan.result };
  },
});
