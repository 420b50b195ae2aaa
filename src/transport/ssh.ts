/**
 * The ssh transport factory. Pool state (one connection per host, one per bastion shared by the hosts
 * behind it, known_hosts stores, handshake pacing) lives in this closure: two runs in one process share
 * nothing. `closeAll()` ends every connection; the runner calls it once at the end of the run.
 */
import { SshPool, type SshPoolOptions } from './ssh-pool';
import { SshTransport } from './ssh-transport';
import type { TransportHost } from './types';

export type SshTransportFactoryOptions = SshPoolOptions;

export interface SshTransportFactory {
  (host: TransportHost): SshTransport;
  /**
   * Close every connection (targets and bastions). Idempotent. `wait: false`: each connection is told so
   * and its socket closed at once (its descriptor freed), without waiting for the server's side.
   */
  closeAll(opts?: { wait?: boolean }): Promise<void>;
}

export function createSshTransportFactory(opts: SshTransportFactoryOptions = {}): SshTransportFactory {
  const pool = new SshPool(opts);
  const transports = new Map<string, SshTransport>();
  const factory = ((host: TransportHost) => {
    let t = transports.get(host.name);
    if (!t) transports.set(host.name, (t = new SshTransport(host, pool)));
    return t;
  }) as SshTransportFactory;
  factory.closeAll = async (opts = {}) => {
    if (opts.wait === false) return pool.closeAll(opts);
    await Promise.all([...transports.values()].map((t) => t.close()));
    await pool.closeAll();
  };
  return factory;
}

export { SshTransport } from './ssh-transport';
export { BecomeError } from './become';
