/**
 * `copy`: put a controller file (`src`) or inline `content` at `dest`, atomically and only when it differs.
 * A `src` directory is copied recursively as Ansible does: `src: dir/` copies its contents into dest,
 * `src: dir` the directory itself (dest/dir); one probe exec stats every destination path, then each new or
 * different file is one upload step (put-content's), each missing directory one mkdir.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { boolArg } from './arg-types';
import { sh } from '../command';
import { ModuleError } from '../errors';
import { fileContent, fileStat, type FileStat } from '../facts/file';
import { factsOf } from './ask-facts';
import {
  attrChanges,
  attrCommands,
  attrStep,
  checkAttrs,
  checkMode,
  isSymbolicMode,
  modeBase,
  type AttrArgs,
} from './file-attrs';
import {
  findSource,
  planPut,
  putResult,
  probePut,
  putArgs,
  type PutFacts,
  type PutState,
} from './put-content';
import { defineModule, type Change, type ModuleContext, type Plan } from './types';

const args = z
  .object({
    src: z
      .string()
      .optional()
      .describe(
        'Controller file or directory to copy: absolute, or relative to the playbook dir/files/ or the playbook dir. A directory is copied recursively: "dir/" copies its contents into dest, "dir" the directory itself',
      ),
    content: z.string().optional().describe('Text to write to dest (instead of src)'),
    remote_src: boolArg().default(false).describe('src is a file on the target, not on the controller'),
    directory_mode: z
      .union([z.string(), z.number()])
      .optional()
      .describe(
        'Copying a directory: the mode of the directories it creates or copies (octal or symbolic); default: new ones from the umask, existing ones untouched',
      ),
    ...putArgs,
  })
  .strict();

type Args = z.infer<typeof args>;

/** A directory copy: the directories to have (root first) and the files, each with its destination's stat. */
interface DirFacts {
  kind: 'dir';
  dirs: { dest: string; stat: FileStat; managed: boolean }[];
  files: PutFacts[];
}

type Facts = PutFacts | DirFacts;

const isDir = (f: Facts): f is DirFacts => 'kind' in f && f.kind === 'dir';

export default defineModule<typeof args, Facts, PutState>({
  name: 'copy',
  description:
    'Copy a file, a directory or inline content to the target, atomically, when content or attributes differ',
  args,
  async probe(ctx, a) {
    if ((a.src === undefined) === (a.content === undefined)) {
      throw new ModuleError('copy needs exactly one of src or content');
    }
    checkMode(a.directory_mode);
    if (a.src !== undefined && a.remote_src) {
      const remote = await ctx.fact(fileContent(a.src));
      if (!remote.exists) {
        throw new ModuleError(`remote src ${a.src} does not exist or is not a regular file`, {
          hint: 'with remote_src: true, src is a path on the target (a directory is not supported there)',
        });
      }
      return probePut(ctx, a, remote.content, path.posix.basename(a.src));
    }
    if (a.src !== undefined) {
      const file = findSource(ctx, a.src, 'files');
      if (fs.statSync(file).isDirectory()) return probeDir(ctx, a, file);
      return probePut(ctx, a, fs.readFileSync(file), path.basename(file));
    }
    return probePut(ctx, a, Buffer.from(a.content!, 'utf8'), undefined);
  },
  plan: (a, f, ctx) => (isDir(f) ? planDir(a, f, ctx) : planPut(a, f, ctx)),
  result: putResult,
});

/** The controller directory's subdirectories and files (relative, sorted, links followed as Ansible's local_follow). */
function walk(root: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  const visit = (rel: string, seen: Set<string>) => {
    const abs = path.join(root, rel);
    const real = fs.realpathSync(abs);
    if (seen.has(real)) throw new ModuleError(`src ${abs} links back into itself`);
    const inner = new Set(seen).add(real);
    for (const name of fs.readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(path.join(root, r));
      if (st.isDirectory()) {
        dirs.push(r);
        visit(r, inner);
      } else if (st.isFile()) files.push(r);
    }
  };
  visit('', new Set());
  return { dirs, files };
}

async function probeDir(ctx: ModuleContext, a: Args, srcDir: string): Promise<DirFacts> {
  checkAttrs(a);
  const dest = a.dest.replace(/\/+$/, '') || '/';
  // `dir/` copies the contents into dest; `dir` the directory itself, as dest/dir
  const contents = a.src!.endsWith('/');
  const root = contents ? dest : path.posix.join(dest, path.basename(srcDir));
  const tree = walk(srcDir);
  const dirPaths = [
    { dest, managed: false },
    ...(contents ? [] : [{ dest: root, managed: true }]),
    ...tree.dirs.map((d) => ({ dest: path.posix.join(root, d), managed: true })),
  ];
  const umask = isSymbolicMode(a.mode) || isSymbolicMode(a.directory_mode);
  // every destination path in one exec (the umask with the first, for symbolic modes)
  const stats = await factsOf(ctx, [
    ...dirPaths.map((d, i) => fileStat(d.dest, { checksum: false, umask: umask && i === 0 })),
    ...tree.files.map((f) => fileStat(path.posix.join(root, f), { follow: true })),
  ]);
  const u = stats[0]!.umask;
  const withUmask = (st: FileStat): FileStat => (u === undefined ? st : { ...st, umask: u });
  return {
    kind: 'dir',
    dirs: dirPaths.map((d, i) => ({ ...d, stat: withUmask(stats[i]!) })),
    files: tree.files.map((f, i) => ({
      content: fs.readFileSync(path.join(srcDir, f)),
      dest: path.posix.join(root, f),
      stat: withUmask(stats[dirPaths.length + i]!),
    })),
  };
}

function planDir(a: Args, f: DirFacts, ctx: ModuleContext): Plan<PutState> {
  const changes: Change[] = [];
  // directories get directory_mode (never `mode`) and owner/group, as Ansible's file calls for them
  const dirAttrs: AttrArgs = { mode: a.directory_mode, owner: a.owner, group: a.group };
  for (const d of f.dirs) {
    if (d.stat.exists && !d.stat.isdir)
      throw new ModuleError(`${d.dest} exists and is not a directory`, {
        hint: 'remove it or pick another dest',
      });
    if (!d.stat.exists) {
      changes.push({
        describe: `create directory ${d.dest}`,
        steps: [
          sh`mkdir -p -- ${d.dest}`,
          ...attrCommands(d.dest, dirAttrs, { base: modeBase(d.stat, 'directory') }),
        ].map((cmd) => attrStep(cmd, d.dest)),
      });
    } else if (d.managed) changes.push(...attrChanges(d.dest, d.stat, dirAttrs));
  }
  for (const file of f.files) {
    const p = planPut({ ...a, dest: file.dest }, file, ctx);
    changes.push(...p.changes);
  }
  return { changes, result: { dest: a.dest, src: a.src } };
}
