/**
 * Typed, located errors. Every error a user can cause names where it comes from (file:line:col, or host
 * and task) and what to do about it. `exitCode` is the process exit code the CLI uses for it.
 */

/** Exit codes, compatible with ansible-playbook. Documented in the README. */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  TASK_FAILED: 2,
  UNREACHABLE: 3,
  INVALID_INPUT: 4,
  BAD_OPTIONS: 5,
  /** `--check --detailed-exitcode`: no failure, but changes are pending. */
  CHANGES_PENDING: 10,
  INTERRUPTED: 99,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A place in a source file; line and col are 1-based. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

export function formatLoc(loc: SourceLoc | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '';
}

export class RemediateError extends Error {
  exitCode: ExitCode = ExitCode.INTERNAL;
  /** What the user can do about it, printed after the message. */
  hint?: string;
  constructor(message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.hint = opts.hint;
  }
}

/** Something wrong in an inventory file or directory. */
export class InventoryError extends RemediateError {
  override exitCode: ExitCode = ExitCode.INVALID_INPUT;
  constructor(
    message: string,
    public loc?: SourceLoc,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(loc ? `${formatLoc(loc)}: ${message}` : message, opts);
  }
}

/** Something wrong in a playbook, task file or vars file (schema, YAML syntax, template, reference). */
export class PlaybookError extends RemediateError {
  override exitCode: ExitCode = ExitCode.INVALID_INPUT;
  constructor(
    message: string,
    public loc?: SourceLoc,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(loc ? `${formatLoc(loc)}: ${message}` : message, opts);
  }
}

/** Bad command line. */
export class UsageError extends RemediateError {
  override exitCode: ExitCode = ExitCode.BAD_OPTIONS;
}

/** A host could not be reached or authenticated; the host is "unreachable". */
export class ConnectError extends RemediateError {
  override exitCode: ExitCode = ExitCode.UNREACHABLE;
  constructor(
    public host: string,
    message: string,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(`${host}: ${message}`, opts);
  }
}

/** A module decided the task failed (bad args at run time, refused precondition, ...). */
export class ModuleError extends RemediateError {
  override exitCode: ExitCode = ExitCode.TASK_FAILED;
  constructor(
    message: string,
    opts: { hint?: string; cause?: unknown; data?: Record<string, unknown> } = {},
  ) {
    super(message, opts);
    this.data = opts.data;
  }
  /** Extra result fields (registered along with `failed: true`). */
  data?: Record<string, unknown>;
}

/** A command on a target exited non-zero (or by a signal) where success was required. */
export class CommandError extends RemediateError {
  override exitCode: ExitCode = ExitCode.TASK_FAILED;
  constructor(
    public host: string,
    /** The command as displayed (secrets masked). */
    public command: string,
    public code: number | null,
    public signal: string | null,
    public stderr: string,
    public durationMs: number,
  ) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    // a multi-line script is named by its first line (the whole of it stays in `command`, the result's cmd)
    const lines = command.trim().split('\n');
    const shown = lines.length > 1 ? `${lines[0]} … (${lines.length - 1} more lines)` : command;
    super(
      `${host}: command failed (${signal ? `signal ${signal}` : `exit ${code}`}, ${durationMs} ms): ${shown}` +
        (tail ? `\n${tail}` : ''),
    );
  }
}

/** A template could not be rendered (undefined variable, syntax error, filter error). */
export class TemplateError extends RemediateError {
  override exitCode: ExitCode = ExitCode.TASK_FAILED;
  constructor(
    message: string,
    /** For undefined variables: the variable's name. */
    public variable?: string,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts);
  }
}
