/** Chooses a transport for a host from its variables (`ansible_connection`: local | ssh). */
import { ConnectError } from '../errors';
import { LocalTransport } from './local';
import { createSshTransportFactory } from './ssh';
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
  /** known_hosts file to read first and to record accept-new keys in (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** Warnings for the user (host key checking off, new host key recorded, reconnecting). */
  onWarning?: (msg: string) => void;
  /** Prompt for the passphrase of an encrypted private key. */
  askPassphrase?: (keyFile: string) => Promise<import('../command').Secret | undefined>;
  /** Transport debug lines (-vvvv). */
  debug?: (msg: string) => void;
  /** `-c/--connection`: the connection of hosts without `ansible_connection` (default: ssh, local for localhost). */
  connection?: 'local' | 'ssh';
  /** `-k/--ask-pass`: the SSH password of hosts whose inventory gives none. */
  password?: import('../command').Secret;
  /** `--ssh-common-args` / `--ssh-extra-args`: defaults for `ansible_ssh_common_args` / `_extra_args`. */
  sshCommonArgs?: string;
  sshExtraArgs?: string;
}

/** A TransportFactory whose connections the runner closes once, at the end of the run. */
export type ClosableTransportFactory = TransportFactory & {
  /** Close every connection; `wait: false` ends them and frees their sockets now, without waiting for the servers. */
  closeAll(opts?: { wait?: boolean }): Promise<void>;
};

const IMPLICIT_LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * The connection type of a host: its `ansible_connection` (`local`, `ssh`; `paramiko`/`smart` mean ssh),
 * else `-c/--connection`, else `local` for the implicit localhost names (as Ansible does), else `ssh`.
 */
export function connectionType(host: TransportHost, dflt?: 'local' | 'ssh'): 'local' | 'ssh' {
  const c = host.vars['ansible_connection'];
  if (typeof c === 'string' && c !== '') {
    if (c === 'local') return 'local';
    if (c === 'ssh' || c === 'paramiko' || c === 'smart') return 'ssh';
    throw new ConnectError(host.name, `unsupported ansible_connection '${c}'`, {
      hint: 'use ansible_connection=ssh (the default) or ansible_connection=local',
    });
  }
  if (dflt) return dflt;
  return IMPLICIT_LOCAL.has(host.name) ? 'local' : 'ssh';
}

export function createTransportFactory(opts: TransportFactoryOptions = {}): ClosableTransportFactory {
  // The ssh pool warns once when host key checking is off for a host it connects to.
  // Pool state (one connection per host, shared bastions) lives in this closure, not in globals.
  const ssh = createSshTransportFactory(opts);
  const factory = ((host: TransportHost): Transport => {
    if (connectionType(host, opts.connection) === 'local') return new LocalTransport(host);
    return ssh(host);
  }) as ClosableTransportFactory;
  factory.closeAll = (opts) => ssh.closeAll(opts);
  return factory;
}

export { LocalTransport } from './local';
