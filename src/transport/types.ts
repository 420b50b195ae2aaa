/**
 * The transport interface: how the engine reaches a host. Implemented by `local` (src/transport/local.ts)
 * and `ssh` (src/transport/ssh.ts). Modules never see a transport directly: they go through the
 * ModuleContext, which adds become, environment and logging.
 */
import type { ExecCommand, Secret } from '../command';

export interface BecomeOptions {
  method: 'sudo' | 'su';
  /** Target user; default root. */
  user: string;
  /** Fed on stdin, never on the command line. */
  password?: Secret;
  /** Extra flags for the become method, e.g. `-H -S -n`. */
  flags?: string;
}

export interface ExecOptions {
  /** Fed to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Exported in the environment of the command. */
  env?: Record<string, string>;
  /** Working directory (`cd DIR &&` before the command). */
  cwd?: string;
  become?: BecomeOptions;
  /**
   * Kill the command (its whole process group) after this long; the result then has `timedOut: true`.
   * ssh: when the connection is gone before the kill, exec rejects (ChannelLostError) saying the command
   * may still be running.
   */
  timeoutMs?: number;
  /** Cap of captured bytes per stream (default 16 MiB); beyond it output is dropped and `truncated` set. */
  maxOutput?: number;
  /** Live output, for `-v`. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /**
   * The run's abort (Ctrl-C): when it fires the command is stopped (local: its process group is killed;
   * ssh: its process group is killed from a second channel, with the same become) and exec rejects with
   * an error named 'AbortError' (its message says so when the command may still be running).
   */
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: string | null;
  durationMs: number;
  timedOut?: boolean;
  truncated?: boolean;
}

export interface PutOptions {
  mode?: number;
  owner?: string;
  group?: string;
  become?: BecomeOptions;
}

export interface PutResult {
  /** False when the remote file already had this exact content (SHA-256) and mode/owner: nothing written. */
  changed: boolean;
  sha256: string;
}

export interface Transport {
  /** The inventory hostname this transport serves. */
  readonly host: string;
  /** Open the connection (idempotent). Throws ConnectError when the host cannot be reached. */
  connect(): Promise<void>;
  /** Run a command through `/bin/sh -c` on the target. A non-zero exit is a result, not an exception. */
  exec(cmd: ExecCommand, opts?: ExecOptions): Promise<ExecResult>;
  /** Write a file atomically: temp file in the destination directory, mode/owner, then rename. */
  put(remotePath: string, content: Buffer, opts?: PutOptions): Promise<PutResult>;
  /** Read a whole file. Throws when it does not exist or cannot be read. */
  get(remotePath: string, opts?: { become?: BecomeOptions }): Promise<Buffer>;
  /**
   * `wait: false`: tell the host the connection is over and free it at once, without waiting for the
   * host's side to close (for a process about to exit).
   */
  close(opts?: { wait?: boolean }): Promise<void>;
  /**
   * Drop the connection and open a fresh one, forgetting an earlier connection failure: a host that went
   * away on purpose (reboot, wait_for_connection). Throws ConnectError when it cannot be reached now; a later
   * call tries again. Optional: transports without a connection (local) leave it out.
   */
  reconnect?(): Promise<void>;
}

/** What a transport needs to know about a host: its resolved variables (ansible_host, ansible_port ...). */
export interface TransportHost {
  name: string;
  vars: Record<string, unknown>;
}

export type TransportFactory = (host: TransportHost) => Transport;
