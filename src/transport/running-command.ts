/**
 * A command while it runs, shared by the SSH and the local transport: its output captured under a byte
 * cap (and streamed live), its timeout, the run's abort, and the stop both trigger — a small state machine:
 *
 *   starting ──start()──► running ──exited()─────────────────────────────► done ──► settle(end)
 *                            │                                         ▲
 *                            └──timeout / abort──► stopping ──stop()───┘ (resolves: stopped, or why not)
 *
 * While stopping, the command's own end (`exited()`) is only noted: the result waits for the stop, so
 * an interrupted or timed-out command is never reported before its process group was dealt with. Each
 * transport supplies how to stop (kill the remote group from a second channel; kill the local group)
 * and how to turn the end into a result.
 */
import { StringDecoder } from 'node:string_decoder';
import { onAbort } from '../abort';

export type CommandState = 'starting' | 'running' | 'stopping' | 'done';

/** How a command ended, as far as the state machine knows. */
export interface CommandEnd {
  timedOut: boolean;
  /** The run's abort fired while the command ran. */
  interrupted: boolean;
  /** A stop was needed and did not work: why. */
  stopFailed?: string;
}

export interface CommandHooks {
  /** Stop the command for real; resolves undefined once it is stopped, else with why it could not be. */
  stop(): Promise<string | undefined>;
  /** The command is over (exited, or stopped): resolve or reject the exec. Called exactly once. */
  settle(end: CommandEnd): void;
}

export interface RunLimits {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class RunningCommand {
  private current: CommandState = 'starting';
  private timedOut = false;
  private interrupted = false;
  private stopFailed: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly limits: RunLimits,
    private readonly hooks: CommandHooks,
  ) {}

  get state(): CommandState {
    return this.current;
  }

  /** starting → running: the process or channel exists; the timeout and the abort now apply. */
  start(): void {
    if (this.current !== 'starting') return;
    this.current = 'running';
    const { timeoutMs, signal } = this.limits;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.stop();
      }, timeoutMs);
    }
    this.unsubscribe = onAbort(signal, () => this.abort());
    // aborted while the process or channel was being opened: it may have started, stop it
    if (signal?.aborted) queueMicrotask(() => this.abort());
  }

  /** The process or channel ended on its own (or was closed under a stop). */
  exited(): void {
    if (this.current === 'stopping' || this.current === 'done') return;
    this.finish();
  }

  private abort(): void {
    if (this.current === 'done') return;
    this.interrupted = true;
    this.stop();
  }

  /** running → stopping → done. */
  private stop(): void {
    if (this.current !== 'running') return;
    this.current = 'stopping';
    this.hooks.stop().then(
      (why) => this.stopped(why),
      (e: unknown) => this.stopped(e instanceof Error ? e.message : String(e)),
    );
  }

  private stopped(why: string | undefined): void {
    this.stopFailed = why;
    this.finish();
  }

  private finish(): void {
    if (this.current === 'done') return;
    this.current = 'done';
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.hooks.settle({
      timedOut: this.timedOut,
      interrupted: this.interrupted,
      ...(this.stopFailed !== undefined ? { stopFailed: this.stopFailed } : {}),
    });
  }
}

/** One output stream kept up to a byte cap; what is kept is also streamed live as text. */
export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly decoder = new StringDecoder('utf8');
  truncated = false;

  constructor(
    private readonly cap: number,
    private readonly onText?: (s: string) => void,
  ) {}

  add(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (chunk.length > room) {
      if (chunk.length) this.truncated = true;
      chunk = chunk.subarray(0, Math.max(0, room));
    }
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.onText) {
      const s = this.decoder.write(chunk);
      if (s) this.onText(s);
    }
  }

  addText(s: string): void {
    if (s) this.add(Buffer.from(s, 'utf8'));
  }

  get length(): number {
    return this.size;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}
