/**
 * Running one command as a channel on an open ssh2 connection: `/bin/sh -c SCRIPT` (environment and
 * chdir inside the script, since sshd only accepts the AcceptEnv list), stdin, stdout/stderr captured
 * separately with a size cap and streamed live, timeouts, become (sudo/su) through the BecomeDriver.
 * Channels are counted per connection; when sshd refuses one (MaxSessions) the limit is lowered to what
 * the server accepted and the command waits for a free slot instead of failing.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import { execCommand, quote, type ExecCommand } from '../command';
import { ConnectError } from '../errors';
import { BecomeDriver, prepareScript, wrapBecome } from './become';
import type { Gate } from './ssh-pool';
import type { ExecOptions, ExecResult } from './types';

/** ExecResult with stdout as bytes (binary-safe for transfers). */
export type RawExecResult = Omit<ExecResult, 'stdout'> & { stdout: Buffer };

/** The channel or the connection died before the command reported its exit: it may have run. */
export class ChannelLostError extends ConnectError {}

const DEFAULT_CAP = 16 * 1024 * 1024;

/** What an exec interrupted by the run's abort rejects with (as the local transport does). */
export function abortError(): Error {
  const e = new Error('interrupted');
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

/** Run a command on a channel of `client`. Non-zero exit is a result; a lost channel is a ChannelLostError. */
export async function execOnChannel(
  host: string,
  client: Client,
  sessions: Gate,
  cmd: ExecCommand,
  opts: ExecOptions = {},
): Promise<RawExecResult> {
  const started = Date.now();
  const inner = execCommand(prepareScript(cmd.script, opts), prepareScript(cmd.display, opts));
  const wrapped = opts.become ? wrapBecome(inner, opts.become) : undefined;
  const script = wrapped ? wrapped.command.script : inner.script;
  const display = wrapped ? wrapped.command.display : inner.display;
  const commandLine = `/bin/sh -c ${quote(script)}`;
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
    channel.on('data', (d: Buffer) => {
      if (driver && wrapped!.needsPty && !driver.succeeded) {
        const rest = driver.filter(d.toString('utf8'));
        if (rest) onOutText(Buffer.from(rest));
        return;
      }
      onOutText(d);
    });
    channel.stderr.on('data', (d: Buffer) => {
      const s = errDec.write(d);
      onErrText(driver ? driver.filter(s) : s);
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
    const finish = (): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      client.removeListener('close', onClientGone);
      client.removeListener('error', onClientError);
      opts.signal?.removeEventListener('abort', onAbort);
      if (interrupted) return reject(abortError());
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
            `connection lost while running: ${display} (${lostReason ? `${lostReason}; ` : ''}it may or may not have completed)`,
            {
              hint: 'the task is failed and not retried because it may have changed something; check the host and re-run',
            },
          ),
        );
      }
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
            channel.signal('KILL');
            channel.close();
            // Children of the killed shell may keep the channel open: report now, free the slot on close
            // (or after a grace period, as sshd then counts the session as gone for us anyway).
            finish();
            setTimeout(release, 5000).unref();
          }, opts.timeoutMs)
        : undefined;
    // Ctrl-C: exec rejects at once and the channel is closed after asking for SIGINT. OpenSSH 9 ignores
    // signal requests from clients here (as for the timeout's KILL): the remote command may run on.
    let interrupted = false;
    const onAbort = () => {
      interrupted = true;
      channel.signal('INT');
      finish();
      setTimeout(() => channel.close(), 200).unref();
      setTimeout(release, 5000).unref();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const onClientGone = () => channel.destroy();
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
