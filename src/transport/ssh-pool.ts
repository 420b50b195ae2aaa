/**
 * Connection setup for a run: one connection per bastion shared by every host behind it, handshakes
 * paced per server so sshd's MaxStartups (10:30:100 by default) never drops a large fleet's connections,
 * one retry (after a short backoff) for failures that can heal — a reset, or sshd's MaxStartups dropping
 * us before the greeting — and none for timeouts, refused ports, missing routes, authentication or host
 * keys, so a dead address is reported after one connect timeout (10 s by default), not three. All state lives in the pool object (one per transport factory),
 * never in globals, so two runs in one process share nothing.
 */
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import type { Secret } from '../command';
import { endpointKey, type SshEndpoint, type SshResolveDefaults } from './ssh-config';
import { openSshConnection, seconds, SshConnectError, type ConnectHooks } from './ssh-connection';
import { KnownHosts } from './ssh-known-hosts';

export interface SshPoolOptions extends SshResolveDefaults {
  /** Extra attempts after a connect failure that can heal (reset, MaxStartups drop; default 1). */
  connectRetries?: number;
  /** First backoff delay; doubles each attempt (default 300 ms). */
  retryDelayMs?: number;
  /** Concurrent unauthenticated handshakes per server (default 8, under MaxStartups' 10). */
  maxHandshakesPerServer?: number;
  /** How long a jump host's connection stays open with nothing through it (default 1000 ms). */
  jumpIdleMs?: number;
  /** Concurrent handshakes in total (default 64). */
  maxHandshakes?: number;
  /** Channels per connection before sshd's MaxSessions refuses (default 10; lowered on refusal). */
  maxSessions?: number;
  onWarning?: (msg: string) => void;
  askPassphrase?: (keyFile: string) => Promise<Secret | undefined>;
  debug?: (msg: string) => void;
}

/** A counting semaphore, FIFO. Its limit can be lowered while in use (MaxSessions discovered late). */
export class Gate {
  private active = 0;
  private waiters: (() => void)[] = [];
  constructor(public limit: number) {}
  get inUse(): number {
    return this.active;
  }
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((r) => this.waiters.push(r)); // the releaser counted us in
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.wake();
    };
  }
  private wake(): void {
    while (this.waiters.length && this.active < this.limit) {
      this.active++;
      this.waiters.shift()!();
    }
  }
  setLimit(n: number): void {
    this.limit = Math.max(1, n);
    this.wake();
  }
}

/** ` via jump host b1` / ` via jump hosts b1 → b2`, or '' when connected directly. */
export function viaText(e: SshEndpoint): string {
  if (!e.jumps.length) return '';
  return ` via jump host${e.jumps.length > 1 ? 's' : ''} ${e.jumps.map((j) => j.alias).join(' → ')}`;
}

/** One more try for a connect that can heal (reset, dropped by MaxStartups); see `networkFailure`. */
export const DEFAULT_CONNECT_RETRIES = 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Tell the server the connection is over (DISCONNECT goes into the socket) and close the socket now, so
 * its descriptor is free when this returns; the server's side of the close is not waited for. ssh2's own
 * destroy() does nothing once end() has run, hence its socket.
 */
export function endNow(c: Client): void {
  c.end();
  (c as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
}

/** End a connection: `wait: false` as endNow; else until the server has closed it too (at most 2 s). */
export function endClient(c: Client, opts: { wait?: boolean } = {}): Promise<void> {
  if (opts.wait === false) {
    endNow(c);
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 2000);
    c.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    c.end();
  });
}

export class SshPool {
  private readonly bastions = new Map<string, Promise<Client>>();
  private readonly stores = new Map<string, KnownHosts>();
  private readonly gates = new Map<string, Gate>();
  private readonly total: Gate;
  private readonly clients = new Set<Client>();
  /** Connections open or being opened through each jump host's connection. */
  private readonly riders = new Map<Client, number>();
  /** Stop handing out a jump host's connection (it is about to close). */
  private readonly retire = new WeakMap<Client, () => void>();
  private closed = false;
  private warnedOff = false;
  readonly hooks: ConnectHooks;

  constructor(readonly opts: SshPoolOptions = {}) {
    this.total = new Gate(opts.maxHandshakes ?? 64);
    this.hooks = {
      knownHosts: (files) => {
        const k = files.join('\0');
        let s = this.stores.get(k);
        if (!s) this.stores.set(k, (s = new KnownHosts(files)));
        return s;
      },
      warn: opts.onWarning,
      askPassphrase: opts.askPassphrase,
      keyCache: new Map(),
      debug: opts.debug,
    };
  }

  private gate(key: string): Gate {
    let g = this.gates.get(key);
    if (!g) this.gates.set(key, (g = new Gate(this.opts.maxHandshakesPerServer ?? 8)));
    return g;
  }

  /** Connect to an endpoint (through its jump hosts), with pacing and retries. */
  async connect(label: string, e: SshEndpoint): Promise<Client> {
    if (this.closed) throw new SshConnectError(label, 'the run is over: connections are closed', false);
    if ([e, ...e.jumps].some((x) => x.hostKeyChecking === 'off') && !this.warnedOff) {
      this.warnedOff = true;
      this.opts.onWarning?.(
        'host key checking is OFF: host identities are not verified (man-in-the-middle possible)',
      );
    }
    const via = e.jumps.length ? await this.hop(e.jumps, e.jumps.length - 1, label) : undefined;
    return this.withRetries(label, e, via);
  }

  /** The shared connection to jumps[i] (through jumps[0..i-1]). */
  private hop(jumps: SshEndpoint[], i: number, label: string): Promise<Client> {
    const e: SshEndpoint = { ...jumps[i]!, jumps: jumps.slice(0, i) };
    const key = endpointKey(e);
    let p = this.bastions.get(key);
    if (!p) {
      const alias = `${e.alias} (jump host for ${label})`;
      p = (async () => {
        const via = i > 0 ? await this.hop(jumps, i - 1, label) : undefined;
        const c = await this.withRetries(alias, e, via, true);
        const forget = () => {
          if (this.bastions.get(key) === p) this.bastions.delete(key);
        };
        c.on('close', forget);
        c.on('error', forget);
        this.retire.set(c, forget);
        return c;
      })();
      this.bastions.set(key, p);
      p.catch(() => {
        if (this.bastions.get(key) === p) this.bastions.delete(key);
      });
    }
    return p;
  }

  /** A stream to `e` through `via` (the last of `e.jumps`), within `e`'s connect timeout. */
  private forward(via: Client, e: SshEndpoint, label: string): Promise<Duplex> {
    const jump = e.jumps[e.jumps.length - 1]?.alias ?? 'the jump host';
    return new Promise((resolve, reject) => {
      let done = false;
      // The bastion's own TCP connect may hang for minutes on a silent address: ours does not.
      const timer = setTimeout(() => {
        done = true;
        reject(
          new SshConnectError(
            label,
            `cannot connect to ${e.user}@${e.hostname}:${e.port}${viaText(e)}: timed out after ${seconds(e.connectTimeoutMs)}: jump host ${jump} got no answer from ${e.hostname}:${e.port}`,
            true,
            {
              hint: `is the host up and port ${e.port} open as seen from ${jump}? raise ConnectTimeout (ssh_config) or --connect-timeout if it is slow`,
            },
          ),
        );
      }, e.connectTimeoutMs);
      via.forwardOut('127.0.0.1', 0, e.hostname, e.port, (err, stream) => {
        if (done) {
          stream?.destroy();
          return;
        }
        done = true;
        clearTimeout(timer);
        if (err)
          reject(
            new SshConnectError(
              label,
              `cannot connect to ${e.user}@${e.hostname}:${e.port}${viaText(e)}: jump host ${jump} cannot reach it: ${err.message}`,
              true,
              {
                hint: `check the address as seen from ${jump}, that sshd listens there, and AllowTcpForwarding on ${jump}`,
              },
            ),
          );
        else resolve(stream);
      });
    });
  }

  /**
   * A jump host's connection lives as long as something rides on it: when the last connection through
   * it closes (every host closed by the runner, a reset_connection), it is ended after a short grace, so
   * a caller that closes its hosts but not the pool leaves no socket keeping the process alive.
   */
  private ride(via: Client): () => void {
    this.riders.set(via, (this.riders.get(via) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.riders.get(via) ?? 1) - 1;
      this.riders.set(via, n);
      if (n > 0) return;
      setTimeout(() => {
        if (this.riders.get(via) !== 0) return;
        this.riders.delete(via);
        this.retire.get(via)?.();
        this.hooks.debug?.('closing an idle jump host connection');
        via.end();
      }, this.opts.jumpIdleMs ?? 1000).unref();
    };
  }

  private async withRetries(label: string, e: SshEndpoint, via?: Client, jump = false): Promise<Client> {
    const leave = via ? this.ride(via) : undefined;
    try {
      const c = await this.attempts(label, e, via, jump);
      if (leave) c.once('close', leave);
      return c;
    } catch (err) {
      leave?.();
      throw err;
    }
  }

  private async attempts(
    label: string,
    e: SshEndpoint,
    via: Client | undefined,
    jump: boolean,
  ): Promise<Client> {
    const retries = this.opts.connectRetries ?? DEFAULT_CONNECT_RETRIES;
    const base = this.opts.retryDelayMs ?? 300;
    // Pace per server as seen from where we connect: the jump host's view when tunnelled.
    const serverKey = `${via ? endpointKey({ ...e, hostname: '', port: 0 }) + '>' : ''}${e.hostname}:${e.port}`;
    for (let attempt = 0; ; attempt++) {
      const releaseTotal = await this.total.acquire();
      const release = await this.gate(serverKey).acquire();
      try {
        const sock = via ? await this.forward(via, e, label) : undefined;
        const c = await openSshConnection(e, this.hooks, { sock, label, via: viaText(e), jump });
        // Every running channel listens for the connection's end; their number is bounded by MaxSessions.
        c.setMaxListeners(0);
        this.clients.add(c);
        c.on('close', () => this.clients.delete(c));
        if (this.closed) {
          c.end();
          throw new SshConnectError(label, 'the run is over: connections are closed', false);
        }
        return c;
      } catch (err) {
        const retryable = err instanceof SshConnectError && err.retryable;
        if (!retryable || attempt >= retries || this.closed) {
          if (retryable && attempt > 0) (err as Error).message += ` (${attempt + 1} attempts)`;
          throw err;
        }
        this.hooks.debug?.(
          `${label}: connect attempt ${attempt + 1} failed (${(err as Error).message}); retrying`,
        );
      } finally {
        release();
        releaseTotal();
      }
      await sleep(base * 2 ** attempt * (0.75 + Math.random() / 2));
    }
  }

  /** Close every connection this pool opened (targets and bastions). */
  async closeAll(opts: { wait?: boolean } = {}): Promise<void> {
    this.closed = true;
    await Promise.all([...this.clients].map((c) => endClient(c, opts)));
    this.bastions.clear();
  }
}
