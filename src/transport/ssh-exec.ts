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
import { execCommand, quote, type ExecCommand } from '../command';
import { ConnectError } from '../errors';
import { BecomeDriver, prepareScript, wrapBecome } from './become';
import type { Gate } from './ssh-pool';
import { KILL_NOT_PERMITTED, killGroupScript, pgidPrelude, PgidLine } from './ssh-process-group';
import type { ExecOptions, ExecResult } from './types';

/** ExecResult with stdout as bytes (binary-safe for transfers). */
export type RawExecResult = Omit<ExecResult, 'stdout'> & { stdout: Buffer };

/** The channel or the connection died before the command reported its exit: it may have run. */
export class ChannelLostError extends ConnectError {}

const DEFAULT_CAP = 16 * 1024 * 1024;

/** What an exec interrupted by the run's abort rejects with (as the local transport does). */
export function abortError(detail?: string): Error {
  const e = new Error(detail ? `interrupted; ${detail}` : 'interrupted');
  e.name = 'AbortError';
  return e;
}

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

/** Run a command on a channel of `client`. Non-zero exit is a result; a lost channel is a ChannelLostError. */
export async function execOnChannel(
  host: string,
  client: Client,
  sessions: Gate,
  cmd: ExecCommand,
  opts: ExecOptions = {},
): Promise<RawExecResult> {
  const started = Date.now();
  const inner = execCommand(
    pgidPrelude(!!opts.become) + prepareScript(cmd.script, opts),
    prepareScript(cmd.display, opts),
  );
  const wrapped = opts.become ? wrapBecome(inner, opts.become) : undefined;
  const script = wrapped ? wrapped.command.script : inner.script;
  const display = wrapped ? wrapped.command.display : inner.display;
  // `exec`: the login shell sshd started (as the leader of a new session) becomes our shell, so its `$$`
  // is the command's process group (see pgidPrelude), and one fork less.
  const commandLine = `exec /bin/sh -c ${quote(script)}`;
  if (opts.signal?.aborted) throw abortError();
  const { channel, release } = await openChannel(host, client, sessions, commandLine, !!wrapped?.needsPty);
  const cap = opts.maxOutput ?? DEFAULT_CAP;
  return new Promise<RawExecResult>((resolve, reject) => {
    const out: Buffer[] = [];
    let outBytes = 0;
    let errText = '';
    let truncated = false;
    let code: number | null = null;
    let signal: string | null = null;
    let exited = false;
    let timedOut = false;
    let abortReason: string | undefined;
    const outDec = new StringDecoder('utf8');
    const errDec = new StringDecoder('utf8');
    // The command's group id line: on stderr, or in the merged output of a pty (su with a password).
    const pg = new PgidLine();
    const ptyOut = !!wrapped?.needsPty;
    const driver = wrapped
      ? new BecomeDriver(wrapped, opts.become!.password, opts.stdin, {
          write: (d) => channel.write(d),
          end: () => channel.end(),
          abort: (reason) => {
            abortReason = reason;
            channel.signal('KILL');
            channel.close();
          },
        })
      : undefined;
    const onErrText = (s: string) => {
      if (!s) return;
      if (errText.length + s.length > cap) {
        truncated = true;
        s = s.slice(0, Math.max(0, cap - errText.length));
      }
      errText += s;
      opts.onStderr?.(s);
    };
    const onOutText = (buf: Buffer) => {
      if (outBytes + buf.length > cap) {
        truncated = true;
        buf = buf.subarray(0, Math.max(0, cap - outBytes));
      }
      outBytes += buf.length;
      out.push(buf);
      if (opts.onStdout) opts.onStdout(outDec.write(buf));
    };
    const onPtyText = (s: string) => {
      const rest = pg.filter(s);
      if (rest) onOutText(Buffer.from(rest));
      pgidSeen();
    };
    channel.on('data', (d: Buffer) => {
      if (driver && ptyOut && !driver.succeeded) {
        const rest = driver.filter(d.toString('utf8'));
        if (rest) onPtyText(rest);
        return;
      }
      if (ptyOut && pg.pgid === undefined) return onPtyText(d.toString('utf8'));
      onOutText(d);
    });
    channel.stderr.on('data', (d: Buffer) => {
      const s = errDec.write(d);
      const t = driver ? driver.filter(s) : s;
      if (ptyOut) return onErrText(t);
      onErrText(pg.filter(t));
      pgidSeen();
    });
    channel.on('exit', (c: number | null, sig?: string) => {
      exited = true;
      if (typeof c === 'number') code = c;
      else {
        code = null;
        signal = sig ? `SIG${String(sig).replace(/^SIG/, '')}` : 'SIGKILL';
      }
    });
    let settled = false;
    let closed = false;
    // A stop (timeout or abort) in progress: the result waits for it. `stopFailed`: why it could not.
    let stopping: 'no' | 'running' | 'done' = 'no';
    let stopFailed: string | undefined;
    let onPgid: (() => void) | undefined;
    const pgidSeen = () => {
      if (pg.pgid !== undefined) onPgid?.();
    };
    const stopRemote = async (): Promise<string | undefined> => {
      if (pg.pgid === undefined && !closed) {
        // Just started (or still escalating): give its group id a moment to arrive.
        await new Promise<void>((r) => {
          const t = setTimeout(r, PGID_WAIT_MS);
          onPgid = () => {
            clearTimeout(t);
            r();
          };
        });
        onPgid = undefined;
      }
      if (closed) return undefined;
      if (pg.pgid === undefined) {
        channel.signal('KILL');
        channel.close();
        return driver && !driver.succeeded ? undefined : 'it did not report its process group';
      }
      // Our slot may be the last one sshd grants (MaxSessions): the kill must be able to open its channel.
      release();
      return killGroup(host, client, sessions, pg.pgid, opts.become);
    };
    const stop = (): void => {
      if (stopping !== 'no') return;
      stopping = 'running';
      if ((opts as InternalExecOptions).noStop) {
        channel.signal('KILL');
        channel.close();
        stopping = 'done';
        return finish();
      }
      void stopRemote().then((why) => {
        stopFailed = why;
        stopping = 'done';
        if (!closed) {
          // Killed, but something outside the group (a daemonized child) may hold the channel open.
          channel.close();
          setTimeout(release, 5000).unref();
        }
        finish();
      });
    };
    const finish = (): void => {
      if (settled || stopping === 'running') return;
      settled = true;
      if (timer) clearTimeout(timer);
      client.removeListener('close', onClientGone);
      client.removeListener('error', onClientError);
      opts.signal?.removeEventListener('abort', onAbort);
      const notStopped = stopFailed
        ? `the remote command may still be running on the host (${stopFailed}): ${firstLine(display)}`
        : undefined;
      if (interrupted) return reject(abortError(notStopped));
      if (timedOut && notStopped && clientGone) {
        return reject(
          new ChannelLostError(
            host,
            `timed out after ${opts.timeoutMs} ms and could not be stopped; ${notStopped}`,
            {
              hint: 'check the host for the leftover process before re-running',
            },
          ),
        );
      }
      const durationMs = Date.now() - started;
      if (driver && !driver.succeeded && !timedOut) {
        try {
          driver.finish();
        } catch (e) {
          (e as Error).message = `${host}: ${(e as Error).message}`;
          return reject(e);
        }
      }
      if (!exited && !timedOut && !abortReason) {
        return reject(
          new ChannelLostError(
            host,
            `connection lost while running: ${firstLine(display)} (${lostReason ? `${lostReason}; ` : ''}it may or may not have completed, and may still be running on the host)`,
            {
              hint: 'the task is failed and not retried because it may have changed something; check the host and re-run',
            },
          ),
        );
      }
      if (!ptyOut) onErrText(pg.flush());
      else if (pg.pgid === undefined) {
        const held = pg.flush();
        if (held) onOutText(Buffer.from(held));
      }
      // Timed out, the connection lives, but the kill did not work: say so where the task's output goes.
      if (timedOut && notStopped)
        onErrText(`${errText ? '\n' : ''}remediate: timed out and could not be stopped; ${notStopped}\n`);
      resolve({
        stdout: Buffer.concat(out),
        stderr: errText + errDec.end(),
        code: timedOut ? null : code,
        signal: timedOut ? 'SIGKILL' : signal,
        durationMs,
        ...(timedOut ? { timedOut: true } : {}),
        ...(truncated ? { truncated: true } : {}),
      });
    };
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, opts.timeoutMs)
        : undefined;
    // Ctrl-C: the command's process group is killed from a second channel (OpenSSH ignores a client's
    // signal requests, and closing the channel does not stop the command), then exec rejects.
    let interrupted = false;
    const onAbort = () => {
      if (settled) return;
      interrupted = true;
      stop();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted while the channel was opening: the command may have started, stop it.
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    let clientGone = false;
    const onClientGone = () => {
      clientGone = true;
      channel.destroy();
    };
    client.once('close', onClientGone);
    let lostReason: string | undefined;
    const onClientError = (err: Error & { level?: string }) => {
      lostReason = /keepalive/i.test(err.message)
        ? 'the server stopped answering: no reply to keepalives (ServerAliveInterval × ServerAliveCountMax)'
        : err.message;
    };
    client.on('error', onClientError);
    // ssh2 passes the exit status to 'close' too; 'exit' alone can fire before our listener is attached
    // (the exec callback resolves a promise, a tick after the packets were parsed).
    channel.on('close', (c?: number | null, sig?: string) => {
      closed = true;
      onPgid?.();
      if (!exited && c !== undefined) {
        exited = true;
        code = typeof c === 'number' ? c : null;
        if (c === null) signal = sig ? `SIG${String(sig).replace(/^SIG/, '')}` : 'SIGKILL';
      }
      release();
      finish();
    });
    if (!driver) {
      if (opts.stdin !== undefined && opts.stdin.length > 0) channel.write(opts.stdin);
      channel.end();
    }
  });
}
