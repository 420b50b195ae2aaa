/**
 * Where and how to connect to a host: inventory variables (ansible_host, ansible_port, ansible_user,
 * ansible_ssh_private_key_file, ansible_ssh_common_args -J / -o, jump, ...) over command-line defaults over
 * `~/.ssh/config` (or `-F FILE`, parsed by the `ssh-config` package: Host / Match host, HostName, User,
 * Port, IdentityFile, ProxyJump, ConnectTimeout, ServerAliveInterval, StrictHostKeyChecking,
 * UserKnownHostsFile, HostKeyAlias, HostKeyAlgorithms) over OpenSSH's defaults. Jump hosts are resolved through the same
 * config, recursively (a bastion's own ProxyJump is honoured), which gives chains of several hops.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isSecret, secret, type Secret } from '../command';
import { UsageError } from '../errors';
import { ShlexError, shlexWords } from '../shlex';
import type { HostKeyPolicy } from './ssh-known-hosts';
// ssh-config ships ESM types but a CommonJS build: take the types as ESM, load the CJS build.
import type SSHConfigType from 'ssh-config' with { 'resolution-mode': 'import' };
type SSHConfig = SSHConfigType;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SSHConfig } = require('ssh-config') as { SSHConfig: typeof SSHConfigType };

export interface SshEndpoint {
  /** The name it was asked for (inventory host or jump spec). */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** Only try the configured identity files (no ssh-agent keys). */
  identitiesOnly: boolean;
  password?: Secret;
  passphrase?: Secret;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Name used in known_hosts instead of hostname. */
  hostKeyAlias?: string;
  hostKeyChecking: HostKeyPolicy;
  /** ssh_config `HostKeyAlgorithms` as written (`+`/`-`/`^` prefixes, wildcards); see host-key-algorithms.ts. */
  hostKeyAlgorithms?: string;
  knownHostsFiles: string[];
  /** Hops to go through, first one connected directly. */
  jumps: SshEndpoint[];
}

export interface SshResolveDefaults {
  sshConfigFile?: string;
  hostKeyChecking?: HostKeyPolicy;
  knownHostsFile?: string;
  connectTimeoutMs?: number;
  privateKey?: string;
  user?: string;
}

function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

const configCache = new Map<string, { stamp: string; cfg: SSHConfig | null }>();

/**
 * The parsed ssh_config (`-F FILE`, else ~/.ssh/config when present). Parsed once per path and version
 * of the file (a 200-host run reads it once; an edited file is read again).
 */
export function loadSshConfig(file?: string): SSHConfig | null {
  const path = file ? expandHome(file) : join(homedir(), '.ssh', 'config');
  let stamp = 'absent';
  try {
    const st = statSync(path);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    if (file)
      throw new UsageError(`ssh config file not found: ${file}`, {
        hint: 'check the -F / --ssh-config path',
      });
  }
  const hit = configCache.get(path);
  if (hit && hit.stamp === stamp) return hit.cfg;
  const cfg = stamp === 'absent' ? null : SSHConfig.parse(readFileSync(path, 'utf8'));
  configCache.set(path, { stamp, cfg });
  return cfg;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (isSecret(v)) return v.reveal();
  return String(v);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Map StrictHostKeyChecking / host_key_checking values onto our policies. */
export function parseHostKeyPolicy(v: unknown): HostKeyPolicy | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).toLowerCase();
  if (['off', 'no', 'false', '0'].includes(s)) return 'off';
  if (s === 'accept-new') return 'accept-new';
  if (['strict', 'yes', 'true', '1', 'ask'].includes(s)) return 'strict';
  return undefined;
}

/** Split `ansible_ssh_common_args`-style text into words as Ansible's ssh plugin does (`shlex.split`). */
export function splitArgs(s: string): string[] {
  try {
    return shlexWords(s);
  } catch (e) {
    if (e instanceof ShlexError) throw new UsageError(`cannot split ssh arguments: ${e.message}`);
    throw e;
  }
}

/** What `ansible_ssh_common_args` / `ansible_ssh_extra_args` say: -J, -o Key=Value, ProxyCommand ssh -W. */
export function parseSshArgs(args: string): Record<string, string> {
  const o: Record<string, string> = {};
  const words = splitArgs(args);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = () => words[++i] ?? '';
    if (w === '-J') o.proxyjump = next();
    else if (w.startsWith('-J')) o.proxyjump = w.slice(2);
    else if (w === '-p') o.port = next();
    else if (w === '-l') o.user = next();
    else if (w === '-i') o.identityfile = next();
    else if (w === '-o' || (w.startsWith('-o') && w.length > 2)) {
      const kv = w === '-o' ? next() : w.slice(2);
      const m = /^([A-Za-z]+)\s*[= ]\s*(.*)$/.exec(kv);
      if (m) o[m[1]!.toLowerCase()] = m[2]!;
    }
  }
  // ProxyCommand="ssh -W %h:%p [-q] [user@]bastion [-p N]" is the classic way to say ProxyJump.
  if (o.proxycommand && !o.proxyjump) {
    const pw = splitArgs(o.proxycommand);
    if (pw[0] === 'ssh' && pw.includes('-W')) {
      let host = '';
      let port = '';
      let user = '';
      for (let i = 1; i < pw.length; i++) {
        const w = pw[i]!;
        if (w === '-W') i++;
        else if (w === '-p') port = pw[++i] ?? '';
        else if (w === '-l') user = pw[++i] ?? '';
        else if (w === '-o' || w === '-i' || w === '-F') i++;
        else if (!w.startsWith('-')) host = w;
      }
      if (host) o.proxyjump = `${user ? user + '@' : ''}${host}${port ? ':' + port : ''}`;
    }
  }
  return o;
}

interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** `[user@]host[:port]` (or ssh://user@host:port), comma separated. `none` → []. */
export function parseJumpList(spec: string): JumpSpec[] {
  if (spec.trim().toLowerCase() === 'none') return [];
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(s);
      if (!m)
        throw new UsageError(`invalid jump host: ${s}`, {
          hint: 'use [user@]host[:port][,[user@]host[:port]...]',
        });
      return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
    });
}

function defaultIdentityFiles(): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f));
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

interface Layer {
  hostname?: string;
  port?: string;
  user?: string;
  identityFiles: string[];
  proxyjump?: string;
  hostKeyChecking?: HostKeyPolicy;
  knownHosts: string[];
  /** `ansible_ssh_timeout` / `ansible_timeout` / `-o ConnectTimeout=`, in seconds. */
  connectTimeoutS?: string;
}

function fromConfig(cfg: SSHConfig | null, name: string, user?: string): Record<string, string | string[]> {
  if (!cfg) return {};
  return cfg.compute(user ? { Host: name, User: user } : { Host: name }, {
    ignoreCase: true,
    matchExec: false,
  });
}

function resolveOne(
  alias: string,
  lookup: string,
  top: Layer,
  defaults: SshResolveDefaults,
  cfg: SSHConfig | null,
  secrets: { password?: Secret; passphrase?: Secret },
  depth: number,
): SshEndpoint {
  if (depth > 8) throw new UsageError(`${alias}: ProxyJump chain is too long or loops`);
  const c = fromConfig(cfg, lookup, top.user ?? defaults.user);
  const hostname = (top.hostname ?? first(c.hostname) ?? lookup).replace(/%h/g, lookup);
  const port = Number(top.port ?? first(c.port) ?? 22);
  const user = top.user ?? defaults.user ?? first(c.user) ?? localUser();
  const ids = [...top.identityFiles];
  if (defaults.privateKey) ids.push(defaults.privateKey);
  ids.push(...all(c.identityfile));
  const knownHosts = [...top.knownHosts];
  if (defaults.knownHostsFile) knownHosts.push(defaults.knownHostsFile);
  for (const v of all(c.userknownhostsfile)) knownHosts.push(...v.split(/\s+/));
  if (knownHosts.length === 0) knownHosts.push('~/.ssh/known_hosts', '~/.ssh/known_hosts2');
  for (const v of all(c.globalknownhostsfile)) knownHosts.push(...v.split(/\s+/));
  if (!all(c.globalknownhostsfile).length) knownHosts.push('/etc/ssh/ssh_known_hosts');
  const timeoutS = first(c.connecttimeout);
  const alive = first(c.serveraliveinterval);
  const aliveMax = first(c.serveralivecountmax);
  const policy =
    top.hostKeyChecking ??
    defaults.hostKeyChecking ??
    parseHostKeyPolicy(first(c.stricthostkeychecking)) ??
    'strict';
  const jumpSpec = top.proxyjump ?? first(c.proxyjump);
  const jumps: SshEndpoint[] = [];
  if (jumpSpec) {
    for (const j of parseJumpList(jumpSpec)) {
      const hop = resolveOne(
        j.host,
        j.host,
        {
          user: j.user,
          port: j.port !== undefined ? String(j.port) : undefined,
          identityFiles: [],
          knownHosts: top.knownHosts,
          hostKeyChecking: top.hostKeyChecking,
        },
        { ...defaults, user: undefined },
        cfg,
        {},
        depth + 1,
      );
      // A hop's own ProxyJump comes before it (OpenSSH does the same through its recursive ssh -W).
      jumps.push(...hop.jumps, { ...hop, jumps: [] });
    }
  }
  // ssh_config tokens in IdentityFile: %d home, %u local user, %h host, %r remote user, %p port, %%.
  const tokens: Record<string, string> = {
    d: homedir(),
    u: localUser(),
    h: hostname,
    r: user,
    p: String(port),
    '%': '%',
  };
  const files = (ids.length ? ids : defaultIdentityFiles()).map((f) =>
    f.replace(/%([duhrp%])/g, (_, t: string) => tokens[t]!),
  );
  return {
    alias,
    hostname,
    port,
    user,
    identityFiles: [...new Set(files.map(expandHome))],
    identitiesOnly: /^yes$/i.test(first(c.identitiesonly) ?? ''),
    password: secrets.password,
    passphrase: secrets.passphrase,
    // The host's own ansible_ssh_timeout beats --timeout, which beats ssh_config's ConnectTimeout (as
    // `ssh -o` would); 10 s otherwise (Ansible's default).
    connectTimeoutMs:
      timeoutMs(top.connectTimeoutS) ?? defaults.connectTimeoutMs ?? timeoutMs(timeoutS) ?? 10_000,
    // A cut link must fail its host within ~15 s, not hold the play for a minute: keepalive every 5 s, dead
    // after 2 unanswered (ssh_config ServerAliveInterval / ServerAliveCountMax override both).
    keepaliveIntervalMs: alive ? Number(alive) * 1000 : 5_000,
    keepaliveCountMax: aliveMax ? Number(aliveMax) : 2,
    hostKeyAlias: first(c.hostkeyalias),
    hostKeyChecking: policy,
    hostKeyAlgorithms: first(c.hostkeyalgorithms),
    knownHostsFiles: [...new Set(knownHosts.map(expandHome))],
    jumps,
  };
}

function timeoutMs(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : undefined;
}

function asSecret(v: unknown): Secret | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return isSecret(v) ? v : secret(String(v));
}

/** Resolve how to reach an inventory host. */
export function resolveSshEndpoint(
  name: string,
  vars: Record<string, unknown>,
  defaults: SshResolveDefaults = {},
): SshEndpoint {
  const cfg = loadSshConfig(defaults.sshConfigFile);
  const args = parseSshArgs(
    [str(vars.ansible_ssh_common_args), str(vars.ansible_ssh_extra_args)].filter(Boolean).join(' '),
  );
  const jumpVar = vars.jump;
  const jump = Array.isArray(jumpVar) ? jumpVar.map(String).join(',') : str(jumpVar);
  const host = str(vars.ansible_host) ?? str(vars.ansible_ssh_host);
  const knownHosts = [str(vars.remediate_known_hosts), args.userknownhostsfile].filter(
    (x): x is string => !!x,
  );
  const key =
    str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file) ?? args.identityfile;
  const top: Layer = {
    hostname: host,
    port: str(vars.ansible_port) ?? str(vars.ansible_ssh_port) ?? args.port,
    user: str(vars.ansible_user) ?? str(vars.ansible_ssh_user) ?? args.user,
    identityFiles: key ? [key] : [],
    proxyjump: jump ?? args.proxyjump,
    hostKeyChecking:
      parseHostKeyPolicy(vars.ansible_ssh_host_key_checking) ??
      parseHostKeyPolicy(vars.ansible_host_key_checking) ??
      parseHostKeyPolicy(vars.host_key_checking) ??
      parseHostKeyPolicy(args.stricthostkeychecking),
    knownHosts,
    connectTimeoutS: str(vars.ansible_ssh_timeout) ?? str(vars.ansible_timeout) ?? args.connecttimeout,
  };
  return resolveOne(
    name,
    host ?? name,
    top,
    defaults,
    cfg,
    {
      password: asSecret(vars.ansible_password ?? vars.ansible_ssh_pass ?? vars.ansible_ssh_password),
      passphrase: asSecret(vars.ansible_ssh_private_key_passphrase ?? vars.ansible_private_key_passphrase),
    },
    0,
  );
}

/** A stable key for sharing a connection to a hop (bastion): the chain, user, address and port. */
export function endpointKey(e: SshEndpoint): string {
  return [
    ...e.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`),
    `${e.user}@${e.hostname}:${e.port}`,
  ].join('>');
}
