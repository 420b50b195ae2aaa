/**
 * What command, shell and raw share: the `creates`/`removes` guards (probe, one exec for both), the plan
 * (one exec step; a run is a change that check mode cannot predict) and the result with Ansible's fields
 * from the step's output.
 */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { execCommand, quote, raw, sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import type { ExecOutput, StepOutputs } from '../plan/steps';
import type { Fused, ModuleContext, ModuleResult, Plan } from './types';

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

/** Prints `yes` or `no` on one line: does any path match the glob? */
function existsLine(pattern: string): ExecCommand {
  return sh`r=no; for f in ${raw(globWord(pattern))}; do if [ -e "$f" ] || [ -L "$f" ]; then r=yes; break; fi; done; echo $r`;
}

/** One exec answers both guards: a line for `creates`, then one for `removes`. */
export function guardsCommand(a: GuardArgs): ExecCommand | undefined {
  if (a.creates === undefined && a.removes === undefined) return undefined;
  const cd = a.chdir ? sh`cd -- ${a.chdir} 2>/dev/null; ` : raw('');
  const c = a.creates !== undefined ? existsLine(a.creates) : raw('');
  const r = a.removes !== undefined ? existsLine(a.removes) : raw('');
  return sh`${cd}${c}${raw(a.creates !== undefined && a.removes !== undefined ? '; ' : '')}${r}`;
}

export async function probeGuards(ctx: ModuleContext, a: GuardArgs): Promise<GuardFacts> {
  const cmd = guardsCommand(a);
  if (!cmd) return {};
  const lines = (await ctx.exec(cmd)).stdout.trim().split('\n');
  const f: GuardFacts = {};
  if (a.creates !== undefined) f.creates = lines.shift() === 'yes';
  if (a.removes !== undefined) f.removes = lines.shift() === 'yes';
  return f;
}

export interface RunState {
  /** Shown as the `cmd` result field (argv list for `command`, the text for shell/raw). */
  shown: string | string[];
  /** The command, for the failure hint. */
  display: string;
  stripEmptyEnds: boolean;
}

export function planRun(
  a: Pick<GuardArgs, 'chdir' | 'creates' | 'removes' | 'stdin' | 'stdin_add_newline' | 'strip_empty_ends'>,
  f: GuardFacts,
  cmd: ExecCommand,
  shown: string | string[],
): Plan<RunState> {
  const skip = (msg: string): Plan<RunState> => ({
    changes: [],
    result: { msg, cmd: shown, rc: 0, stdout: `skipped, ${msg}`, stderr: '', stdout_lines: [] },
  });
  if (f.creates === true) return skip(`since ${a.creates} exists`);
  if (f.removes === false) return skip(`since ${a.removes} does not exist`);
  const stdin = a.stdin === undefined ? undefined : a.stdin + (a.stdin_add_newline ? '\n' : '');
  return {
    changes: [
      {
        describe: `run ${cmd.display}`,
        steps: [{ kind: 'exec', id: 'run', cmd, stdin, cwd: a.chdir, ok: 'any' }],
      },
    ],
    state: { shown, display: cmd.display, stripEmptyEnds: a.strip_empty_ends },
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

/** The registered result of the `run` step (Ansible's fields); a non-zero exit throws ModuleError. */
export function runResult({ plan, outputs }: { plan: Plan<RunState>; outputs: StepOutputs }): ModuleResult {
  const r = outputs['run'] as ExecOutput | undefined;
  const state = plan.state!;
  if (!r) return { ...(plan.result ?? {}) };
  const strip = (s: string) => (state.stripEmptyEnds ? s.replace(/[\r\n]+$/, '') : s);
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const result: ModuleResult = {
    cmd: state.shown,
    rc: r.code ?? -1,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
    start: stamp(new Date(r.start)),
    end: stamp(new Date(r.end)),
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
      // as Ansible: the command ran, so its failed result is changed too (counted so when ignored)
      data: { ...result, msg: r.timedOut || r.signal ? why : 'non-zero return code', changed: true },
      hint: `the command was: ${state.display}`,
    });
  }
  return result;
}

/** Reserved words of sh: a command whose first word is one is not run inline (it would parse otherwise). */
const RESERVED = new Set('! { } case do done elif else esac fi for if in then until while'.split(' '));

/**
 * The fused path of command/shell with creates/removes: one exec prints the guards' answers on its first
 * line, then runs the command (in chdir) only when the guards let it — the plan, result and report are
 * those of the two-step path (probe exec, then the run step). Not with stdin (a skipped command would
 * leave it unread).
 *
 * With one guard and no chdir the guard runs in the exec's own shell and touches no variable, only the
 * positional parameters (a variable could be one the task's environment exports, which the command must
 * see unchanged); the guard's fork is saved. Then `command`'s words (`words`: quoted, nothing expanded,
 * an ordinary program or builtin first) run right there after `set --`, as the two-step path's script
 * would run them: one process, not a fresh `/bin/sh` and its child. Shell text always runs in a fresh
 * `/bin/sh -c` (it may read `$1` or `$0`).
 */
export function fusedRun(
  a: GuardArgs,
  cmd: ExecCommand,
  words?: readonly string[],
): Fused<GuardFacts> | undefined {
  const guards = guardsCommand(a);
  if (!guards || a.stdin !== undefined) return undefined;
  const one = (a.creates === undefined) !== (a.removes === undefined);
  const fused = one && a.chdir === undefined ? inlineGuard(a, cmd, words) : subshellGuard(a, cmd);
  return {
    cmd: fused,
    split(out) {
      const nl = out.stdout.indexOf('\n');
      const first = nl < 0 ? out.stdout : out.stdout.slice(0, nl);
      if (!first.startsWith('RMD-GUARDS')) {
        // the guard line never came (killed before it): the command did not run
        throw new ModuleError(`could not check creates/removes: ${out.stderr.trim() || `exit ${out.code}`}`);
      }
      const words = first.split(' ').slice(1);
      const facts: GuardFacts = {};
      if (a.creates !== undefined) facts.creates = words.shift() === 'yes';
      if (a.removes !== undefined) facts.removes = words.shift() === 'yes';
      return { facts, outputs: { run: { ...out, stdout: nl < 0 ? '' : out.stdout.slice(nl + 1) } } };
    },
  };
}

/**
 * Both guards, or chdir: the guards are answered in a subshell (in chdir), whose status says whether the
 * command runs, so the exec's own shell sets no variable (the task's environment may export one of the same
 * name); then the command in a fresh sh.
 */
function subshellGuard(a: GuardArgs, cmd: ExecCommand): ExecCommand {
  const cd = a.chdir !== undefined ? sh`cd -- ${a.chdir} 2>/dev/null; ` : raw('');
  const scan = (pattern: string, v: string) =>
    sh`r=no; for f in ${raw(globWord(pattern))}; do if [ -e "$f" ] || [ -L "$f" ]; then r=yes; break; fi; done; ${raw(v)}=$r; `;
  const c = a.creates !== undefined ? scan(a.creates, 'c') : raw('');
  const r = a.removes !== undefined ? scan(a.removes, 'x') : raw('');
  const words = [a.creates !== undefined ? ' $c' : '', a.removes !== undefined ? ' $x' : ''].join('');
  const runs = [a.creates !== undefined ? '[ $c = no ]' : '', a.removes !== undefined ? '[ $x = yes ]' : '']
    .filter(Boolean)
    .join(' && ');
  // one line: a failing `cd` reports the same line number as the two-step path's
  const head = sh`(${cd}${c}${r}echo RMD-GUARDS${raw(words)}; ${raw(runs)}) </dev/null || exit 0; ${a.chdir !== undefined ? sh`cd -- ${a.chdir} || exit 1` : raw(':')}; exec /bin/sh -c `;
  // the command goes in quoted, its secrets masked in the display
  return execCommand(head.script + quote(cmd.script), head.display + quote(cmd.display));
}

/**
 * One guard, no chdir: `set -- GLOB`, then shift until a match (the same test as existsLine's), all in the
 * exec's shell; the answer printed, the command run or the script ended as the guard says.
 */
function inlineGuard(a: GuardArgs, cmd: ExecCommand, words?: readonly string[]): ExecCommand {
  const creates = a.creates !== undefined;
  const glob = raw(globWord((creates ? a.creates : a.removes)!));
  // creates: a match skips the command; removes: no match skips it
  const decide = creates
    ? raw('if [ $# -gt 0 ]; then echo RMD-GUARDS yes; exit 0; fi; echo RMD-GUARDS no; set --; ')
    : raw('if [ $# = 0 ]; then echo RMD-GUARDS no; exit 0; fi; echo RMD-GUARDS yes; set --; ');
  const head = sh`set -- ${glob}; while [ $# -gt 0 ]; do if [ -e "$1" ] || [ -L "$1" ]; then break; fi; shift; done; ${decide}`;
  const first = words?.[0];
  const inline = first !== undefined && /^[A-Za-z0-9_\-+.,:/@%^]+$/.test(first) && !RESERVED.has(first);
  if (inline) return execCommand(head.script + cmd.script, head.display + cmd.display);
  return execCommand(
    head.script + 'exec /bin/sh -c ' + quote(cmd.script),
    head.display + 'exec /bin/sh -c ' + quote(cmd.display),
  );
}
