/**
 * One authenticated ssh2 connection: TCP (or a stream forwarded through a jump host), host-key check
 * against known_hosts, authentication in OpenSSH's order (ssh-agent keys, identity files, then
 * keyboard-interactive / password), Nagle off, keepalives. Errors become ConnectError with the reason
 * and a hint; `retryable` says whether one more try could heal it (a reset, or sshd's MaxStartups
 * dropping us before the greeting) or not (timeouts, refused, no route, authentication, host key: trying
 * again only makes an unreachable host cost more time).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHash } from 'node:crypto';
import { Client, utils, type AnyAuthMethod, type AuthenticationType, type ParsedKey } from 'ssh2';
import type { Secret } from '../command';
import { ConnectError } from '../errors';
import type { SshEndpoint } from './ssh-config';
import { hostKeyOffer, SUPPORTED_HOST_KEY_ALGORITHMS } from './host-key-algorithms';
import { fingerprint, KnownHosts, keyTypeOf, type HostKeyVerdict } from './ssh-known-hosts';

export class SshConnectError extends ConnectError {
  constructor(
    host: string,
    message: string,
    /** Trying again may heal it (reset, dropped by MaxStartups before the greeting). */
    public retryable: boolean,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(host, message, opts);
  }
}

export interface ConnectHooks {
  /** The known_hosts store for these files (shared, so accept-new writes are seen by later hosts). */
  knownHosts(files: string[]): KnownHosts;
  warn?(msg: string): void;
  /** Passphrase prompt for an encrypted key without a configured passphrase. */
  askPassphrase?(keyFile: string): Promise<Secret | undefined>;
  /** Parsed private keys, by file and passphrase (shared by the pool). */
  keyCache?: Map<string, Promise<ParsedKey | Error>>;
  /** ssh2 debug lines (never contain secrets). */
  debug?(msg: string): void;
}

function describe(e: SshEndpoint): string {
  return `${e.user}@${e.hostname}:${e.port}`;
}

async function loadPrivateKey(
  file: string,
  pass: Secret | undefined,
  hooks: ConnectHooks,
): Promise<ParsedKey | Error> {
  const data = readFileSync(file);
  let parsed = utils.parseKey(data, pass?.reveal());
  if (
    parsed instanceof Error &&
    /encrypted|passphrase/i.test(parsed.message) &&
    !pass &&
    hooks.askPassphrase
  ) {
    const asked = await hooks.askPassphrase(file);
    if (asked) parsed = utils.parseKey(data, asked.reveal());
  }
  return Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
}

async function authMethods(
  e: SshEndpoint,
  hooks: ConnectHooks,
): Promise<{ methods: AnyAuthMethod[]; tried: string[] }> {
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const username = e.user;
  const sock = process.env.SSH_AUTH_SOCK;
  if (sock && !e.identitiesOnly && existsSync(sock)) {
    methods.push({ type: 'agent', username, agent: sock });
    tried.push('ssh-agent');
  }
  for (const file of e.identityFiles) {
    if (!existsSync(file)) {
      // OpenSSH's default identities are skipped silently; a configured one that is missing is named.
      if (!/\/\.ssh\/id_(ed25519|ecdsa|rsa)$/.test(file)) tried.push(`key ${file} (missing)`);
      continue;
    }
    // Decrypting a key (bcrypt KDF, in JS) is slow: once per file and passphrase for the whole run.
    const cacheKey = `${file}\0${e.passphrase ? createHash('sha256').update(e.passphrase.reveal()).digest('hex') : ''}`;
    let loading = hooks.keyCache?.get(cacheKey);
    if (!loading) {
      loading = loadPrivateKey(file, e.passphrase, hooks);
      hooks.keyCache?.set(cacheKey, loading);
    }
    const parsed = await loading;
    if (parsed instanceof Error) {
      hooks.debug?.(`skipping key ${file}: ${parsed.message}`);
      const why = /bad passphrase|integrity/i.test(parsed.message)
        ? 'wrong passphrase'
        : /encrypted|passphrase/i.test(parsed.message)
          ? 'encrypted, no passphrase'
          : 'unreadable';
      tried.push(`key ${file} (unusable: ${why})`);
      continue;
    }
    methods.push({ type: 'publickey', username, key: parsed });
    tried.push(`key ${file}`);
  }
  if (e.password) {
    const password = e.password.reveal();
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)),
    });
    methods.push({ type: 'password', username, password });
    tried.push('password');
  }
  return { methods, tried };
}

/** What to do about failed authentication, given what was tried. */
export function credentialHint(tried: string[], jump = false): string {
  if (jump)
    return "a jump host authenticates with its own settings (ssh_config IdentityFile/User for it, ssh-agent, --private-key), not the target's ansible_ssh_private_key_file or password, as with OpenSSH";
  if (tried.some((t) => t.includes('encrypted, no passphrase')))
    return 'the key is encrypted and no passphrase is available (no prompt without a terminal): set ansible_ssh_private_key_passphrase, or load the key into ssh-agent';
  if (tried.some((t) => t.includes('wrong passphrase')))
    return 'the key passphrase is wrong: check ansible_ssh_private_key_passphrase';
  if (tried.length === 0)
    return 'set ansible_ssh_private_key_file / --private-key, start ssh-agent (SSH_AUTH_SOCK), or set ansible_password';
  return 'check the user, that the key is in ~/.ssh/authorized_keys on the host, ssh-agent, or the password';
}

export interface OpenOptions {
  /** A stream to run SSH over (from a jump host's forwardOut) instead of TCP. */
  sock?: Duplex;
  /** Name for messages (inventory host or bastion alias). */
  label: string;
  /** This connection is to a jump host (for messages). */
  jump?: boolean;
  /** How the stream gets there, for messages: ` via jump host bastion1`. */
  via?: string;
}

/** `300` → `0.3 s`, `10000` → `10 s`. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * What went wrong before the connection was ready, in words an operator can act on. `stage`: how far it
 * got — `tcp` (no connection: silence is the network's), `handshake` (connected, or the jump host's
 * stream opened, but no SSH key exchange), `auth` (key exchange done, authentication unfinished).
 */
export function networkFailure(
  err: Error & { level?: string; code?: string },
  e: SshEndpoint,
  stage: 'tcp' | 'handshake' | 'auth',
): { msg: string; hint: string; retryable: boolean } {
  const raise = `raise ConnectTimeout (ssh_config) or --connect-timeout if the host is slow`;
  const after = `timed out after ${seconds(e.connectTimeoutMs)}`;
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    if (stage === 'auth')
      return {
        msg: `${after} during authentication (the SSH handshake completed)`,
        hint: `sshd may be slow to authenticate (PAM, DNS lookups: UseDNS) or overloaded; ${raise}`,
        retryable: false,
      };
    return stage === 'handshake'
      ? {
          msg: `${after} waiting for the SSH handshake (the port accepted the connection but sent no SSH greeting)`,
          hint: `is port ${e.port} an sshd, and is sshd overloaded? ${raise}`,
          retryable: false,
        }
      : {
          msg: `${after} waiting for a TCP connection (no answer)`,
          hint: `is the host up, the address right, and port ${e.port} open in the firewall? ${raise}`,
          retryable: false,
        };
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return {
        msg: 'connection refused',
        hint: `is sshd running and listening on ${e.hostname} port ${e.port}?`,
        retryable: false,
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        msg: `no route to ${e.hostname} (${err.code})`,
        hint: 'check the address and the network path (routes, VPN, jump host)',
        retryable: false,
      };
    case 'ENOTFOUND':
      return {
        msg: `cannot resolve the host name ${e.hostname}`,
        hint: 'check ansible_host / HostName, or the DNS',
        retryable: false,
      };
    case 'EMFILE':
    case 'ENFILE':
      // the controller's limit, not the host's: worth one more try once other connections have closed
      return {
        msg: `the controller ran out of file descriptors (${err.code}: too many open files${OPEN_FILES_LIMIT})`,
        hint: 'raise the open-files limit (ulimit -n): a run keeps one connection per host open until its end, plus about 20 descriptors of its own',
        retryable: true,
      };
    case 'ECONNRESET':
      return {
        msg: 'connection reset by the server during the handshake',
        hint: 'sshd may be dropping connections (MaxStartups, fail2ban, TCP wrappers)',
        retryable: true,
      };
  }
  if (/lost before handshake/i.test(err.message))
    return {
      msg: 'the server closed the connection before the SSH handshake',
      hint: 'sshd may be dropping connections (MaxStartups, fail2ban, TCP wrappers), or that port is not an sshd',
      retryable: true,
    };
  return {
    msg: err.message || String(err),
    hint: `is sshd running and reachable on ${e.hostname} port ${e.port}?`,
    retryable: false,
  };
}

/** `; ulimit -n is 64` from /proc/self/limits (Linux), else nothing; read at start, as out of descriptors it cannot be. */
const OPEN_FILES_LIMIT = ((): string => {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? `; ulimit -n is ${m[1]}` : '';
  } catch {
    return '';
  }
})();

function hostKeyMessage(e: SshEndpoint, v: HostKeyVerdict, blob: Buffer): { msg: string; hint: string } {
  const fp = `${keyTypeOf(blob)} ${fingerprint(blob)}`;
  const name = e.hostKeyAlias ?? e.hostname;
  const known = (l: { keyType: string; key: string; file: string; line: number }) =>
    `${l.keyType} ${fingerprint(Buffer.from(l.key, 'base64'))} (${l.file}:${l.line})`;
  if (v.status === 'changed')
    return {
      msg: `host key for ${name}:${e.port} has CHANGED: known ${known(v.line)}, server now offers ${fp} — possible man-in-the-middle attack`,
      hint: `if the host was really reinstalled, remove the old key: ssh-keygen -R '${e.port === 22 ? name : `[${name}]:${e.port}`}' -f ${v.line.file}`,
    };
  if (v.status === 'revoked')
    return {
      msg: `host key ${fp} of ${name}:${e.port} is REVOKED (${v.line.file}:${v.line.line})`,
      hint: 'the host presents a revoked key: do not connect',
    };
  const others =
    v.status === 'unknown' && v.others.length ? `; known for it: ${v.others.map(known).join(', ')}` : '';
  return {
    msg: `host key for ${name}:${e.port} is unknown (server offers ${fp}${others}) and host key checking is strict`,
    hint: `verify the fingerprint, then add it (ssh-keyscan -p ${e.port} ${e.hostname} >> ${e.knownHostsFiles[0]}) or run with --host-key-checking accept-new`,
  };
}

/** Open and authenticate one SSH connection. */
export async function openSshConnection(
  e: SshEndpoint,
  hooks: ConnectHooks,
  opts: OpenOptions,
): Promise<Client> {
  const { methods, tried } = await authMethods(e, hooks);
  if (methods.length === 0) {
    const what = tried.length ? ` (${tried.join(', ')})` : '';
    throw new SshConnectError(
      opts.label,
      `authentication failed for ${describe(e)}: no usable credentials${what}`,
      false,
      {
        hint: credentialHint(tried, opts.jump),
      },
    );
  }
  const name = e.hostKeyAlias ?? e.hostname;
  const offer = hostKeyOffer(
    e.hostKeyAlgorithms,
    e.hostKeyChecking === 'off' ? [] : hooks.knownHosts(e.knownHostsFiles).keyTypes(name, e.port),
  );
  if (!offer.algorithms.length)
    throw new SshConnectError(
      opts.label,
      `HostKeyAlgorithms ${e.hostKeyAlgorithms} leaves no host-key algorithm remediate can use`,
      false,
      { hint: `use some of: ${SUPPORTED_HOST_KEY_ALGORITHMS.join(', ')}` },
    );
  if (offer.reordered || e.hostKeyAlgorithms)
    hooks.debug?.(`${opts.label}: host-key algorithms offered: ${offer.algorithms.join(',')}`);
  const client = new Client();
  let hostKeyProblem: { msg: string; hint: string } | undefined;
  let authFailed = false;
  let stage: 'tcp' | 'handshake' | 'auth' = opts.sock ? 'handshake' : 'tcp';
  const verifier = (blob: Buffer): boolean => {
    if (e.hostKeyChecking === 'off') return true;
    const kh = hooks.knownHosts(e.knownHostsFiles);
    const v = kh.verify(name, e.port, blob);
    if (v.status === 'ok') return true;
    if (v.status === 'unknown' && e.hostKeyChecking === 'accept-new') {
      const file = kh.add(name, e.port, blob);
      hooks.warn?.(
        `${opts.label}: recorded new host key ${keyTypeOf(blob)} ${fingerprint(blob)} for ${name}:${e.port} in ${file}`,
      );
      return true;
    }
    hostKeyProblem = hostKeyMessage(e, v, blob);
    return false;
  };
  const queue = [...methods];
  const authHandler = (
    left: AuthenticationType[] | null,
    _partial: boolean | null,
    next: (m: AnyAuthMethod | false) => void,
  ) => {
    while (queue.length) {
      const m = queue.shift()!;
      const serverName = m.type === 'agent' ? 'publickey' : m.type;
      if (!left || left.includes(serverName as AuthenticationType)) return next(m);
    }
    authFailed = true;
    next(false);
  };
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      if (hostKeyProblem)
        return reject(
          new SshConnectError(opts.label, hostKeyProblem.msg, false, { hint: hostKeyProblem.hint }),
        );
      if (authFailed || err.level === 'client-authentication')
        return reject(
          new SshConnectError(
            opts.label,
            `authentication failed for ${describe(e)} (tried: ${tried.join(', ') || 'nothing'})`,
            false,
            { hint: credentialHint(tried, opts.jump) },
          ),
        );
      const { msg, hint, retryable } = networkFailure(err, e, stage);
      reject(
        new SshConnectError(
          opts.label,
          `cannot connect to ${describe(e)}${opts.via ?? ''}: ${msg}`,
          retryable,
          {
            hint,
            cause: err,
          },
        ),
      );
    };
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      resolve(client);
    });
    client.on('connect', () => (stage = 'handshake'));
    client.on('handshake', () => (stage = 'auth'));
    client.on('error', fail);
    client.on('close', () => fail(new Error('Connection lost before handshake')));
    const sockOpt = opts.sock as unknown as Socket | undefined;
    client.connect({
      host: opts.sock ? undefined : e.hostname,
      port: opts.sock ? undefined : e.port,
      sock: sockOpt,
      username: e.user,
      readyTimeout: e.connectTimeoutMs,
      keepaliveInterval: e.keepaliveIntervalMs,
      keepaliveCountMax: e.keepaliveCountMax,
      hostVerifier: verifier,
      algorithms: { serverHostKey: offer.algorithms as never },
      authHandler: authHandler as never,
      // Hosts connect in parallel: each debug line says whose it is.
      debug: hooks.debug ? (m: string) => hooks.debug!(`${opts.label}: ${m}`) : undefined,
    });
    // Nagle costs ~40 ms per exec on an open connection (a forwarded stream has no socket of its own).
    if (!opts.sock) client.setNoDelay(true);
  });
}
