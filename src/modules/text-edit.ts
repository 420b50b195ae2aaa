/**
 * Whole-file text edits shared by `lineinfile`, `replace`, `blockinfile`, `assemble` and `known_hosts`: probe the file's stat and content (cached
 * facts), then plan one atomic upload of the edited text (with an optional backup first), or only the
 * attribute changes when the text is already right. The edit itself is a pure function of the text.
 */
import { ModuleError } from '../errors';
import { fileContent, fileStat, type FileStat } from '../facts/file';
import {
  attrChanges,
  backupPath,
  backupStep,
  checkAttrs,
  isSymbolicMode,
  modeBase,
  parseMode,
  type AttrArgs,
} from './file-attrs';
import { factsOf } from './ask-facts';
import type { Change, ModuleContext, Plan, ResultInput, Step } from './types';

export interface TextFacts {
  stat: FileStat;
  content: string;
}

export interface TextEditState {
  backup?: string;
}

export interface TextEditArgs extends AttrArgs {
  path: string;
  backup: boolean;
}

/**
 * Read-only: the file's stat (following links) and text, asked in one exec (the content fact says "missing"
 * for a missing file); refuses a path that is not a regular file.
 */
export async function probeText(ctx: ModuleContext, a: TextEditArgs): Promise<TextFacts> {
  checkAttrs(a);
  const [stat, file] = await factsOf(ctx, [
    fileStat(a.path, { follow: true, checksum: false, umask: isSymbolicMode(a.mode) }),
    fileContent(a.path),
  ] as const);
  if (stat.exists && !stat.isreg) throw new ModuleError(`${a.path} is not a regular file`);
  return { stat, content: stat.exists ? file.content.toString('utf8') : '' };
}

/** Read-only: an existing regular file's stat and text (one exec); a missing file or a non-file is refused. */
export async function probeExistingText(ctx: ModuleContext, path: string): Promise<TextFacts> {
  const [stat, file] = await factsOf(ctx, [
    fileStat(path, { follow: true, checksum: false }),
    fileContent(path),
  ] as const);
  if (!stat.exists) throw new ModuleError(`${path} does not exist`);
  if (!stat.isreg) throw new ModuleError(`${path} is not a regular file`);
  return { stat, content: file.content.toString('utf8') };
}

/**
 * One change that gives an existing file new bytes in place — same mode, owner and group — with an
 * optional backup first; `backup` is the backup's name when one is planned.
 */
export function rewriteInPlace(
  path: string,
  f: TextFacts,
  ctx: ModuleContext,
  after: string,
  describe: string,
  withBackup: boolean,
): { change: Change; backup?: string } {
  const steps: Step[] = [];
  const backup = withBackup ? backupPath(path) : undefined;
  if (backup) steps.push(backupStep(path, backup));
  steps.push({
    kind: 'upload',
    dest: path,
    content: Buffer.from(after, 'utf8'),
    mode: f.stat.mode !== undefined ? parseInt(f.stat.mode, 8) : undefined,
    owner: f.stat.pw_name,
    group: f.stat.gr_name,
  });
  const diff = ctx.noLog ? undefined : { path, before: f.content, after };
  return { change: { describe, diff, steps }, backup };
}

/** Write `after` when it differs from the file (or the file is new), then fix the attributes. */
export function planTextEdit(
  a: TextEditArgs,
  f: TextFacts,
  ctx: ModuleContext,
  after: string,
  describe: string,
  result: Record<string, unknown>,
): Plan<TextEditState> {
  checkAttrs(a);
  const changes: Change[] = [];
  const state: TextEditState = {};
  const write = after !== f.content || !f.stat.exists;
  if (write) {
    const steps: Step[] = [];
    if (a.backup && f.stat.exists) {
      state.backup = backupPath(a.path);
      steps.push(backupStep(a.path, state.backup));
    }
    steps.push({
      kind: 'upload',
      dest: a.path,
      content: Buffer.from(after, 'utf8'),
      mode: parseMode(a.mode, modeBase(f.stat, 'file')),
      owner: a.owner,
      group: a.group,
      ...(ctx.noLog ? { secret: true } : {}),
    });
    changes.push({
      describe,
      diff: ctx.noLog ? undefined : { path: a.path, before: f.content, after },
      steps,
    });
  }
  if (f.stat.exists)
    for (const c of attrChanges(a.path, f.stat, a)) changes.push(write ? { ...c, steps: [] } : c);
  return { changes, state, result };
}

/** The plan's result plus `backup` (the backup file's name) when the backup step ran. */
export function textEditResult({
  plan,
  outputs,
}: ResultInput<unknown, TextEditState>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...(plan.result ?? {}) };
  if (plan.state?.backup && outputs['backup']) result.backup_file = plan.state.backup;
  return result;
}
