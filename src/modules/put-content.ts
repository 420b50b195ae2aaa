/**
 * What copy and template share: put a content at `dest` on the target. Probe stats the destination
 * (and reads it for `--diff`); plan compares SHA-256 and mode/owner/group and plans the steps: a backup
 * copy, an atomic upload carrying mode/owner/group — or, when only attributes differ, chmod/chown steps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { boolArg } from './arg-types';
import { execCommand, sh } from '../command';
import { CommandError, ModuleError } from '../errors';
import { captureFileStat, fileContent, fileStat, parseStat, type FileStat } from '../facts/file';
import { putScript, sha256 } from '../transport/file-transfer';
import {
  attrArgs,
  attrChanges,
  backupPath,
  backupStep,
  checkAttrs,
  diffText,
  isSymbolicMode,
  modeBase,
  modeString,
  parseMode,
  type AttrArgs,
} from './file-attrs';
import type { Change, Fused, ModuleContext, ModuleResult, Plan, ResultInput, StepOutputs } from './types';

export const putArgs = {
  dest: z
    .string()
    .min(1)
    .describe('Absolute path of the file on the target (a directory: the source file name is appended)'),
  ...attrArgs,
  backup: boolArg()
    .default(false)
    .describe('Keep a copy of the old file as DEST.<timestamp>~ before replacing it'),
  force: boolArg()
    .default(true)
    .describe('Replace a file whose content differs; false: only create missing files'),
};

export interface PutArgs extends AttrArgs {
  dest: string;
  backup: boolean;
  force: boolean;
}

export interface PutFacts {
  content: Buffer;
  /** dest resolved (a directory dest gets the source's base name). */
  dest: string;
  stat: FileStat;
  /** Current content, for `--diff` only. */
  before?: Buffer;
}

export interface PutState {
  /** The backup the plan makes (when `backup` and the content is replaced). */
  backup?: string;
}

/**
 * Find a controller-side source file: absolute, else (in a role) under the role's `sub` folder or the role
 * directory, else under the playbook dir's `sub` folder, else the playbook dir — Ansible's order.
 */
export function findSource(ctx: ModuleContext, src: string, sub: 'files' | 'templates'): string {
  if (path.isAbsolute(src)) {
    if (fs.existsSync(src)) return src;
  } else {
    const role = ctx.roleDir ? [path.join(ctx.roleDir, sub, src), path.join(ctx.roleDir, src)] : [];
    for (const cand of [...role, path.join(ctx.playbookDir, sub, src), path.join(ctx.playbookDir, src)]) {
      if (fs.existsSync(cand)) return cand;
    }
  }
  throw new ModuleError(`could not find ${sub === 'files' ? 'src' : 'template'} file ${src}`, {
    hint: `paths are relative to the playbook directory or its ${sub}/ folder (${ctx.playbookDir})`,
  });
}

export async function probePut(
  ctx: ModuleContext,
  a: PutArgs,
  content: Buffer,
  srcName: string | undefined,
): Promise<PutFacts> {
  checkAttrs(a);
  let dest = a.dest;
  if (srcName && dest.endsWith('/')) dest = path.posix.join(dest, srcName);
  // a symbolic mode is computed from the current mode, or from the umask for a new file
  const umask = isSymbolicMode(a.mode);
  let stat = await ctx.fact(fileStat(dest, { follow: true, umask }));
  if (stat.isdir) {
    if (!srcName) throw new ModuleError(`dest ${dest} is a directory`, { hint: 'name the file in dest' });
    dest = path.posix.join(dest, srcName);
    stat = await ctx.fact(fileStat(dest, { follow: true, umask }));
  }
  const facts: PutFacts = { content, dest, stat };
  if (
    ctx.diff &&
    !ctx.noLog &&
    stat.isreg &&
    stat.checksum !== sha256(content) &&
    (stat.size ?? 0) < 512 * 1024
  ) {
    facts.before = (await ctx.fact(fileContent(dest))).content;
  }
  return facts;
}

export function planPut(a: PutArgs, f: PutFacts, ctx: ModuleContext, secret = false): Plan<PutState> {
  checkAttrs(a);
  const checksum = sha256(f.content);
  const result = { dest: f.dest, checksum, size: f.content.length };
  if (f.stat.exists && !f.stat.isreg) {
    throw new ModuleError(`dest ${f.dest} exists and is not a regular file`, {
      hint: 'remove it or pick another dest',
    });
  }
  const changes: Change[] = [];
  const state: PutState = {};
  const hideDiff = ctx.noLog || secret;
  const after = hideDiff ? undefined : diffText(f.content);
  const upload = {
    kind: 'upload' as const,
    dest: f.dest,
    content: f.content,
    mode: parseMode(a.mode, modeBase(f.stat, 'file')),
    owner: a.owner,
    group: a.group,
    ...(hideDiff ? { secret: true } : {}),
  };
  let writeContent = false;
  if (!f.stat.exists) {
    writeContent = true;
    changes.push({
      describe: `create ${f.dest} (${f.content.length} byte${f.content.length === 1 ? '' : 's'}${attrNote(a, f.stat)})`,
      diff: after === undefined ? undefined : { path: f.dest, before: '', after },
      steps: [upload],
    });
  } else if (f.stat.checksum !== checksum && a.force) {
    writeContent = true;
    const before = f.before ? diffText(f.before) : undefined;
    if (a.backup) state.backup = backupPath(f.dest);
    changes.push({
      describe: `update content of ${f.dest} (sha256 ${f.stat.checksum?.slice(0, 12)} → ${checksum.slice(0, 12)})`,
      diff: after === undefined || before === undefined ? undefined : { path: f.dest, before, after },
      steps: [...(state.backup ? [backupStep(f.dest, state.backup)] : []), upload],
    });
  }
  // A new or rewritten file gets its attributes from the upload; otherwise fix them in place.
  if (f.stat.exists)
    for (const c of attrChanges(f.dest, f.stat, a)) changes.push(writeContent ? { ...c, steps: [] } : c);
  return { changes, state, result };
}

/** The result after the steps ran: the backup made, if any. */
export function putResult({ plan, outputs }: ResultInput<unknown, PutState>): ModuleResult {
  const result: ModuleResult = { ...(plan.result ?? {}) };
  if (plan.state?.backup && outputs['backup']) result.backup_file = plan.state.backup;
  return result;
}

/** `, mode 0640, owner root` for a file created with these attributes. */
export function attrNote(a: AttrArgs, st?: FileStat): string {
  const mode = parseMode(a.mode, modeBase(st, 'file'));
  return (
    (mode === undefined ? '' : `, mode ${modeString(mode)}`) +
    (a.owner === undefined ? '' : `, owner ${a.owner}`) +
    (a.group === undefined ? '' : `, group ${a.group}`)
  );
}

/** Contents up to this size travel on the fused exec's stdin (as the two-step upload's small-file path). */
const FUSED_PUT_MAX = 64 * 1024;

/**
 * The fused path of a plain put (no backup, mode, owner or group, force on, no --diff, no become with a
 * password): one exec stats `dest` as the probe does (and `dest/srcName` when dest is a directory), then,
 * exactly when the plan those stats give is an upload — the file is missing, or a regular file whose
 * SHA-256 differs — writes the content from stdin with the upload step's own script. Anything else (same
 * content, not a regular file: the plan refuses) writes nothing; `split` hands the stats to the same plan.
 */
export function fusedPut(
  ctx: ModuleContext,
  a: PutArgs,
  content: Buffer,
  srcName: string | undefined,
): Fused<PutFacts> | undefined {
  if (a.backup || !a.force || a.mode !== undefined || a.owner !== undefined || a.group !== undefined)
    return undefined;
  if (ctx.diff || content.length > FUSED_PUT_MAX || a.dest.endsWith('/')) return undefined;
  if (ctx.become?.method === 'su' && ctx.become.password !== undefined) return undefined;
  // the exec's stdin is text: content that is not UTF-8 takes the two-step path
  const text = content.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(content)) return undefined;
  checkAttrs(a);
  const want = sha256(content);
  const first = fileStat(a.dest, { follow: true });
  const inDir = srcName ? path.posix.join(a.dest, srcName) : undefined;
  const second = inDir ? fileStat(inDir, { follow: true }) : undefined;
  // the upload of the plan, to whichever path the stats chose ($d)
  const put = (dest: string) => putScript(dest, want, content.length, { statLine: true });
  const decide = (dest: string) =>
    sh`case "$out" in MISSING) ;; *'regular '*) case "$out" in *${`C ${want}  -`}*) exit 0;; esac;; *) exit 0;; esac; echo RMD-PUT; `
      .script + put(dest).script;
  let script =
    sh`${captureFileStat(a.dest, first)}printf '%s\n' "$out"; echo RMD-RC $rc; [ $rc = 0 ] || exit 0; `
      .script;
  if (inDir && second) {
    script +=
      sh`case "$out" in *' directory') ${captureFileStat(inDir, second)}printf '%s\n' "$out"; echo RMD-RC2 $rc; [ $rc = 0 ] || exit 0; `
        .script +
      decide(inDir) +
      '; exit $?;; esac; ';
  }
  script += decide(a.dest);
  const display = `stat ${a.dest}${inDir ? ` (or ${inDir})` : ''}; upload it (${content.length} bytes) when missing or different`;
  return {
    cmd: execCommand(script, display),
    stdin: text,
    invalidates: [`file:${a.dest}`, ...(inDir ? [`file:${inDir}`] : [])],
    split(out) {
      const stdout = out.stdout;
      const rc1 = stdout.indexOf('RMD-RC ');
      if (rc1 < 0) throw new ModuleError(`cannot stat ${a.dest}: ${out.stderr.trim() || `exit ${out.code}`}`);
      const code1 = Number(stdout.slice(rc1 + 7).split('\n')[0]);
      let dest = a.dest;
      let stat = parseStat(a.dest, stdout.slice(0, rc1).replace(/\n$/, ''), code1, out.stderr);
      let rest = stdout.slice(stdout.indexOf('\n', rc1) + 1);
      if (inDir && stat.isdir) {
        const rc2 = rest.indexOf('RMD-RC2 ');
        if (rc2 < 0)
          throw new ModuleError(`cannot stat ${inDir}: ${out.stderr.trim() || `exit ${out.code}`}`);
        const code2 = Number(rest.slice(rc2 + 8).split('\n')[0]);
        dest = inDir;
        stat = parseStat(inDir, rest.slice(0, rc2).replace(/\n$/, ''), code2, out.stderr);
        rest = rest.slice(rest.indexOf('\n', rc2) + 1);
      }
      const facts: PutFacts = { content, dest, stat };
      const at = rest.indexOf('RMD-PUT\n');
      if (at < 0) return { facts, outputs: {} };
      if (out.code !== 0)
        throw new CommandError(
          ctx.host,
          `upload ${dest}`,
          out.code,
          out.signal,
          ctx.noLog ? '' : out.stderr,
          out.durationMs,
        );
      const last = rest
        .slice(at + 8)
        .trim()
        .split('\n')
        .pop();
      const outputs: StepOutputs = { '0': { kind: 'upload', changed: last !== 'unchanged', sha256: want } };
      return { facts, outputs };
    },
  };
}
