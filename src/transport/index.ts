/** Chooses a transport for a host from its variables (`ansible_connection`: local | ssh). */
import { ConnectError } from '../errors';
import { LocalTransport } from './local';
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

const IMPLICIT_LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * The connection type of a host: its `ansible_connection` (`local`, `ssh`; `paramiko`/`smart` mean ssh),
 * else `local` for the implicit localhost names (as Ansible does), else `ssh`.
 */
export function connectionType(host: TransportHost): 'local' | 'ssh' {
  const c = host.vars['ansible_connection'];
  if (typeof c === 'string' && c !== '') {
    if (c === 'local') return 'local';
    if (c === 'ssh' || c === 'paramiko' || c === 'smart') return 'ssh';
    throw new ConnectError(host.name, `unsupported ansible_connection '${c}'`, {
      hint: 'use ansible_connection=ssh (the default) or ansible_connection=local',
    });
  }
  return IMPLICIT_LOCAL.has(host.name) ? 'local' : 'ssh';
}

export function createTransportFactory(opts: TransportFactoryOptions = {}): TransportFactory {
  return (host: TransportHost): Transport => {
    if (connectionType(host) === 'local') return new LocalTransport(host);
    // ssh: area 5 wires its SshTransport here, e.g. `return new SshTransport(host, opts);`
    throw new ConnectError(host.name, 'the ssh transport is not available in this build', {
      hint: `set ansible_connection=local for local hosts (options: ${Object.keys(opts).join(', ') || 'none'})`,
    });
  };
}

export { LocalTransport } from './local';
