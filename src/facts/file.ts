/**
 * Generic file facts: one `stat -c` (+ `sha256sum`) exec per path, GNU coreutils and busybox compatible,
 * and a file's content (base64 over the wire, so binary files survive).
 */
import { raw, sh, type ExecCommand } from '../command';
import { STAT_LINE_FORMAT } from '../transport/file-transfer';
import { ModuleError } from '../errors';
import type { Fact } from './types';

export interface FileStat {
  exists: boolean;
  isdir: boolean;
  isreg: boolean;
  islnk: boolean;
  /** Permission bits as a 4-digit octal string, e.g. `0644` (Ansible's form). */
  mode?: string;
  uid?: number;
  gid?: number;
  /** User/group names (`UNKNOWN` when the id has no name). */
  pw_name?: string;
  gr_name?: string;
  size?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  inode?: number;
  /** Hex checksum of a regular file's content (only when asked for; SHA-256 unless another algorithm is asked). */
  checksum?: string;
  /** For a symbolic link: where it points. */
  lnk_source?: string;
  /** The umask of the shell on the target (only when asked for: what a symbolic mode of a new file needs). */
  umask?: number;
}

export interface FileStatOptions {
  /** Follow a symbolic link at `path` (stat what it points to). Default false. */
  follow?: boolean;
  /** Compute the checksum of a regular file. Default true. */
  checksum?: boolean;
  /** Which checksum (`<alg>sum` on the target). Default sha256; `stat` defaults to sha1 as Ansible does. */
  algorithm?: ChecksumAlgorithm;
  /** Also report the target shell's umask (for a symbolic mode). Default false. */
  umask?: boolean;
}

export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Cache keys start with `file:<path>` so `ctx.invalidateFacts('file:' + path)` drops every fact on it. */
export function fileStat(path: string, opts: FileStatOptions = {}): Fact<FileStat> {
  const follow = opts.follow ?? false;
  const checksum = opts.checksum ?? true;
  const alg = opts.algorithm ?? 'sha256';
  if (!CHECKSUM_ALGORITHMS.includes(alg)) throw new ModuleError(`unknown checksum algorithm ${String(alg)}`);
  const L = follow ? '-L' : '';
  const um = opts.umask ? raw("\nprintf 'U '; umask") : raw('');
  const script = sh`p=${path}; L=${L}; c=${checksum ? 1 : 0}; sum=${alg + 'sum'}
if [ -e "$p" ] || [ -L "$p" ]; then
  stat $L -c ${STAT_LINE_FORMAT} -- "$p" || exit 1
  if [ "$c" = 1 ] && [ -f "$p" ] && [ -r "$p" ] && { [ -n "$L" ] || [ ! -L "$p" ]; }; then printf 'C '; "$sum" < "$p" || exit 1; fi
  if [ -L "$p" ]; then printf 'L '; readlink -- "$p"; fi
else
  echo MISSING
fi${um}`;
  return {
    key: `file:${path}:stat:${follow ? 'L' : ''}${checksum ? `C${alg === 'sha256' ? '' : alg}` : ''}${opts.umask ? 'U' : ''}`,
    command: script,
    parse: (stdout, r) => parseStat(path, stdout, r.code, r.stderr),
  };
}

/**
 * For a fused script: shell that puts a file fact's output in `$out` and its status in `$rc`. The fact runs
 * in a command substitution (a fork on the target); a path that does not exist answers MISSING without
 * one, as the fact's own script does (the first run's common case). Not for a fact with `umask`, whose
 * MISSING has a second line.
 */
export function captureFileStat(path: string, fact: Fact<FileStat>): ExecCommand {
  if (fact.key.endsWith('U')) throw new Error('captureFileStat: a fact with umask');
  return sh`if [ -e ${path} ] || [ -L ${path} ]; then out=$(${fact.command}); else out=MISSING; fi; rc=$?; `;
}

export function parseStat(path: string, stdout: string, code: number | null, stderr = ''): FileStat {
  if (code !== 0) throw new ModuleError(`cannot stat ${path}: ${stderr.trim() || `exit ${code}`}`);
  const lines = stdout.split('\n');
  const u = lines.find((l) => l.startsWith('U '));
  const umask = u ? { umask: parseInt(u.slice(2).trim(), 8) } : {};
  if (lines[0] === 'MISSING') return { exists: false, isdir: false, isreg: false, islnk: false, ...umask };
  const s = lines.find((l) => l.startsWith('S '));
  if (!s)
    throw new ModuleError(`cannot stat ${path}: unexpected output ${JSON.stringify(stdout.slice(0, 200))}`);
  const [, mode, uid, gid, size, mtime, inode, user, group, ...typeWords] = s.split(' ');
  const type = typeWords.join(' ');
  const st: FileStat = {
    exists: true,
    isdir: type === 'directory',
    isreg: type.startsWith('regular'),
    islnk: type === 'symbolic link',
    mode: parseInt(mode!, 8).toString(8).padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    pw_name: user,
    gr_name: group,
    size: Number(size),
    mtime: Number(mtime),
    inode: Number(inode),
  };
  const c = lines.find((l) => l.startsWith('C '));
  if (c) st.checksum = c.slice(2).trim().split(/\s+/)[0];
  const l = lines.find((x) => x.startsWith('L '));
  if (l) st.lnk_source = l.slice(2);
  if (u) st.umask = umask.umask;
  return st;
}

export interface FileContent {
  exists: boolean;
  /** Content of a regular file (empty when it does not exist). */
  content: Buffer;
}

/** The whole content of a regular file; `exists: false` when there is no such file. */
export function fileContent(path: string): Fact<FileContent> {
  return {
    key: `file:${path}:content`,
    command: sh`if [ -f ${path} ]; then echo FILE; base64 < ${path} || exit 1; else echo MISSING; fi`,
    parse: (stdout, r) => {
      if (r.code !== 0) throw new ModuleError(`cannot read ${path}: ${r.stderr.trim() || `exit ${r.code}`}`);
      const nl = stdout.indexOf('\n');
      const head = nl < 0 ? stdout : stdout.slice(0, nl);
      if (head === 'MISSING') return { exists: false, content: Buffer.alloc(0) };
      if (head !== 'FILE') throw new ModuleError(`cannot read ${path}: unexpected output`);
      return { exists: true, content: Buffer.from(stdout.slice(nl + 1).replace(/\s+/g, ''), 'base64') };
    },
  };
}
