/**
 * Running one command as a channel on an open ssh2 connection: `/bin/sh -c SCRIPT` (environment and
 * chdir inside the script, since sshd only accepts the AcceptEnv list), stdin, stdout/stderr captured
 * separately with a size cap and streamed live, timeouts, become (sudo/su) through the BecomeDriver.
 * Channels are counted per connection; when sshd refuses one (MaxSessions) the limit is lowered to what
 * the server accepted and the command waits for a free slot instead of failing.
 * Timeout and abort stop the command for real: it reports its process group on a marked stderr line
 * (taken out of the output), and the group is killed from a second channel (ssh-process-group.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import { abortError } from '../abort';
import { execCommand, quote, type ExecCommand } from '../command';
import { ConnectError } from '../errors';
import { BecomeDriver, prepareScript, wrapBecome } from './become';
import type { Gate } from './ssh-pool';
import { KILL_NOT_PERMITTED, killGroupScript, pgidPrelude, PgidLine } from './ssh-process-group';
import { OutputCapture, RunningCommand, type CommandEnd } from './running-command';
import type { ExecOptions, ExecResult } from './types';

/** ExecResult with stdout as bytes (binary-safe for transfers). */
export type RawExecResult = Omit<ExecResult, 'stdout'> & { stdout: Buffer };

/** The channel or the connection died before the command reported its exit: it may have run. */
export class ChannelLostError extends ConnectError {}

const DEFAULT_CAP = 16 * 1024 * 1024;

export { abortError } from '../abort';

/** sshd refused a session channel (MaxSessions reached). */
export function isSessionRefusal(err: Error): boolean {
  return /open failed|administratively prohibited|Channel open failure/i.test(err.message);
}

/**
 * Open a session (exec channel or SFTP) within the connection's session slots. When sshd refuses one
 * (MaxSessions), the slot limit drops to what the server accepted and the caller waits for a slot; when
 * nothing else of ours is open, our last sessions may still be closing on the server: retry shortly.
 */
export async function openSession<T>(
  sessions: Gate,
  open: () => Promise<T>,
): Promise<{ value: T; release: () => void }> {
  for (let attempt = 0; ; attempt++) {
    const release = await sessions.acquire();
    try {
      return { value: await open(), release };
    } catch (err) {
      const others = sessions.inUse - 1;
      release();
      if (err instanceof Error && isSessionRefusal(err)) {
        if (others > 0) {
          sessions.setLimit(others);
          continue;
        }
        if (attempt < 20) {
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
          continue;
        }
      }
      throw err;
    }
  }
}

/** Open an exec channel in a session slot. */
export async function openChannel(
  host: string,
  client: Client,
  sessions: Gate,
  commandLine: string,
  pty: boolean,
): Promise<{ channel: ClientChannel; release: () => void }> {
  try {
    const { value, release } = await openSession(
      sessions,
      () =>
        new Promise<ClientChannel>((resolve, reject) => {
          client.exec(commandLine, pty ? { pty: { term: 'dumb', cols: 200, rows: 24 } } : {}, (err, ch) =>
            err ? reject(err) : resolve(ch),
          );
        }),
    );
    return { channel: value, release };
  } catch (err) {
    throw new ChannelLostError(host, `cannot open a session channel: ${(err as Error).message}`, {
      hint: 'the connection may be broken, or sshd refuses sessions (MaxSessions 0?)',
      cause: err,
    });
  }
}

/** How long a stop waits for the group id when the command has not reported it yet (still starting). */
const PGID_WAIT_MS = 1000;

/**
 * Stop the process group `pgid` from a new channel on `client`, with the command's become. Resolves
 * undefined when it is gone, else why it could not be stopped.
 */
async function killGroup(
  host: string,
  client: Client,
  sessions: Gate,
  pgid: number,
  become: ExecOptions['become'],
): Promise<string | undefined> {
  try {
    const r = await execOnChannel(
      host,
      client,
      sessions,
      execCommand(killGroupScript(pgid), `kill -TERM -${pgid}`),
      {
        become,
        timeoutMs: 30_000,
        noStop: true,
      } as InternalExecOptions,
    );
    if (r.code === 0) return undefined;
    if (r.code === KILL_NOT_PERMITTED) return `not permitted to signal its process group ${pgid}`;
    if (r.code === 4) return `its process group ${pgid} was still there after SIGKILL`;
    return r.timedOut ? 'the kill did not finish' : `the kill failed (exit ${r.code ?? r.signal})`;
  } catch (e) {
    return (e as Error).message;
  }
}

interface InternalExecOptions extends ExecOptions {
  /** The kill itself: on its own timeout only close its channel (no stop of a stop). */
  noStop?: boolean;
}

/** A command for a message: its first line (a multi-line probe script would flood the output). */
function firstLine(display: string): string {
  const lines = display.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} … (${lines.length - 1} more lines)` : lines[0]!;
}

/**
 * Connections whose login shell is /bin/sh (true) or another (false); absent until known. sshd runs every
 * command line with the user's login shell (`SHELL -c LINE`), which may be bash, zsh, fish or csh, so a
 * script goes as `exec /bin/sh -c SCRIPT`: the same POSIX shell whatever the account's. When the login
 * shell is /bin/sh itself, that runs /bin/sh twice: the script is then the line itself, which saves an
 * exec per command (~1.2 ms of the target's CPU; on the 8-task bench at 100 hosts, 4.53 -> 4.26 s median
 * of 5 alternating runs). Learnt from the first command without become on a connection, whose group-id line
 * also carries `$SHELL` (set by sshd from the passwd entry); a reconnect is a new Client and learns again.
 */
const loginShellIsSh = new WeakMap<Client, boolean>();

/** Run a command on a channel of `client`. Non-zero exit is a result; a lost channel is a ChannelLostError. */
export async function execOnChannel(
  host: string,
  client: Client,
  sessions: Gate,
  cmd: ExecCommand,
  opts: ExecOptions = {},
): Promise<RawExecResult> {
  const started = Date.now();
  const shellIsSh = loginShellIsSh.get(client);
  const inner = execCommand(
    pgidPrelude(!!opts.become, !opts.become && shellIsSh === undefined) + prepareScript(cmd.script, opts),
    prepareScript(cmd.display, opts),
  );
  const wrapped = opts.become ? wrapBecome(inner, opts.become) : undefined;
  const script = wrapped ? wrapped.command.script : inner.script;
  const display = wrapped ? wrapped.command.display : inner.display;
  // `exec`: the login shell sshd started (as the leader of a new session) becomes our shell, so its `$$`
  // is the command's process group (see pgidPrelude), and one fork less. `sh` is its `$0`, as sshd names a
  // login shell /bin/sh that is given the script itself.
  const commandLine = shellIsSh ? script : `exec /bin/sh -c ${quote(script)} sh`;
  if (opts.signal?.aborted) throw abortError();
  const { channel, release } = await openChannel(host, client, sessions, commandLine, !!wrapped?.needsPty);
  return new Promise<RawExecResult>((resolve, reject) => {
    const target = { host, client, sessions, channel, release };
    new ChannelCommand(target, opts, wrapped, display, started, { resolve, reject }).begin();
  });
}

interface ChannelTarget {
  host: string;
  client: Client;
  sessions: Gate;
  channel: ClientChannel;
  /** Frees the channel's session slot (idempotent). */
  release: () => void;
}

/**
 * One command on one open channel: the channel's events feed the output captures and the exit status;
 * the RunningCommand state machine decides when it is over and how it was stopped.
 */
class ChannelCommand {
  private readonly run: RunningCommand;
  private readonly out: OutputCapture;
  private readonly err: OutputCapture;
  private readonly errDec = new StringDecoder('utf8');
  /** The command's group id line: on stderr, or in the merged output of a pty (su with a password). */
  private readonly pg = new PgidLine();
  private readonly ptyOut: boolean;
  private readonly driver: BecomeDriver | undefined;
  /** The exit status sshd reported, once it did. */
  private exit: { code: number | null; signal: string | null } | undefined;
  /** The become driver gave up (wrong password, prompt timeout): why. */
  private abortReason: string | undefined;
  private channelClosed = false;
  private clientGone = false;
  private lostReason: string | undefined;
  /** Waiting for the group id line during a stop. */
  private onPgid: (() => void) | undefined;

  constructor(
    private readonly t: ChannelTarget,
    private readonly opts: ExecOptions,
    wrapped: ReturnType<typeof wrapBecome> | undefined,
    private readonly display: string,
    private readonly started: number,
    private readonly done: { resolve: (r: RawExecResult) => void; reject: (e: unknown) => void },
  ) {
    const cap = opts.maxOutput ?? DEFAULT_CAP;
    this.out = new OutputCapture(cap, opts.onStdout);
    this.err = new OutputCapture(cap, opts.onStderr);
    this.ptyOut = !!wrapped?.needsPty;
    const { channel } = t;
    this.driver = wrapped
      ? new BecomeDriver(wrapped, opts.become!.password, opts.stdin, {
          write: (d) => channel.write(d),
          end: () => channel.end(),
          abort: (reason) => {
            this.abortReason = reason;
            channel.signal('KILL');
            channel.close();
          },
        })
      : undefined;
    this.run = new RunningCommand(
      { timeoutMs: opts.timeoutMs, signal: opts.signal },
      { stop: () => this.stop(), settle: (end) => this.settle(end) },
    );
  }

  begin(): void {
    const { channel, client } = this.t;
    channel.on('data', (d: Buffer) => this.onData(d));
    channel.stderr.on('data', (d: Buffer) => this.onStderr(d));
    channel.on('exit', (c: number | null, sig?: string) => this.onExit(c, sig));
    // ssh2 passes the exit status to 'close' too; 'exit' alone can fire before our listener is attached
    // (the exec callback resolves a promise, a tick after the packets were parsed).
    channel.on('close', (c?: number | null, sig?: string) => this.onClose(c, sig));
    client.once('close', this.onClientGone);
    client.on('error', this.onClientError);
    this.run.start();
    // A quick command may be over (its channel closed by the server, its 'close' still to come) before we
    // get here: writing to or ending a destroyed channel only builds an error object (with a stack) that
    // nothing reads, for every such exec. ssh2's own destroy ends the channel without marking it destroyed.
    if (!this.driver && !channel.destroyed && !channel.writableEnded) {
      if (this.opts.stdin !== undefined && this.opts.stdin.length > 0) channel.write(this.opts.stdin);
      channel.end();
    }
  }

  private onData(d: Buffer): void {
    if (this.driver && this.ptyOut && !this.driver.succeeded) {
      const rest = this.driver.filter(d.toString('utf8'));
      if (rest) this.onPtyText(rest);
      return;
    }
    if (this.ptyOut && this.pg.pgid === undefined) return this.onPtyText(d.toString('utf8'));
    this.out.add(d);
  }

  private onPtyText(s: string): void {
    const rest = this.pg.filter(s);
    if (rest) this.out.addText(rest);
    this.pgidSeen();
  }

  private onStderr(d: Buffer): void {
    const s = this.errDec.write(d);
    const t = this.driver ? this.driver.filter(s) : s;
    if (this.ptyOut) return this.err.addText(t);
    this.err.addText(this.pg.filter(t));
    this.pgidSeen();
  }

  private pgidSeen(): void {
    if (this.pg.loginShell !== undefined && !loginShellIsSh.has(this.t.client))
      loginShellIsSh.set(this.t.client, this.pg.loginShell === '/bin/sh');
    if (this.pg.pgid !== undefined) this.onPgid?.();
  }

  private onExit(c: number | null | undefined, sig?: string): void {
    this.exit =
      typeof c === 'number'
        ? { code: c, signal: null }
        : { code: null, signal: sig ? `SIG${String(sig).replace(/^SIG/, '')}` : 'SIGKILL' };
  }

  private onClose(c?: number | null, sig?: string): void {
    this.channelClosed = true;
    this.onPgid?.();
    if (!this.exit && c !== undefined) this.onExit(c, sig);
    this.t.release();
    this.run.exited();
  }

  private readonly onClientGone = (): void => {
    this.clientGone = true;
    this.t.channel.destroy();
  };

  private readonly onClientError = (err: Error & { level?: string }): void => {
    this.lostReason = /keepalive/i.test(err.message)
      ? 'the server stopped answering: no reply to keepalives (ServerAliveInterval × ServerAliveCountMax)'
      : err.message;
  };

  /**
   * Timeout or Ctrl-C: the command's process group is killed from a second channel (OpenSSH ignores a
   * client's signal requests, and closing the channel does not stop the command).
   */
  private async stop(): Promise<string | undefined> {
    const { channel, release } = this.t;
    if ((this.opts as InternalExecOptions).noStop) {
      channel.signal('KILL');
      channel.close();
      return undefined;
    }
    const why = await this.stopRemote();
    if (!this.channelClosed) {
      // Killed, but something outside the group (a daemonized child) may hold the channel open.
      channel.close();
      setTimeout(release, 5000).unref();
    }
    return why;
  }

  private async stopRemote(): Promise<string | undefined> {
    const { channel, host, client, sessions, release } = this.t;
    if (this.pg.pgid === undefined && !this.channelClosed) {
      // Just started (or still escalating): give its group id a moment to arrive.
      await new Promise<void>((r) => {
        const t = setTimeout(r, PGID_WAIT_MS);
        this.onPgid = () => {
          clearTimeout(t);
          r();
        };
      });
      this.onPgid = undefined;
    }
    if (this.channelClosed) return undefined;
    if (this.pg.pgid === undefined) {
      channel.signal('KILL');
      channel.close();
      return this.driver && !this.driver.succeeded ? undefined : 'it did not report its process group';
    }
    // Our slot may be the last one sshd grants (MaxSessions): the kill must be able to open its channel.
    release();
    return killGroup(host, client, sessions, this.pg.pgid, this.opts.become);
  }

  private settle(end: CommandEnd): void {
    const { host, client } = this.t;
    const { resolve, reject } = this.done;
    client.removeListener('close', this.onClientGone);
    client.removeListener('error', this.onClientError);
    const notStopped = end.stopFailed
      ? `the remote command may still be running on the host (${end.stopFailed}): ${firstLine(this.display)}`
      : undefined;
    if (end.interrupted) return reject(abortError(notStopped));
    if (end.timedOut && notStopped && this.clientGone) {
      return reject(
        new ChannelLostError(
          host,
          `timed out after ${this.opts.timeoutMs} ms and could not be stopped; ${notStopped}`,
          { hint: 'check the host for the leftover process before re-running' },
        ),
      );
    }
    const durationMs = Date.now() - this.started;
    if (this.driver && !this.driver.succeeded && !end.timedOut) {
      try {
        this.driver.finish();
      } catch (e) {
        (e as Error).message = `${host}: ${(e as Error).message}`;
        return reject(e);
      }
    }
    if (!this.exit && !end.timedOut && !this.abortReason) {
      const lost = this.lostReason ? `${this.lostReason}; ` : '';
      return reject(
        new ChannelLostError(
          host,
          `connection lost while running: ${firstLine(this.display)} (${lost}it may or may not have completed, and may still be running on the host)`,
          {
            hint: 'the task is failed and not retried because it may have changed something; check the host and re-run',
          },
        ),
      );
    }
    if (!this.ptyOut) this.err.addText(this.pg.flush());
    else if (this.pg.pgid === undefined) this.out.addText(this.pg.flush());
    // Timed out, the connection lives, but the kill did not work: say so where the task's output goes.
    if (end.timedOut && notStopped) {
      const sep = this.err.length ? '\n' : '';
      this.err.addText(`${sep}remediate: timed out and could not be stopped; ${notStopped}\n`);
    }
    resolve({
      stdout: this.out.bytes(),
      stderr: this.err.text() + this.errDec.end(),
      code: end.timedOut ? null : (this.exit?.code ?? null),
      signal: end.timedOut ? 'SIGKILL' : (this.exit?.signal ?? null),
      durationMs,
      ...(end.timedOut ? { timedOut: true } : {}),
      ...(this.out.truncated || this.err.truncated ? { truncated: true } : {}),
    });
  }
}
