/**
 * File transfer on the host's connection. `put`: compare the remote SHA-256 (and mode/owner) first and
 * skip when equal; otherwise upload to a temp file in the destination directory, set mode/owner, then
 * rename over the target — an interrupted upload leaves the old file intact. SFTP when the server has
 * the subsystem, exec (`cat > tmp`) otherwise. With become, the SFTP upload goes to a private temp file
 * of the login user, then the escalated shell copies it next to the target and renames it into place.
 * `get`: SFTP read, or `cat` through exec (with become, or without SFTP).
 */
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { quote, script } from '../command';
import { CommandError, ExitCode, RemediateError } from '../errors';
import type { RawExecResult } from './ssh-exec';
import type { BecomeOptions, ExecOptions, PutOptions, PutResult } from './types';
import type { ExecCommand } from '../command';

export interface TransferHost {
  host: string;
  client(): Promise<Client>;
  execRaw(cmd: ExecCommand, opts?: ExecOptions): Promise<RawExecResult>;
  /** Open an SFTP session (counted as a channel); undefined when the server has no SFTP subsystem. */
  sftp(): Promise<SftpSession | undefined>;
}

export interface SftpSession {
  sftp: SFTPWrapper;
  /** Rejects when the session or the connection is gone (ssh2 would leave callbacks pending). */
  gone: Promise<never>;
  release: () => void;
}

/** A file transfer failed (the target file is left as it was): the task fails. */
export class TransferError extends RemediateError {
  override exitCode: ExitCode = ExitCode.TASK_FAILED;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

interface RemoteState {
  exists: boolean;
  sha256?: string;
  mode?: number;
  owner?: string;
  group?: string;
}

async function remoteState(h: TransferHost, path: string, become?: BecomeOptions): Promise<RemoteState> {
  const p = quote(path);
  const cmd = script(
    `if [ -f ${p} ]; then { sha256sum ${p} 2>/dev/null || openssl dgst -sha256 -r ${p}; } | cut -c1-64; ` +
      `stat -c '%a %U %G' ${p} 2>/dev/null || stat -f '%Lp %Su %Sg' ${p}; else echo ABSENT; fi`,
  );
  const r = await h.execRaw(cmd, { become });
  if (r.code !== 0) throw new CommandError(h.host, cmd.display, r.code, r.signal, r.stderr, r.durationMs);
  const lines = r.stdout.toString().trim().split('\n');
  if (lines[0] === 'ABSENT') return { exists: false };
  const [mode, owner, group] = (lines[1] ?? '').split(' ');
  return { exists: true, sha256: lines[0]?.trim(), mode: mode ? parseInt(mode, 8) : undefined, owner, group };
}

function sftpCall<T>(
  fn: (cb: (err: Error | null | undefined, v?: T) => void) => void,
  gone?: Promise<never>,
): Promise<T> {
  const p = new Promise<T>((resolve, reject) =>
    fn((err, v) => {
      if (!err) return resolve(v as T);
      if (!gone || !/No response from server/i.test(err.message)) return reject(err);
      // ssh2 fails pending requests this way when the session closes: report why it closed instead.
      gone.catch(reject);
      setTimeout(() => reject(err), 200).unref();
    }),
  );
  return gone ? Promise.race([p, gone]) : p;
}

async function sftpWrite(session: SftpSession, path: string, content: Buffer, mode: number): Promise<void> {
  const { sftp, gone } = session;
  const handle = await sftpCall<Buffer>((cb) => sftp.open(path, 'w', { mode }, cb), gone);
  try {
    const chunk = 32 * 1024;
    // Pipeline a few writes at a time: a round trip per 32 KiB is slow over a bastion.
    let pos = 0;
    const inflight = new Set<Promise<void>>();
    while (pos < content.length) {
      const at = pos;
      const len = Math.min(chunk, content.length - pos);
      pos += len;
      const p = sftpCall<void>((cb) => sftp.write(handle, content, at, len, at, cb), gone).finally(() =>
        inflight.delete(p),
      );
      inflight.add(p);
      if (inflight.size >= 16) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } finally {
    await sftpCall<void>((cb) => sftp.close(handle, cb), gone).catch(() => undefined);
  }
}

/** Upload `content` to `dest` atomically. */
export async function putFile(
  h: TransferHost,
  dest: string,
  content: Buffer,
  opts: PutOptions = {},
): Promise<PutResult> {
  const sum = sha256(content);
  const st = await remoteState(h, dest, opts.become);
  const wantMode = opts.mode ?? (st.exists ? st.mode : 0o644);
  const sameContent = st.exists && st.sha256 === sum;
  const modeOk = opts.mode === undefined || st.mode === opts.mode;
  const ownerOk =
    (opts.owner === undefined || st.owner === opts.owner) &&
    (opts.group === undefined || st.group === opts.group);
  if (sameContent && modeOk && ownerOk) return { changed: false, sha256: sum };

  const dir = posix.dirname(dest);
  const tmp = posix.join(dir, `.remediate-${randomBytes(6).toString('hex')}.tmp`);
  const own =
    opts.owner || opts.group ? `${opts.owner ?? ''}${opts.group ? ':' + opts.group : ''}` : undefined;
  const finish = (src: string) =>
    [
      wantMode !== undefined ? `chmod ${wantMode.toString(8)} ${quote(src)}` : '',
      own ? `chown ${quote(own)} ${quote(src)}` : '',
      `mv -f ${quote(src)} ${quote(dest)}`,
    ]
      .filter(Boolean)
      .join(' && ');
  const run = async (text: string, become?: BecomeOptions, stdin?: Buffer) => {
    const cmd = script(text);
    const r = await h.execRaw(cmd, { become, stdin });
    if (r.code !== 0) throw new CommandError(h.host, cmd.display, r.code, r.signal, r.stderr, r.durationMs);
  };

  if (sameContent) {
    // Only metadata differs: no need to rewrite the content.
    const parts = [
      wantMode !== undefined && !modeOk ? `chmod ${wantMode.toString(8)} ${quote(dest)}` : '',
      own && !ownerOk ? `chown ${quote(own)} ${quote(dest)}` : '',
    ].filter(Boolean);
    await run(parts.join(' && '), opts.become);
    return { changed: true, sha256: sum };
  }

  const session = await h.sftp();
  if (!session) {
    // No SFTP subsystem: stream the content through `cat` into the temp file, then finish.
    await run(
      // the digest check: stdin cut short (controller killed, link dropped) must not put a torn file in place
      `umask 077 && cat > ${quote(tmp)} && [ "$(sha256sum < ${quote(tmp)} | cut -d' ' -f1)" = ${sum} ] && ${finish(tmp)} || { rc=$?; rm -f ${quote(tmp)}; exit $rc; }`,
      opts.become,
      content,
    );
    return { changed: true, sha256: sum };
  }
  try {
    if (!opts.become) {
      await uploadOrClean(h, session, tmp, content, dest, '; check the directory exists and is writable');
      session.release();
      await run(`${finish(tmp)} || { rc=$?; rm -f ${quote(tmp)}; exit $rc; }`);
    } else {
      const stage = `/tmp/.remediate-${randomBytes(6).toString('hex')}.upload`;
      await uploadOrClean(h, session, stage, content, dest, '');
      session.release();
      const s = quote(stage);
      await run(
        `umask 077 && cat ${s} > ${quote(tmp)} && rm -f ${s} && ${finish(tmp)} || { rc=$?; rm -f ${quote(tmp)} ${s}; exit $rc; }`,
        opts.become,
      );
    }
  } finally {
    session.release();
  }
  return { changed: true, sha256: sum };
}

/** Read a whole remote file. */
export async function getFile(h: TransferHost, path: string, become?: BecomeOptions): Promise<Buffer> {
  if (!become) {
    const session = await h.sftp();
    if (session) {
      try {
        return await sftpCall<Buffer>((cb) => session.sftp.readFile(path, cb), session.gone);
      } catch (e) {
        throw new TransferError(`${h.host}: cannot read ${path}: ${(e as Error).message}`, {
          hint: 'check the path and its permissions (or use become)',
          cause: e,
        });
      } finally {
        session.release();
      }
    }
  }
  const cmd = script(`cat ${quote(path)}`);
  const r = await h.execRaw(cmd, { become });
  if (r.code !== 0) throw new CommandError(h.host, cmd.display, r.code, r.signal, r.stderr, r.durationMs);
  return r.stdout;
}

/** Write `content` to `path` (mode 0600) over SFTP; on failure remove the partial file and say so. */
async function uploadOrClean(
  h: TransferHost,
  session: SftpSession,
  path: string,
  content: Buffer,
  dest: string,
  hintMore: string,
): Promise<void> {
  try {
    await sftpWrite(session, path, content, 0o600);
  } catch (e) {
    // The SFTP session may be what died: then the partial file goes through a command channel.
    await sftpCall<void>((cb) => session.sftp.unlink(path, cb), session.gone).catch(() =>
      h.execRaw(script(`rm -f ${quote(path)}`)).catch(() => undefined),
    );
    const why = (e as Error).message;
    const own = why.startsWith(`${h.host}: `) ? why.slice(h.host.length + 2) : why;
    throw new TransferError(`${h.host}: upload of ${dest} failed: ${own}`, {
      hint: `the target file was left untouched${hintMore}`,
      cause: e,
    });
  }
}
