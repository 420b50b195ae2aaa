/**
 * What command, shell and raw share: the `creates`/`removes` guards (probe), the plan (a run is a change
 * that check mode cannot predict), and running it with Ansible's result fields.
 */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { quote, raw, sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import type { ModuleContext, ModuleResult, Plan } from './types';

export const guardArgs = {
  chdir: z.string().optional().describe('Change into this directory before running'),
  creates: z.string().optional().describe('A path (glob allowed): when it exists, the command is not run'),
  removes: z
    .string()
    .optional()
    .describe('A path (glob allowed): when it does not exist, the command is not run'),
  stdin: z.string().optional().describe('Text fed to the command on stdin'),
  stdin_add_newline: boolArg().default(true).describe('Append a newline to stdin'),
  strip_empty_ends: boolArg()
    .default(true)
    .describe('Strip trailing newlines from stdout/stderr in the result'),
};

export interface GuardArgs {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

export interface GuardFacts {
  /** Does any path match `creates` / `removes`? undefined when not given. */
  creates?: boolean;
  removes?: boolean;
}

/** A shell word that matches a glob: literal runs quoted, `*?[]` left for the shell. */
export function globWord(pattern: string): string {
  return pattern
    .split(/([*?[\]])/)
    .filter((s) => s !== '')
    .map((s) => (/^[*?[\]]$/.test(s) ? s : quote(s)))
    .join('');
}

function existsCmd(pattern: string, chdir?: string): ExecCommand {
  const cd = chdir ? sh`cd ${chdir} 2>/dev/null; ` : raw('');
  return sh`${cd}for f in ${raw(globWord(pattern))}; do if [ -e "$f" ] || [ -L "$f" ]; then echo yes; exit 0; fi; done; echo no`;
}

export async function probeGuards(ctx: ModuleContext, a: GuardArgs): Promise<GuardFacts> {
  const f: GuardFacts = {};
  if (a.creates !== undefined)
    f.creates = (await ctx.exec(existsCmd(a.creates, a.chdir))).stdout.trim() === 'yes';
  if (a.removes !== undefined)
    f.removes = (await ctx.exec(existsCmd(a.removes, a.chdir))).stdout.trim() === 'yes';
  return f;
}

export interface RunState {
  cmd: ExecCommand;
  /** Shown as the `cmd` result field (argv list for `command`, the text for shell/raw). */
  shown: string | string[];
}

export function planRun(a: GuardArgs, f: GuardFacts, state: RunState): Plan<RunState> {
  const skip = (msg: string): Plan<RunState> => ({
    changes: [],
    result: { msg, cmd: state.shown, rc: 0, stdout: `skipped, ${msg}`, stderr: '', stdout_lines: [] },
  });
  if (f.creates === true) return skip(`since ${a.creates} exists`);
  if (f.removes === false) return skip(`since ${a.removes} does not exist`);
  return {
    changes: [{ describe: `run ${state.cmd.display}`, commands: [state.cmd] }],
    state,
    // With creates/removes the guard decided: check mode reports the run as a change.
    unknownInCheck: a.creates === undefined && a.removes === undefined,
  };
}

function stamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '000');
}

function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const us = String(Math.round((ms % 1000) * 1000)).padStart(6, '0');
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}.${us}`;
}

export async function applyRun(ctx: ModuleContext, a: GuardArgs, state: RunState): Promise<ModuleResult> {
  const start = new Date();
  const stdin = a.stdin === undefined ? undefined : a.stdin + (a.stdin_add_newline ? '\n' : '');
  let r;
  try {
    r = await ctx.exec(state.cmd, { cwd: a.chdir, stdin });
  } finally {
    // A command can change anything on the host: no cached fact can be trusted after it.
    ctx.invalidateFacts();
  }
  const end = new Date();
  const strip = (s: string) => (a.strip_empty_ends ? s.replace(/[\r\n]+$/, '') : s);
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const result: ModuleResult = {
    cmd: state.shown,
    rc: r.code ?? -1,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
    start: stamp(start),
    end: stamp(end),
    delta: delta(r.durationMs),
    msg: '',
  };
  if (r.truncated) result.truncated = true;
  if (r.timedOut || r.code !== 0) {
    const why = r.timedOut
      ? 'timed out'
      : r.signal
        ? `killed by signal ${r.signal}`
        : `non-zero return code ${r.code}`;
    const tail = stderr.split('\n').slice(-5).join('\n');
    throw new ModuleError(`${why}${tail ? `: ${tail}` : ''}`, {
      data: { ...result, msg: why },
      hint: `the command was: ${state.cmd.display}`,
    });
  }
  return result;
}
