/** `fetch`: copy a file from the target to the controller, when the local copy's SHA-256 differs. */
import { createHash, randomBytes } from 'node:crypto';
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

function localPath(a: z.infer<typeof args>, host: string, playbookDir: string): string {
  const base = path.resolve(playbookDir, a.dest);
  if (a.flat) return a.dest.endsWith('/') ? path.join(base, path.posix.basename(a.src)) : base;
  return path.join(base, host, a.src.replace(/^\/+/, ''));
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
    return {
      changes: [
        {
          describe: `fetch ${a.src} → ${f.local}${f.localSha ? ' (differs)' : ''}`,
          commands: [{ kind: 'fetch', src: a.src }],
        },
      ],
      result,
    };
  },
  async apply(ctx, a, plan, f) {
    const content = await ctx.get(a.src);
    const got = sha(content);
    if (a.validate_checksum && f.remote.checksum && got !== f.remote.checksum) {
      throw new ModuleError(`checksum mismatch fetching ${a.src}: the file changed during the transfer`, {
        hint: 'run again',
      });
    }
    fs.mkdirSync(path.dirname(f.local), { recursive: true });
    const tmp = `${f.local}.remediate-${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(tmp, content);
      fs.renameSync(tmp, f.local);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    return { ...(plan.result ?? {}), checksum: got };
  },
});
