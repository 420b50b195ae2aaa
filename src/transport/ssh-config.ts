/**
 * Where and how to connect to a host: inventory variables (ansible_host, ansible_port, ansible_user,
 * ansible_ssh_private_key_file, ansible_ssh_common_args -J / -o, jump, ...) over command-line defaults over
 * `~/.ssh/config` (or `-F FILE`, parsed by the `ssh-config` package: Host, Match (host, originalhost,
 * user, localuser, all, canonical, final, exec "cmd" with OpenSSH's % tokens), HostName, User, Port, IdentityFile, ProxyJump, ConnectTimeout, ServerAliveInterval, StrictHostKeyChecking,
 * UserKnownHostsFile, HostKeyAlias, HostKeyAlgorithms) over OpenSSH's defaults. Jump hosts are resolved through the same
 * config, recursively (a bastion's own ProxyJump is honoured), which gives chains of several hops.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir, hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
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
  /** `-k/--ask-pass`: the SSH password of hosts whose inventory gives none. */
  password?: Secret;
  /** `--ssh-common-args` / `--ssh-extra-args`: for hosts without `ansible_ssh_common_args` / `_extra_args`. */
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** The system-wide ssh_config read after the user's (default /etc/ssh/ssh_config; not with `-F`). */
  systemSshConfigFile?: string;
}

function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/** Where OpenSSH reads its system-wide client configuration (after the user's, first value wins). */
export const SYSTEM_SSH_CONFIG = '/etc/ssh/ssh_config';

const configCache = new Map<string, { stamps: Map<string, string>; cfg: SSHConfig | null }>();

function stampOf(p: string): string {
  try {
    const st = statSync(p);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'absent';
  }
}

/** `*`, `?`, `[...]`, `[!...]` of one path segment, as glob(3) (a leading dot must be matched literally). */
function segmentMatcher(seg: string): (name: string) => boolean {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && seg.indexOf(']', i + 2) > 0) {
      const end = seg.indexOf(']', i + 2);
      const body = seg.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`, 's');
  return (n) => rx.test(n) && !(n.startsWith('.') && !seg.startsWith('.'));
}

/** The files an Include pattern names, sorted as glob(3) sorts them; directories visited are stamped. */
function globFiles(pattern: string, stamps: Map<string, string>): string[] {
  if (!/[*?[]/.test(pattern)) return [pattern];
  let found = ['/'];
  for (const seg of pattern.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?[]/.test(seg)) {
        next.push(join(dir, seg));
        continue;
      }
      stamps.set(dir, stampOf(dir));
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      const ok = segmentMatcher(seg);
      for (const n of names) if (ok(n)) next.push(join(dir, n));
    }
    found = next;
  }
  return found;
}

const INCLUDE_DEPTH = 16;

/** Match criteria that take no argument. */
const BARE_CRITERIA = new Set(['all', 'canonical', 'final']);

/** A `Match` line's criteria as [keyword, argument] pairs (`all` dropped: it adds no condition). */
function criteriaOf(words: string[]): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (let i = 0; i < words.length; i++) {
    const kw = words[i]!.toLowerCase();
    if (BARE_CRITERIA.has(kw)) {
      if (kw !== 'all') out.push([kw, undefined]);
    } else out.push([kw, words[++i] ?? '']);
  }
  return out;
}

/**
 * A `Match` line for all the criteria (ANDed). A keyword that repeats (the Include's `Host a` and the
 * included file's `Host b` are both `originalhost`) is written in another letter case each time: OpenSSH
 * reads keywords case-insensitively, and the `ssh-config` package, which keeps one entry per keyword as
 * written, then tests each of them.
 */
function matchLine(criteria: [string, string | undefined][]): string {
  if (criteria.length === 0) return 'Host *';
  const seen = new Map<string, number>();
  const parts = criteria.map(([kw, arg]) => {
    const n = seen.get(kw) ?? 0;
    seen.set(kw, n + 1);
    const cased = [...kw].map((ch, i) => ((n >> i) & 1 ? ch.toUpperCase() : ch)).join('');
    return arg === undefined ? cased : `${cased} ${/\s/.test(arg) ? JSON.stringify(arg) : arg}`;
  });
  return `Match ${parts.join(' ')}`;
}

/**
 * One config file as text the `ssh-config` package can compute, with every `Include` expanded in place as
 * OpenSSH does: relative paths are relative to ~/.ssh (user config, `-F`) or /etc/ssh (system config), globs
 * are expanded and sorted, missing files are skipped. An included file is active only where its Include
 * line is (inside `Host a`, its own `Host b` means "a and b"), and the including file's section continues
 * after it (its header is repeated). `Host p1 p2` is `Match originalhost p1,p2`: the name as given.
 */
function expandConfig(
  file: string,
  userConf: boolean,
  outer: [string, string | undefined][],
  depth: number,
  stamps: Map<string, string>,
): string[] {
  stamps.set(file, stampOf(file));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  /** The current section's criteria (empty: top level, or `Host *`). */
  let cur = outer;
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^\s*([A-Za-z]+)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(line);
    const key = m?.[1]!.toLowerCase();
    if (!m || (key !== 'host' && key !== 'match' && key !== 'include')) {
      out.push(line);
      return;
    }
    const words = splitArgs(m[2]!);
    if (key === 'host') {
      cur = [...outer, ['originalhost', words.join(',')]];
      out.push(outer.length === 0 ? line : matchLine(cur));
    } else if (key === 'match') {
      cur = [...outer, ...criteriaOf(words)];
      out.push(outer.length === 0 ? line : matchLine(cur));
    } else {
      if (depth >= INCLUDE_DEPTH)
        throw new UsageError(
          `${file}:${i + 1}: Include nested too deep (more than ${INCLUDE_DEPTH} levels)`,
          {
            hint: 'an ssh_config file includes itself, directly or through another',
          },
        );
      for (const w of words) {
        const abs = w.startsWith('/')
          ? w
          : w.startsWith('~')
            ? expandHome(w)
            : join(userConf ? join(homedir(), '.ssh') : dirname(SYSTEM_SSH_CONFIG), w);
        for (const f of globFiles(abs, stamps))
          out.push(...expandConfig(f, userConf, cur, depth + 1, stamps));
      }
      out.push(matchLine(cur));
    }
  });
  return out;
}

function parseConfigFiles(files: { path: string; userConf: boolean }[]): {
  cfg: SSHConfig | null;
  stamps: Map<string, string>;
} {
  const stamps = new Map<string, string>();
  const lines: string[] = [];
  for (const f of files) {
    // each file starts at top level: what the previous one's last section said does not leak into it
    if (lines.length) lines.push('Host *');
    lines.push(...expandConfig(f.path, f.userConf, [], 0, stamps));
  }
  const any = [...stamps.values()].some((s) => s !== 'absent');
  const cfg = any ? SSHConfig.parse(lines.join('\n')) : null;
  if (cfg && lines.some((l) => MATCH_RE.test(l) && /\b(exec|canonical|final|host)\b/i.test(l)))
    perHostLines.set(cfg, lines);
  return { cfg, stamps };
}

const MATCH_RE = /^\s*match(?:\s*=\s*|\s+)(.*?)\s*$/i;
/** Configs with `Match exec` / `canonical` / `final` / `host`: their lines, rewritten for each host (hostMatchConfig). */
const perHostLines = new WeakMap<SSHConfig, string[]>();

/** OpenSSH's % tokens of `Match exec`, from what the config said before that line (readconf.c). */
function execTokens(
  state: Record<string, string | string[]>,
  host: string,
  user?: string,
): Record<string, string> {
  const me = userInfo();
  const local = hostname();
  const hn = first(state['hostname']);
  const h = hn ? hn.replace(/%h/g, host) : host;
  return {
    h,
    n: host,
    p: first(state['port']) ?? '22',
    r: first(state['user']) ?? user ?? me.username,
    u: me.username,
    l: local,
    L: local.split('.')[0]!,
    d: me.homedir,
    k: first(state['hostkeyalias']) ?? h,
    j: first(state['proxyjump']) ?? '',
    '%': '%',
  };
}

/**
 * The config for one host when it has `Match exec "cmd"` (run with `sh -c` on the controller, % tokens
 * expanded as OpenSSH does from the values set before that line; true when it exits 0) or `Match
 * canonical` (true in the final pass, which `Match final` asks for; remediate never canonicalizes names).
 * Each such criterion is decided, in file order, and the line rewritten for the `ssh-config` package.
 */
function hostMatchConfig(cfg: SSHConfig, lines: string[], host: string, user?: string): SSHConfig {
  const out = [...lines];
  const hasFinal = lines.some((l) => MATCH_RE.test(l) && /(^|\s)final\b/i.test(MATCH_RE.exec(l)![1]!));
  for (let i = 0; i < out.length; i++) {
    // `HostName %h.example`: expanded here, so that a final pass (and `Match host`) sees the real name
    if (/^\s*hostname(\s*=\s*|\s+)/i.test(out[i]!) && out[i]!.includes('%'))
      out[i] = out[i]!.replace(/%([h%])/g, (_a, c: string) => (c === 'h' ? host : '%'));
    const m = MATCH_RE.exec(out[i]!);
    if (!m || !/\b(exec|canonical)\b/i.test(m[1]!)) continue;
    const words = splitArgs(m[1]!);
    const crit: [string, string | undefined][] = [];
    let ok = true;
    for (let j = 0; j < words.length; j++) {
      const raw = words[j]!;
      const neg = raw.startsWith('!');
      const kw = (neg ? raw.slice(1) : raw).toLowerCase();
      if (kw === 'exec') {
        const cmd = words[++j] ?? '';
        const before = SSHConfig.parse(out.slice(0, i).join('\n'));
        const state = before.compute(user ? { Host: host, User: user } : { Host: host }, {
          ignoreCase: true,
          matchExec: false,
        });
        const t = execTokens(state, host, user);
        const expanded = cmd.replace(/%(.)/g, (all, c: string) => t[c] ?? all);
        const r = spawnSync('/bin/sh', ['-c', expanded], { stdio: 'ignore', timeout: 30_000 });
        if ((r.status === 0) === neg) ok = false;
      } else if (kw === 'canonical') {
        if (neg || !hasFinal) {
          if (!neg) ok = false;
        } else crit.push(['final', undefined]);
      } else if (BARE_CRITERIA.has(kw)) crit.push([raw, undefined]);
      else crit.push([raw, words[++j] ?? '']);
    }
    // a false criterion: `exec` (the package never runs it); none left: every host
    if (!ok) out[i] = 'Match exec false';
    else out[i] = crit.length ? matchLine(crit) : 'Match all';
  }
  void cfg;
  // OpenSSH evaluates every criterion of every Match line, so any `final` asks for the final pass; the
  // package stops at a line's first false criterion: a leading `Match final` asks for it in any case
  if (hasFinal) out.unshift('Match final');
  return SSHConfig.parse(out.join('\n'));
}

/**
 * The parsed ssh_config, as OpenSSH reads it: `-F FILE` alone, else ~/.ssh/config then /etc/ssh/ssh_config
 * (the first value obtained wins), each with its `Include`s expanded. Parsed once per set of file versions
 * (a 200-host run reads them once; an edited file, or a new file in an included directory, is read again).
 */
export function loadSshConfig(file?: string, systemFile: string = SYSTEM_SSH_CONFIG): SSHConfig | null {
  const path = file ? expandHome(file) : join(homedir(), '.ssh', 'config');
  if (file && stampOf(path) === 'absent')
    throw new UsageError(`ssh config file not found: ${file}`, {
      hint: 'check the -F / --ssh-config path',
    });
  const key = file ? `-F\0${path}` : `${path}\0${systemFile}`;
  const hit = configCache.get(key);
  if (hit && [...hit.stamps].every(([p, st]) => stampOf(p) === st)) return hit.cfg;
  const files = [{ path, userConf: true }];
  if (!file) files.push({ path: systemFile, userConf: false });
  const { cfg, stamps } = parseConfigFiles(files);
  configCache.set(key, { stamps, cfg });
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
      const m = /^([A-Za-z][A-Za-z0-9]*)\s*[= ]\s*(.*)$/.exec(kv);
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

/** The `-o` options of ssh args that the transport honours (lower case), and those it accepts and ignores. */
export const SSH_ARG_OPTIONS = [
  'Port',
  'User',
  'IdentityFile',
  'ProxyJump',
  'ProxyCommand',
  'StrictHostKeyChecking',
  'UserKnownHostsFile',
  'ConnectTimeout',
  'ServerAliveInterval',
  'ServerAliveCountMax',
];
/** Connection sharing and compression: ssh2's one pooled connection per host already does what they ask. */
const IGNORED_SSH_OPTIONS = ['ControlMaster', 'ControlPersist', 'ControlPath', 'Compression'];
const IGNORED_SSH_FLAGS = ['-C', '-q', '-T', '-tt', '-t', '-n', '-4', '-6', '-A', '-a', '-x', '-X', '-v'];

/**
 * What in `--ssh-common-args` / `--ssh-extra-args` the transport cannot honour: `problems` (refused:
 * an option that changes where or how to connect would be silently wrong) and `ignored` (flags and
 * connection-sharing options that have no meaning for the pooled ssh2 connection).
 */
export function checkSshArgs(args: string): { problems: string[]; ignored: string[] } {
  const problems: string[] = [];
  const ignored: string[] = [];
  const words = splitArgs(args);
  const known = new Set(SSH_ARG_OPTIONS.map((k) => k.toLowerCase()));
  const quiet = new Set(IGNORED_SSH_OPTIONS.map((k) => k.toLowerCase()));
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-J' || w === '-p' || w === '-l' || w === '-i') {
      if (words[i + 1] === undefined) problems.push(`${w} needs a value`);
      i++;
    } else if (/^-[Jpli]./.test(w)) continue;
    else if (w === '-o' || w.startsWith('-o')) {
      const kv = w === '-o' ? (words[++i] ?? '') : w.slice(2);
      const m = /^([A-Za-z][A-Za-z0-9]*)\s*[= ]\s*(.*)$/.exec(kv);
      if (!m) problems.push(`-o ${kv || '(nothing)'}: expected -o Key=Value`);
      else if (quiet.has(m[1]!.toLowerCase())) ignored.push(`-o ${m[1]}`);
      else if (!known.has(m[1]!.toLowerCase()))
        problems.push(`-o ${m[1]} is not supported (supported: ${SSH_ARG_OPTIONS.join(', ')})`);
    } else if (IGNORED_SSH_FLAGS.includes(w) || /^-v+$/.test(w)) ignored.push(w);
    else {
      // ssh's flags that take an argument: the argument goes with the refusal
      const arg = /^-[BbcDEeFIiLmOQRSWw]$/.test(w) && words[i + 1] !== undefined ? ` ${words[++i]}` : '';
      problems.push(`${w}${arg} is not supported (use -o Key=Value, -J, -p, -l or -i)`);
    }
  }
  return { problems, ignored };
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
  /** `-o ServerAliveInterval=` / `-o ServerAliveCountMax=` from the ssh args. */
  serverAliveInterval?: string;
  serverAliveCountMax?: string;
}

function fromConfig(cfg: SSHConfig | null, name: string, user?: string): Record<string, string | string[]> {
  if (!cfg) return {};
  const lines = perHostLines.get(cfg);
  if (lines) cfg = hostMatchConfig(cfg, lines, name, user);
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
  const alive = top.serverAliveInterval ?? first(c.serveraliveinterval);
  const aliveMax = top.serverAliveCountMax ?? first(c.serveralivecountmax);
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
  const cfg = loadSshConfig(defaults.sshConfigFile, defaults.systemSshConfigFile);
  const args = parseSshArgs(
    [
      str(vars.ansible_ssh_common_args) ?? defaults.sshCommonArgs,
      str(vars.ansible_ssh_extra_args) ?? defaults.sshExtraArgs,
    ]
      .filter(Boolean)
      .join(' '),
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
    serverAliveInterval: args.serveraliveinterval,
    serverAliveCountMax: args.serveralivecountmax,
  };
  return resolveOne(
    name,
    host ?? name,
    top,
    defaults,
    cfg,
    {
      password:
        asSecret(vars.ansible_password ?? vars.ansible_ssh_pass ?? vars.ansible_ssh_password) ??
        defaults.password,
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
