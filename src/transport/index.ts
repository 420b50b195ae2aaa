/** Chooses a transport for a host from its variables (`ansible_connection`: local | ssh). */
import type { Transport, TransportFactory, TransportHost } from './types';

export interface TransportFactoryOptions {
  /** `-F FILE`: ssh_config path. */
  sshConfigFile?: string;
  /** strict | accept-new | off */
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  connectTimeoutMs?: number;
  connectRetries?: number;
  /** `--private-key` / `-u` defaults. */
  privateKey?: string;
  user?: string;
}

export function createTransportFactory(opts: TransportFactoryOptions = {}): TransportFactory {
  return (host: TransportHost): Transport => {
    throw new Error(`no transport for ${host.name} yet (${JSON.stringify(Object.keys(opts))})`);
  };
}
