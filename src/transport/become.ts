/**
 * Privilege escalation shared by every transport: wrap a command in `sudo` or `su`, and drive the password
 * exchange without ever putting the password on a command line.
 *
 * Protocol. The wrapped command first prints a unique success marker on stderr, then runs the real
 * script. A transport feeds stderr (and, for a pty, stdout) to a `BecomeDriver`:
 *  - the unique sudo prompt appears → the driver writes the password on stdin (once);
 *  - the prompt appears a second time → wrong password: the driver asks to kill the command (no hang);
 *  - the marker appears → the escalation succeeded: everything before it (sudo's lecture...) is dropped,
 *    the caller's own stdin is written and closed, and output from then on is the command's.
 * Because the password is only written when sudo asks for it, cached credentials or NOPASSWD rules never
 * leak the password into the command's stdin.
 *
 * `su` reads its password from a terminal, not from stdin: with a password, the ssh transport runs `su`
 * on a pty (stdout and stderr then arrive merged, and the command's own stdin is not supported). Without a
 * password `su` only works when the login user is root.
 */
import { randomBytes } from 'node:crypto';
import { execCommand, quote, type ExecCommand, type Secret } from '../command';
import { ExitCode, RemediateError } from '../errors';
import type { BecomeOptions } from './types';

/** Escalation failed (wrong password, no sudo rights, sudo wants a tty...): the task fails. */
export class BecomeError extends RemediateError {
  override exitCode: ExitCode = ExitCode.TASK_FAILED;
}

export interface WrappedBecome {
  /** The command to run instead of the original (its display shows the wrapper, never a password). */
  command: ExecCommand;
  /**
   * Password line for transports that cannot watch stderr: prepend it to stdin. Only correct when sudo
   * will ask (it is never needed with a BecomeDriver, which is the preferred way).
   */
  stdinPrefix?: string;
  /** The unique prompt sudo prints when it wants the password (su: its usual `Password:`). */
  prompt: string;
  /** Printed on stderr by the wrapped command once it runs as the target user. */
  successMarker: string;
  /** `su` with a password must run on a pseudo-terminal. */
  needsPty: boolean;
}

/**
 * Build the script to run for a command: `cd DIR &&`, exported environment, then the command. Applied
 * inside the become wrapper, since sudo resets the environment.
 */
export function prepareScript(
  script: string,
  opts: { env?: Record<string, string>; cwd?: string } = {},
): string {
  let prefix = '';
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new BecomeError(`invalid environment variable name: ${k}`);
    prefix += `export ${k}=${quote(v)}; `;
  }
  if (opts.cwd) prefix += `cd ${quote(opts.cwd)} || exit 1; `;
  return prefix + script;
}

export function wrapBecome(cmd: ExecCommand, become: BecomeOptions): WrappedBecome {
  const id = randomBytes(8).toString('hex');
  const successMarker = `REMEDIATE-BECOME-OK-${id}`;
  const user = become.user || 'root';
  const inner = (s: string) => `printf '%s\\n' ${successMarker} >&2; ${s}`;
  const flags = become.flags ? ` ${become.flags}` : '';
  if (become.method === 'su') {
    const wrap = (s: string) => `su -s /bin/sh${flags} ${quote(user)} -c ${quote(inner(s))}`;
    return {
      command: execCommand(wrap(cmd.script), wrap(cmd.display)),
      prompt: 'assword',
      successMarker,
      needsPty: become.password !== undefined,
    };
  }
  const prompt = `[remediate-sudo-${id}] password: `;
  const auth = become.password !== undefined ? `-S -p ${quote(prompt)}` : '-n';
  const wrap = (s: string) => `sudo -H ${auth}${flags} -u ${quote(user)} /bin/sh -c ${quote(inner(s))}`;
  return {
    command: execCommand(wrap(cmd.script), wrap(cmd.display)),
    stdinPrefix: become.password !== undefined ? become.password.reveal() + '\n' : undefined,
    prompt,
    successMarker,
    needsPty: false,
  };
}

/** What the driver asks its transport to do. */
export interface BecomeIO {
  write(data: string | Buffer): void;
  end(): void;
  /** Stop the command (close the channel / kill the process): escalation failed. */
  abort(reason: string): void;
}

/** Known escalation failure messages, mapped to a clear reason and hint. */
const FAILURES: { re: RegExp; msg: string; hint: string }[] = [
  {
    re: /a terminal is required|no tty present|you must have a tty/i,
    msg: 'sudo requires a terminal (tty) on this host',
    hint: 'allow sudo without a tty for this user (remove "Defaults requiretty"), or provide a become password with --ask-become-pass',
  },
  {
    re: /a password is required/i,
    msg: 'sudo needs a password and none was given',
    hint: 'pass --ask-become-pass or set ansible_become_password (or allow NOPASSWD for this user)',
  },
  {
    re: /Sorry, try again|incorrect password|Authentication failure|authentication failure/i,
    msg: 'incorrect become password',
    hint: 'check --ask-become-pass / ansible_become_password for this host',
  },
  {
    re: /not in the sudoers file|is not allowed to (run|execute) sudo|may not run sudo/i,
    msg: 'the login user may not use sudo on this host',
    hint: 'grant the user sudo rights, or set become_user / become_method',
  },
  {
    re: /sudo: (command )?not found|su: (command )?not found/i,
    msg: 'sudo/su is not installed',
    hint: 'install sudo on the target, or use become_method: su',
  },
  {
    re: /su: user \S+ does not exist|unknown user/i,
    msg: 'the become_user does not exist',
    hint: 'check become_user',
  },
];

function classify(text: string): { msg: string; hint: string } | undefined {
  return FAILURES.find((f) => f.re.test(text));
}

/**
 * Drives one escalated command. Feed it the raw output with `filter`; it returns what belongs to the
 * command itself (escalation chatter removed). Call `finish` when the command ended: it throws a
 * BecomeError when the escalation (not the command) failed.
 */
export class BecomeDriver {
  private ready = false;
  private prompts = 0;
  private pending = '';
  private failure?: { msg: string; hint: string };

  constructor(
    private readonly wrapped: WrappedBecome,
    private readonly password: Secret | undefined,
    private readonly stdin: string | Buffer | undefined,
    private readonly io: BecomeIO,
  ) {}

  get succeeded(): boolean {
    return this.ready;
  }

  /** Pass every output chunk (stderr; for a pty, stdout too). Returns the part belonging to the command. */
  filter(chunk: string): string {
    if (this.ready) return chunk;
    this.pending += chunk;
    const m = this.pending.indexOf(this.wrapped.successMarker);
    if (m >= 0) {
      const nl = this.pending.indexOf('\n', m);
      if (nl < 0) return '';
      const rest = this.pending.slice(nl + 1).replace(/^\r/, '');
      this.pending = '';
      this.ready = true;
      if (this.stdin !== undefined && this.stdin.length > 0) this.io.write(this.stdin);
      this.io.end();
      return rest;
    }
    if (
      this.pending.includes(this.wrapped.prompt) ||
      (this.wrapped.needsPty && /assword[^\n]*:\s*$/.test(this.pending))
    ) {
      this.prompts++;
      this.pending = this.pending.split(this.wrapped.prompt).join('');
      if (this.wrapped.needsPty) this.pending = this.pending.replace(/[^\n]*assword[^\n]*:\s*$/, '');
      if (this.prompts > 1) {
        this.failure = FAILURES.find((f) => f.msg === 'incorrect become password');
        this.io.abort('incorrect become password');
      } else if (this.password === undefined) {
        this.failure = FAILURES.find((f) => f.msg.startsWith('sudo needs a password'));
        this.io.abort('become password required');
      } else {
        this.io.write(this.password.reveal() + (this.wrapped.needsPty ? '\r' : '\n'));
      }
      return '';
    }
    const f = classify(this.pending);
    if (f && f.msg !== 'incorrect become password') {
      this.failure = f;
      this.io.abort(f.msg);
    }
    return '';
  }

  /** After the command ended. Throws BecomeError when escalation never succeeded. */
  finish(): void {
    if (this.ready) return;
    const f = this.failure ?? classify(this.pending);
    const detail = this.pending.replace(/\s+/g, ' ').trim().slice(0, 300);
    if (f) throw new BecomeError(`become failed: ${f.msg}`, { hint: f.hint });
    throw new BecomeError(`become failed: ${detail || 'the command ended before the escalation succeeded'}`, {
      hint: 'check become_method, become_user and the sudo/su configuration on the host',
    });
  }
}
