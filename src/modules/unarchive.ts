/**
 * `unarchive`: unpack a tar (plain, gzip, bzip2, xz) or zip archive into an existing directory of the target
 * (Ansible's `unarchive`), with the target's `tar` / `unzip`. The archive is on the controller (default: it is
 * uploaded to a temp path, unpacked, and removed, also after a failure) or on the target (`remote_src: true`).
 *
 * Probe (read-only; a controller archive travels on the exec's stdin, nothing is written): `creates`, dest is a
 * directory, the tool, the archive's file list, and whether dest already holds the archive's content:
 *  - tar: GNU `tar --diff` against dest, as Ansible does — a file missing, or differing in content, size,
 *    mode, mtime or link target is a difference; `Uid differs`/`Gid differs` lines are ignored (an
 *    unprivileged unpack owns its files);
 *  - zip: every file of the archive exists in dest with the same size and CRC-32 (Ansible also compares mtime
 *    and mode).
 * No difference → no change. Step: one `tar -x` / `unzip -o` with `exclude` and `extra_opts`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import type { Step } from '../plan/steps';
import { boolArg } from './arg-types';
import { findSource } from './put-content';
import { defineModule } from './types';

const strList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const args = z
  .object({
    src: z
      .string()
      .min(1)
      .describe('The archive: a controller path (uploaded), or a target path with remote_src: true'),
    dest: z.string().min(1).describe('Existing directory (absolute) to unpack into'),
    remote_src: boolArg().default(false).describe('src is already on the target'),
    copy: boolArg().optional().describe('Deprecated inverse of remote_src'),
    creates: z.string().optional().describe('Do nothing when this path exists on the target'),
    list_files: boolArg().default(false).describe("Register the archive's file list as `files`"),
    exclude: strList.optional().describe('Archive members (patterns) not to unpack'),
    extra_opts: z
      .array(z.string())
      .default([])
      .describe('Extra options for tar or unzip (options by design, placed before the archive)'),
  })
  .strict();
type Args = z.infer<typeof args>;

type Format = 'tar' | 'gz' | 'bz2' | 'xz' | 'zip';

interface Facts {
  skipped?: string;
  format: Format;
  /** Controller archive content (remote_src: false). */
  content?: Buffer;
  archive: string;
  files: string[];
  /** Dest differs from the archive (what the probe found). */
  differs: string[];
}

const TAR_FLAG: Record<Exclude<Format, 'zip'>, string[]> = { tar: [], gz: ['-z'], bz2: ['-j'], xz: ['-J'] };

/** The format from the first bytes (hex), else from the name. */
export function detectFormat(magicHex: string, name: string): Format {
  if (magicHex.startsWith('1f8b')) return 'gz';
  if (magicHex.startsWith('425a68')) return 'bz2';
  if (magicHex.startsWith('fd377a585a00')) return 'xz';
  if (magicHex.startsWith('504b0304') || magicHex.startsWith('504b0506')) return 'zip';
  if (/\.tar$/i.test(name) || magicHex.length > 0) return 'tar';
  throw new ModuleError(`cannot tell the archive format of ${name}`);
}

function excludeOpts(a: Args, fmt: Format): string[] {
  const ex = a.exclude ?? [];
  if (fmt === 'zip') return ex.length ? ['-x', ...ex] : [];
  return ex.map((e) => `--exclude=${e}`);
}

/** The archive as tar/unzip read it: the target path, or stdin ("-", tar only). */
function tarList(fmt: Exclude<Format, 'zip'>, archive: string, a: Args): ExecCommand {
  return sh`tar -t ${TAR_FLAG[fmt]} ${excludeOpts(a, fmt)} -f ${archive}`;
}

/** One zip member: name, uncompressed size, CRC-32 (hex, 8 digits). */
interface ZipEntry {
  name: string;
  size: number;
  crc: string;
}

/** The members of a zip from its central directory (controller-side read of a controller archive). */
export function zipEntries(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new ModuleError('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new ModuleError('corrupt zip central directory');
    const crc = buf
      .readUInt32LE(p + 16)
      .toString(16)
      .padStart(8, '0');
    const size = buf.readUInt32LE(p + 24);
    const nl = buf.readUInt16LE(p + 28);
    const xl = buf.readUInt16LE(p + 30);
    const cl = buf.readUInt16LE(p + 32);
    out.push({ name: buf.subarray(p + 46, p + 46 + nl).toString('utf8'), size, crc });
    p += 46 + nl + xl + cl;
  }
  return out;
}

/** `unzip -v` lines: `Length Method Size Cmpr Date Time CRC-32 Name`. */
export function parseUnzipV(out: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+([0-9a-f]{8})\s\s(.*)$/.exec(line);
    if (m) entries.push({ name: m[3]!, size: Number(m[1]), crc: m[2]! });
  }
  return entries;
}

/** Shell glob match of a zip member name against `exclude` patterns (fnmatch, `*` crosses `/` as unzip's). */
function excluded(name: string, patterns: string[]): boolean {
  return patterns.some((p) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(name),
  );
}

function checkPaths(a: Args): void {
  if (!a.dest.startsWith('/'))
    throw new ModuleError(`dest must be an absolute path: ${JSON.stringify(a.dest)}`);
  if (a.remote_src && !a.src.startsWith('/'))
    throw new ModuleError(`src must be an absolute path on the target: ${JSON.stringify(a.src)}`);
}

/** Where a controller archive is put on the target (named by its digest). */
function uploadPath(content: Buffer, name: string): string {
  const d = createHash('sha256').update(content).digest('hex').slice(0, 16);
  return `/tmp/.remediate-unarchive.${d}.${path.basename(name).replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'unarchive',
  description: 'Unpack a tar or zip archive (from the controller or the target) into a directory',
  args,
  async probe(ctx, a) {
    const remote = a.copy === false || a.remote_src;
    checkPaths({ ...a, remote_src: remote });
    let content: Buffer | undefined;
    let localPath = a.src;
    if (!remote) {
      localPath = findSource(ctx, a.src, 'files');
      content = fs.readFileSync(localPath);
    }
    const head = await ctx.exec(sh`d=${a.dest}; c=${a.creates ?? ''}; s=${remote ? a.src : ''}
if [ -n "$c" ] && { [ -e "$c" ] || [ -L "$c" ]; }; then echo CREATES; exit 0; fi
[ -d "$d" ] || { echo NODEST; exit 0; }
if [ -n "$s" ]; then [ -r "$s" ] || { echo NOSRC; exit 0; }; printf 'MAGIC '; od -An -tx1 -N6 < "$s" | tr -d ' \\n'; echo; fi
command -v tar >/dev/null 2>&1 && echo HAVE tar
command -v unzip >/dev/null 2>&1 && echo HAVE unzip
command -v gzip >/dev/null 2>&1 && echo HAVE gzip`);
    const o = head.stdout;
    const empty = { format: 'tar' as Format, archive: a.src, files: [], differs: [] };
    if (o.startsWith('CREATES')) return { ...empty, skipped: `skipped, since ${a.creates} exists` };
    if (o.startsWith('NODEST'))
      throw new ModuleError(`dest '${a.dest}' must be an existing dir`, {
        hint: 'create it first (file: state=directory)',
      });
    if (o.startsWith('NOSRC')) throw new ModuleError(`Source '${a.src}' does not exist or is not readable`);
    const magic = remote ? (/^MAGIC (\S*)/m.exec(o)?.[1] ?? '') : content!.subarray(0, 6).toString('hex');
    const format = detectFormat(magic, a.src);
    const tool = format === 'zip' ? 'unzip' : 'tar';
    if (!o.includes(`HAVE ${tool}`))
      throw new ModuleError(`${tool} is not installed on the target (needed for ${a.src})`);
    const archive = remote ? a.src : uploadPath(content!, localPath);
    if (format !== 'zip') {
      const src = remote ? a.src : '-';
      const list = await ctx.exec(tarList(format, src, a), stdinOpt(content));
      if (list.code !== 0) throw new ModuleError(`cannot list ${a.src} with tar: ${list.stderr.trim()}`);
      const files = list.stdout.split('\n').filter(Boolean);
      const diff = await ctx.exec(
        sh`tar -d ${TAR_FLAG[format]} ${excludeOpts(a, format)} -C ${a.dest} -f ${src} 2>&1`,
        stdinOpt(content),
      );
      if (diff.code !== null && diff.code > 1)
        throw new ModuleError(`tar --diff of ${a.src} against ${a.dest} failed: ${diff.stdout.trim()}`, {
          hint: 'unarchive needs GNU tar on the target',
        });
      const differs = diff.stdout.split('\n').filter((l) => l && !/: (Uid|Gid) differs$/.test(l));
      return { format, content, archive, files, differs };
    }
    if (!o.includes('HAVE gzip'))
      throw new ModuleError('gzip is not installed on the target (zip CRC check)');
    const entries = (
      content ? zipEntries(content) : parseUnzipV((await ctx.run(sh`unzip -v -- ${a.src}`)).stdout)
    ).filter((e) => !excluded(e.name, a.exclude ?? []));
    const fileEntries = entries.filter((e) => !e.name.endsWith('/'));
    const have = await ctx.exec(
      sh`cd -- ${a.dest} || exit 3
while IFS= read -r f; do
  if [ -f "$f" ] && [ ! -L "$f" ]; then s=$(wc -c < "$f"); c=$(gzip -c < "$f" | tail -c 8 | od -An -tx4 -N4 | tr -d ' '); echo "$s $c"; else echo "- -"; fi
done`,
      { stdin: fileEntries.map((e) => `${e.name}\n`).join('') },
    );
    const got = have.stdout.split('\n');
    const differs: string[] = [];
    fileEntries.forEach((e, i) => {
      const [s, c] = (got[i] ?? '- -').split(' ');
      if (s === '-') differs.push(`${e.name}: missing`);
      else if (Number(s) !== e.size || c !== e.crc) differs.push(`${e.name}: differs`);
    });
    return { format, content, archive, files: entries.map((e) => e.name), differs };
  },
  plan(a, f) {
    const base = { dest: a.dest, src: a.src, ...(a.list_files ? { files: f.files } : {}) };
    if (f.skipped) return { changes: [], result: { dest: a.dest, src: a.src, msg: f.skipped } };
    if (f.differs.length === 0) return { changes: [], result: base };
    const extract: ExecCommand =
      f.format === 'zip'
        ? sh`unzip -o ${a.extra_opts} -- ${f.archive} ${excludeOpts(a, 'zip')} -d ${a.dest}`
        : sh`tar -x ${TAR_FLAG[f.format]} ${excludeOpts(a, f.format)} ${a.extra_opts} -C ${a.dest} -f ${f.archive}`;
    const steps: Step[] = [];
    if (f.content) steps.push({ kind: 'upload', dest: f.archive, content: f.content, mode: 0o600 });
    steps.push({ kind: 'exec', id: 'extract', cmd: extract });
    if (f.content)
      steps.push({
        kind: 'exec',
        cmd: sh`rm -f -- ${f.archive}`,
        always: true,
        invalidates: [`file:${f.archive}`],
      });
    const shown =
      f.differs.slice(0, 3).join('; ') + (f.differs.length > 3 ? `; +${f.differs.length - 3} more` : '');
    return {
      changes: [{ describe: `unpack ${a.src} into ${a.dest} (${shown})`, steps }],
      result: { ...base, handler: f.format === 'zip' ? 'ZipArchive' : 'TgzArchive' },
    };
  },
});

/** A controller archive travels on the probe's stdin (read-only: nothing is written on the target). */
function stdinOpt(content: Buffer | undefined): { stdin?: Buffer } {
  return content ? { stdin: content } : {};
}
