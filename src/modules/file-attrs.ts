/**
 * File attributes shared by copy, template, file and lineinfile: the `mode`/`owner`/`group` args, what
 * differs from a stat, the commands that set them, and the `backup` copy made before a replace.
 */
import { z } from 'zod';
import { sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import type { FileStat } from '../facts/file';
import type { Change, ExecStep } from '../plan/steps';

export const attrArgs = {
  mode: z
    .union([z.string(), z.number()])
    .optional()
    .describe(
      'Permissions: octal ("0644", "644", or 0644 as a YAML number) or symbolic ("u+x", "u=rw,g=r,o=", "a-w", "+X"), computed from the current mode as Ansible does',
    ),
  owner: z.string().optional().describe('Owner user name or uid'),
  group: z.string().optional().describe('Group name or gid'),
};

export interface AttrArgs {
  mode?: string | number;
  owner?: string;
  group?: string;
}

const OCTAL = /^0?o?[0-7]{1,4}$/;
/** One clause of a symbolic mode, as Ansible's _symbolic_mode_to_octal accepts: who, then op+perms pairs. */
const SYMBOLIC_CLAUSE = /^[ugoa]*(?:[-+=][rwxXstugo]*)+$/;

/** A symbolic mode (`u+x`, `u=rw,g=r,o=`), not an octal one. */
export function isSymbolicMode(mode: string | number | undefined): boolean {
  return typeof mode === 'string' && !OCTAL.test(mode.trim());
}

function badMode(mode: string | number): ModuleError {
  return new ModuleError(`mode must be in octal or symbolic form: ${JSON.stringify(mode)}`, {
    hint: 'octal like "0644" (quoted in YAML), or symbolic like "u=rw,g=r,o=" or "u+x"',
  });
}

/** Validate a mode argument, octal or symbolic (ModuleError when it is neither). */
export function checkMode(mode: string | number | undefined): void {
  if (mode === undefined) return;
  if (!isSymbolicMode(mode)) {
    if (!OCTAL.test(typeof mode === 'number' ? String(mode) : mode.trim())) throw badMode(mode);
    return;
  }
  for (const clause of (mode as string).split(',')) {
    // Ansible accepts a bare who (`u`: changes nothing); a clause with any other character fails
    if (!SYMBOLIC_CLAUSE.test(clause) && !/^[ugoa]*$/.test(clause)) throw badMode(mode);
    const who = /^[ugoa]*/.exec(clause)![0];
    if (who.length > 1 && who.includes('a')) throw badMode(mode);
  }
}

/** What a symbolic mode is computed from: the path's current mode (or the mode it is created with). */
export interface ModeBase {
  /** Permission bits, with setuid/setgid/sticky. */
  mode: number;
  isdir: boolean;
  /** The target's umask (for a clause without who: `+x`). */
  umask: number;
}

/**
 * The base of a symbolic mode for a path: its current mode when it exists, else the mode it is created
 * with — as Ansible's modules create it: a file 0666 & ~umask (atomic_move, open), a directory 0777 & ~umask
 * (os.mkdir).
 */
export function modeBase(
  st: FileStat | undefined,
  create: 'file' | 'directory' = 'file',
): ModeBase | undefined {
  if (!st) return undefined;
  const umask = st.umask ?? 0o022;
  if (st.exists && st.mode !== undefined) return { mode: parseInt(st.mode, 8), isdir: st.isdir, umask };
  if (st.umask === undefined) return undefined;
  return { mode: (create === 'directory' ? 0o777 : 0o666) & ~umask, isdir: create === 'directory', umask };
}

/**
 * Parse a mode argument to a number. Strings are octal (`"0644"`, `"644"`, `"0o644"`). A YAML number is
 * read by its digits as octal too (YAML 1.2 reads an unquoted `0644` as 644). A symbolic mode is computed
 * from `base` (the current mode), as Ansible's set_mode_if_different does; it needs one.
 */
export function parseMode(mode: string | number | undefined, base?: ModeBase): number | undefined {
  if (mode === undefined) return undefined;
  checkMode(mode);
  if (isSymbolicMode(mode)) {
    if (!base)
      throw new ModuleError(`symbolic mode ${JSON.stringify(mode)} needs the current mode of the path`, {
        hint: 'use an octal mode here',
      });
    return symbolicMode(mode as string, base);
  }
  const text = typeof mode === 'number' ? String(mode) : mode.trim();
  return parseInt(text.replace(/^0?o?/, '') || '0', 8);
}

/**
 * Ansible's _symbolic_mode_to_octal (module_utils/basic.py, 2.14): clauses left to right on the running
 * mode; an empty who means `a` limited by the umask; `X` is x when the path is a directory or any x bit is
 * set in its mode before the change; `u`/`g`/`o` as perms copy that class's bits; `s` is setuid/setgid, `t` sticky.
 */
export function symbolicMode(spec: string, base: ModeBase): number {
  let mode = base.mode & 0o7777;
  for (const clause of spec.split(',')) {
    const perms = clause.split(/[-+=]/);
    const ops = clause.match(/[-+=]/g) ?? [];
    let users = perms.shift()!;
    const useUmask = users === '';
    if (users === 'a' || users === '') users = 'ugo';
    perms.forEach((p, i) => {
      for (const user of users) {
        const apply = permBits(base, user, p, useUmask);
        mode = applyOp(user, ops[i]!, apply, mode);
      }
    });
  }
  return mode;
}

/** The bits a clause's perms stand for; `X` and `u`/`g`/`o` read the path's mode before the change (2.14). */
function permBits(base: ModeBase, user: string, perms: string, useUmask: boolean): number {
  const prev = base.mode & 0o7777;
  const applyX = base.isdir || (prev & 0o111) > 0;
  const rev = base.umask ^ 0o7777;
  const m = (bit: number) => (useUmask ? rev & bit : bit);
  const shift = user === 'u' ? 6 : user === 'g' ? 3 : 0;
  const cls = (c: number) => (prev >> c) & 7; // the rwx of class at shift c
  let out = 0;
  for (const p of perms) {
    if (p === 'r') out |= m(4 << shift);
    else if (p === 'w') out |= m(2 << shift);
    else if (p === 'x') out |= m(1 << shift);
    else if (p === 'X') out |= applyX ? 1 << shift : 0;
    else if (p === 's') out |= user === 'u' ? 0o4000 : user === 'g' ? 0o2000 : 0;
    else if (p === 't') out |= user === 'o' ? 0o1000 : 0;
    else if (p === 'u') out |= cls(6) << shift;
    else if (p === 'g') out |= cls(3) << shift;
    else if (p === 'o') out |= cls(0) << shift;
  }
  return out;
}

function applyOp(user: string, op: string, apply: number, cur: number): number {
  if (op === '=') {
    const mask = user === 'u' ? 0o4700 : user === 'g' ? 0o2070 : 0o1007;
    return (cur & (mask ^ 0o7777)) | apply;
  }
  if (op === '+') return cur | apply;
  return cur & ~apply & 0o7777;
}

export const modeString = (m: number): string => m.toString(8).padStart(4, '0');

/**
 * A user or group as chown/chgrp take it: a name (letters, digits, `_.-`, not starting with `-`, an
 * optional trailing `$`) or a numeric id. Anything else — `--help`, `a:b`, spaces — is refused here
 * rather than handed to chown as an option.
 */
export function checkId(kind: 'owner' | 'group', v: string | undefined): void {
  if (v === undefined) return;
  if (!/^(?:\d+|[A-Za-z_][A-Za-z0-9_.-]{0,63}\$?)$/.test(v)) {
    throw new ModuleError(`invalid ${kind} ${JSON.stringify(v)}: expected a name or a numeric id`, {
      hint: `${kind} names start with a letter or _ and hold letters, digits, _, . and -`,
    });
  }
}

/** Validate mode, owner and group of the args (ModuleError on the first bad one). */
export function checkAttrs(a: AttrArgs): void {
  checkMode(a.mode);
  checkId('owner', a.owner);
  checkId('group', a.group);
}

/** An exec step changing the attributes of `path`; only that path's facts are dropped after it. */
export function attrStep(cmd: ExecCommand, path: string): ExecStep {
  return { kind: 'exec', cmd, invalidates: [`file:${path}`] };
}

function sameId(want: string, id: number | undefined, name: string | undefined): boolean {
  return want === name || want === String(id);
}

/** Changes needed to bring an existing path's mode/owner/group to the args (none for a missing path). */
export function attrChanges(path: string, st: FileStat | undefined, a: AttrArgs): Change[] {
  const out: Change[] = [];
  checkAttrs(a);
  const mode = parseMode(a.mode, modeBase(st));
  const have = st?.exists ? st.mode : undefined;
  if (mode !== undefined && (have === undefined || parseInt(have, 8) !== mode)) {
    out.push({
      describe: `mode of ${path}: ${have ?? '(new)'} → ${modeString(mode)}`,
      steps: [attrStep(sh`chmod ${modeString(mode)} -- ${path}`, path)],
    });
  }
  if (a.owner !== undefined && !(st?.exists && sameId(a.owner, st.uid, st.pw_name))) {
    out.push({
      describe: `owner of ${path}: ${st?.pw_name ?? '(new)'} → ${a.owner}`,
      steps: [attrStep(sh`chown ${a.owner} -- ${path}`, path)],
    });
  }
  if (a.group !== undefined && !(st?.exists && sameId(a.group, st.gid, st.gr_name))) {
    out.push({
      describe: `group of ${path}: ${st?.gr_name ?? '(new)'} → ${a.group}`,
      steps: [attrStep(sh`chgrp ${a.group} -- ${path}`, path)],
    });
  }
  return out;
}

/** Commands setting every given attribute (for a path just created; `base`: its mode then, for a symbolic mode). */
export function attrCommands(
  path: string,
  a: AttrArgs,
  opts: { noDeref?: boolean; base?: ModeBase } = {},
): ExecCommand[] {
  checkAttrs(a);
  const h = opts.noDeref ? '-h' : '';
  const out: ExecCommand[] = [];
  const mode = opts.noDeref ? undefined : parseMode(a.mode, opts.base);
  if (a.owner !== undefined) out.push(sh`chown ${h ? [h] : []} ${a.owner} -- ${path}`);
  if (a.group !== undefined) out.push(sh`chgrp ${h ? [h] : []} ${a.group} -- ${path}`);
  if (mode !== undefined && !opts.noDeref) out.push(sh`chmod ${modeString(mode)} -- ${path}`);
  return out;
}

let backups = 0;

/**
 * `dest.NUMBER.2026-11-26@18:04:03~`, Ansible's shape (`basename.PID.YYYY-MM-DD@HH:MM:SS~`). Ansible's
 * number is its module's pid on the target; ours is the controller's pid and a count of the backups it
 * named, so two backups of one file in the same second (two edits in a loop) never share a name — the
 * second overwrote the first, and a rollback restored a half-edited file.
 */
export function backupPath(dest: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const ts =
    `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}` +
    `@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
  return `${dest}.${process.pid * 1_000_000 + (backups++ % 1_000_000)}.${ts}~`;
}

/** Copy dest to its backup name, keeping mode, owner and times; a failed copy leaves no partial backup. */
export function backupCommand(dest: string, backup: string): ExecCommand {
  return sh`cp -p -- ${dest} ${backup} || { rm -f -- ${backup}; exit 1; }`;
}

/** The step making that backup (it changes no fact of dest). */
export function backupStep(dest: string, backup: string): ExecStep {
  return { kind: 'exec', id: 'backup', cmd: backupCommand(dest, backup), invalidates: [`file:${backup}`] };
}

/** Text for a diff, or undefined when the content looks binary. */
export function diffText(b: Buffer): string | undefined {
  if (b.length > 512 * 1024 || b.includes(0)) return undefined;
  return b.toString('utf8');
}
