/**
 * The `ssh` transport of one host: one ssh2 connection for the whole run (from the factory's pool),
 * commands as channels on it, files over SFTP on the same connection. A connection that drops between
 * tasks is reopened once for the next task; a host that cannot be reached stays unreachable for the rest
 * of the run (every call fails fast with the first reason). A command whose channel died is failed with
 * the reason and never retried.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import type { ExecCommand } from '../command';
import { ConnectError } from '../errors';
import { checkSshArgs, resolveSshEndpoint, type SshEndpoint } from './ssh-config';
import { ChannelLostError, execOnChannel, openSession, type RawExecResult } from './ssh-exec';
import { endClient, Gate, type SshPool } from './ssh-pool';
import { getFile, putFile, TransferError, type SftpSession, type TransferHost } from './ssh-transfer';
import type {
  BecomeOptions,
  ExecOptions,
  ExecResult,
  PutOptions,
  PutResult,
  Transport,
  TransportHost,
} from './types';

/** ssh-arg warnings already given, per pool. */
const sshArgWarnings = new WeakMap<object, Set<string>>();

export class SshTransport implements Transport, TransferHost {
  readonly host: string;
  private endpoint?: SshEndpoint;
  private conn?: Client;
  private connecting?: Promise<Client>;
  private sessions: Gate;
  private everConnected = false;
  private reconnectAllowed = false;
  private dead?: ConnectError;
  private noSftp = false;

  constructor(
    private readonly th: TransportHost,
    private readonly pool: SshPool,
  ) {
    this.host = th.name;
    this.sessions = new Gate(pool.opts.maxSessions ?? 10);
  }

  /** Where this host is reached (resolved lazily: ssh_config errors surface at connect time). */
  resolve(): SshEndpoint {
    if (!this.endpoint) {
      this.endpoint = resolveSshEndpoint(this.th.name, this.th.vars, this.pool.opts);
      this.warnSshArgs();
    }
    return this.endpoint;
  }

  /**
   * `ansible_ssh_common_args` / `ansible_ssh_extra_args` options the transport does not honour: a warning
   * (once per pool and text; the command-line options are refused outright, inventory values only warned
   * about so that an inventory shared with Ansible still runs).
   */
  private warnSshArgs(): void {
    const warned = sshArgWarnings.get(this.pool) ?? new Set<string>();
    sshArgWarnings.set(this.pool, warned);
    for (const v of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
      const args = this.th.vars[v];
      if (typeof args !== 'string' || args.trim() === '') continue;
      const { problems } = checkSshArgs(args);
      if (!problems.length) continue;
      const msg = `${v} "${args}": ${problems.join('; ')}; ignored`;
      if (warned.has(msg)) continue;
      warned.add(msg);
      this.pool.opts.onWarning?.(`${this.host}: ${msg}`);
    }
  }

  async connect(): Promise<void> {
    await this.client();
  }

  async client(): Promise<Client> {
    if (this.conn) return this.conn;
    if (this.dead) throw this.dead;
    if (!this.connecting) {
      if (this.everConnected) {
        if (!this.reconnectAllowed)
          throw new ConnectError(this.host, 'connection lost and already reconnected once');
        this.reconnectAllowed = false;
        this.pool.opts.onWarning?.(`${this.host}: connection lost; reconnecting once`);
      }
      this.connecting = (async () => {
        try {
          const c = await this.pool.connect(this.host, this.resolve());
          this.conn = c;
          this.everConnected = true;
          this.sessions = new Gate(this.sessions.limit);
          const gone = () => {
            if (this.conn !== c) return;
            this.conn = undefined;
            // One reconnection per drop, for the next task.
            this.reconnectAllowed = true;
          };
          c.on('close', gone);
          c.on('error', gone);
          return c;
        } catch (e) {
          if (e instanceof ConnectError) this.dead = e;
          throw e;
        } finally {
          this.connecting = undefined;
        }
      })();
    }
    return this.connecting;
  }

  async execRaw(cmd: ExecCommand, opts: ExecOptions = {}): Promise<RawExecResult> {
    const c = await this.client();
    try {
      return await execOnChannel(this.host, c, this.sessions, cmd, opts);
    } catch (e) {
      if (e instanceof ChannelLostError && this.conn === c) {
        // The connection is probably gone; make sure the next task reconnects instead of reusing it.
        c.end();
      }
      throw e;
    }
  }

  async exec(cmd: ExecCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.execRaw(cmd, opts);
    return { ...r, stdout: r.stdout.toString('utf8') };
  }

  async sftp(): Promise<SftpSession | undefined> {
    if (this.noSftp) return undefined;
    const c = await this.client();
    let opened: { value: SFTPWrapper; release: () => void };
    try {
      opened = await openSession(
        this.sessions,
        () =>
          new Promise<SFTPWrapper>((resolve, reject) => c.sftp((err, s) => (err ? reject(err) : resolve(s)))),
      );
    } catch (e) {
      // No subsystem, or an sftp-server that cannot start: transfers go through exec (slower, as atomic).
      if (/subsystem|sftp/i.test((e as Error).message)) {
        this.noSftp = true;
        this.pool.opts.debug?.(`${this.host}: no SFTP subsystem, using exec-based transfer`);
        return undefined;
      }
      const msg = `cannot open an SFTP session: ${(e as Error).message}`;
      // With the connection alive only this transfer failed; without it the host is unreachable.
      if (this.conn === c)
        throw new TransferError(`${this.host}: ${msg}`, {
          hint: 'the target file was left untouched; check the sftp-server of the host (Subsystem sftp)',
          cause: e,
        });
      throw new ChannelLostError(this.host, msg, { cause: e });
    }
    const { value: sftp, release } = opened;
    let done = false;
    // ssh2 leaves SFTP callbacks pending when the connection dies: callers race this promise.
    let lost = (): void => undefined;
    const gone = new Promise<never>((_, reject) => {
      lost = () =>
        reject(
          new ChannelLostError(
            this.host,
            this.conn === c
              ? 'the SFTP session closed during the file transfer (sftp-server ended?)'
              : 'connection lost during the file transfer',
          ),
        );
      sftp.once('close', lost);
      c.once('close', lost);
    });
    gone.catch(() => undefined);
    return {
      sftp,
      gone,
      release: () => {
        if (done) return;
        done = true;
        c.removeListener('close', lost);
        // The slot is free once the server closed the session (it counts it until then).
        const timer = setTimeout(release, 2000);
        sftp.once('close', () => {
          clearTimeout(timer);
          release();
        });
        sftp.end();
      },
    };
  }

  put(remotePath: string, content: Buffer, opts?: PutOptions): Promise<PutResult> {
    return putFile(this, remotePath, content, opts);
  }

  get(remotePath: string, opts?: { become?: BecomeOptions }): Promise<Buffer> {
    return getFile(this, remotePath, opts?.become);
  }

  /** Close, forget a failed connection, and connect again (a rebooted host). Throws ConnectError if down. */
  async reconnect(): Promise<void> {
    await this.close();
    this.dead = undefined;
    this.noSftp = false;
    await this.client();
  }

  /** Close the connection. A later call opens a fresh one (meta: reset_connection), until the pool closes. */
  async close(opts: { wait?: boolean } = {}): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    this.everConnected = false;
    this.reconnectAllowed = false;
    if (!c) return;
    await endClient(c, opts);
  }
}
