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
    .describe('Permissions as octal: "0644", "644" or 0644 (YAML number written in octal digits)'),
  owner: z.string().optional().describe('Owner user name or uid'),
  group: z.string().optional().describe('Group name or gid'),
};

export interface AttrArgs {
  mode?: string | number;
  owner?: string;
  group?: string;
}

/**
 * Parse a mode argument to a number. Strings are octal (`"0644"`, `"644"`, `"0o644"`). A YAML number is
 * read by its digits as octal too (YAML 1.2 reads an unquoted `0644` as 644).
 */
export function parseMode(mode: string | number | undefined): number | undefined {
  if (mode === undefined) return undefined;
  const text = typeof mode === 'number' ? String(mode) : mode.trim();
  if (!/^0?o?[0-7]{1,4}$/.test(text)) {
    throw new ModuleError(`invalid mode ${JSON.stringify(mode)}: expected octal like "0644"`, {
      hint: 'quote the mode in YAML ("0644"); symbolic modes (u+x) are not supported',
    });
  }
  return parseInt(text.replace(/^0?o?/, '') || '0', 8);
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
  parseMode(a.mode);
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
  const mode = parseMode(a.mode);
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

/** Commands setting every given attribute (for a path just created). */
export function attrCommands(path: string, a: AttrArgs, opts: { noDeref?: boolean } = {}): ExecCommand[] {
  checkAttrs(a);
  const h = opts.noDeref ? '-h' : '';
  const out: ExecCommand[] = [];
  const mode = parseMode(a.mode);
  if (a.owner !== undefined) out.push(sh`chown ${h ? [h] : []} ${a.owner} -- ${path}`);
  if (a.group !== undefined) out.push(sh`chgrp ${h ? [h] : []} ${a.group} -- ${path}`);
  if (mode !== undefined && !opts.noDeref) out.push(sh`chmod ${modeString(mode)} -- ${path}`);
  return out;
}

/** `dest.2026-11-26@18:04:03~` (Ansible puts the pid in too; the timestamp is enough to be unique per run). */
export function backupPath(dest: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const ts =
    `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}` +
    `@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
  return `${dest}.${ts}~`;
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
