/**
 * A real OpenSSH sshd for tests: config, ed25519 host key and authorized keys in a temp dir, loopback (or
 * a network namespace the caller created), test users with /bin/sh. Everything it starts is stopped by
 * `stop()` and, as a last resort, when the test process exits (even on failure).
 *
 * Test users (created once per machine, idempotent; needs root):
 *  - `rmt`    password TEST_PASSWORD, sudo with password
 *  - `rmtnp`  no password (`*`), sudo NOPASSWD
 *  - `rmttty` no password, sudo NOPASSWD but `requiretty`
 *  - `rmtbash` no password, sudo NOPASSWD, and /bin/bash as its login shell (the others have /bin/sh)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCleanups } from './exit-cleanups';
// sshd suites start sshd in a before hook: a throw there must fail the file even when it is run directly
// (`npx tsx test/...`), not only under test/run.js, which preloads the guard anyway (loaded once either way).
import './hook-guard';

export const TEST_PASSWORD = 'rmt-Test-pass-1';
export const TEST_USERS = {
  password: 'rmt',
  nopasswd: 'rmtnp',
  requiretty: 'rmttty',
  bash: 'rmtbash',
} as const;

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.exit(130);
  });
}

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function userExists(name: string): boolean {
  try {
    sh('id', ['-u', name]);
    return true;
  } catch {
    return false;
  }
}

/** Create the test users and their sudo rules (idempotent). */
export function ensureTestUsers(): void {
  if (process.getuid?.() !== 0) throw new Error('the sshd test harness needs root (it creates test users)');
  for (const name of Object.values(TEST_USERS)) {
    const shell = name === TEST_USERS.bash ? '/bin/bash' : '/bin/sh';
    if (!userExists(name)) {
      try {
        sh('useradd', ['-m', '-s', shell, name]);
      } catch (e) {
        if (!userExists(name)) throw e;
      }
    }
  }
  // `*`, not the locked `!`: with UsePAM no, sshd refuses locked accounts even for key auth.
  sh('usermod', ['-p', '*', TEST_USERS.nopasswd]);
  sh('usermod', ['-p', '*', TEST_USERS.requiretty]);
  sh('usermod', ['-p', '*', TEST_USERS.bash]);
  sh('chpasswd', [], `${TEST_USERS.password}:${TEST_PASSWORD}\n`);
  const sudoers =
    `${TEST_USERS.password} ALL=(ALL) ALL\n` +
    `${TEST_USERS.nopasswd} ALL=(ALL) NOPASSWD: ALL\n` +
    `Defaults:${TEST_USERS.requiretty} requiretty\n` +
    `${TEST_USERS.requiretty} ALL=(ALL) NOPASSWD: ALL\n` +
    `${TEST_USERS.bash} ALL=(ALL) NOPASSWD: ALL\n`;
  mkdirSync('/etc/sudoers.d', { recursive: true });
  const f = '/etc/sudoers.d/remediate-test';
  if (!existsSync(f) || readFileSync(f, 'utf8') !== sudoers) {
    writeFileSync(f, sudoers, { mode: 0o440 });
    chmodSync(f, 0o440);
  }
}

/** Generate an ed25519 key pair (few KDF rounds: tests decrypt it in JS); returns the private key path (public key at `.pub`). */
export function makeKey(dir: string, name: string, passphrase = ''): string {
  const p = join(dir, name);
  if (!existsSync(p))
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '4', '-N', passphrase, '-C', name, '-f', p]);
  return p;
}

/** Inventory variables that log into `d` as the NOPASSWD test user with its client key, plus `extra`. */
export function loginVars(d: Sshd, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ansible_host: d.host,
    ansible_port: d.port,
    ansible_user: TEST_USERS.nopasswd,
    ansible_ssh_private_key_file: d.clientKey,
    remediate_known_hosts: d.knownHostsFile,
    ...extra,
  };
}

export interface SshdOptions {
  maxSessions?: number;
  /** sshd's MaxStartups; left at OpenSSH's default (10:30:100) when unset. */
  maxStartups?: string;
  /** Offer the SFTP subsystem (default true). */
  sftp?: boolean;
  /** Reuse a host key (private key path) instead of generating one. */
  hostKey?: string;
  listenAddress?: string;
  /** Listen on this port (a restarted server keeping its address); default: a free one. */
  port?: number;
  /** Run inside this network namespace (created by the caller). */
  netns?: string;
  extraConfig?: string;
  /** Users allowed to log in (default: all test users). */
  users?: string[];
}

export interface Sshd {
  host: string;
  port: number;
  dir: string;
  pid: number;
  /** Private key authorized for every test user. */
  clientKey: string;
  /** `[host]:port ssh-ed25519 AAAA...`: this server's known_hosts line. */
  knownHostsLine: string;
  /** A known_hosts file holding just this server's key. */
  knownHostsFile: string;
  hostKey: string;
  /** Authorize another public key for a user. */
  authorize(user: string, pubKeyFile: string): void;
  /** SIGKILL sshd and every session it started (simulates a crash). */
  kill(): void;
  /** What sshd wrote on stderr (LogLevel ERROR). */
  log(): string;
  /** SIGKILL the sessions only (connections drop; sshd keeps listening). */
  dropConnections(): void;
  /** SIGSTOP the sessions (connections stay open but the server stops answering); returns a thaw. */
  freezeSessions(): () => void;
  /** Pids of the processes sshd started for connections (session monitors, shells, sftp-server). */
  sessionPids(): number[];
  stop(): Promise<void>;
}

function descendants(pid: number): number[] {
  const kids: Record<number, number[]> = {};
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (kids[ppid] ??= []).push(Number(d));
    } catch {
      /* exited */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const k of kids[p] ?? []) {
      out.push(k);
      walk(k);
    }
  };
  walk(pid);
  return out;
}

function killTree(pid: number): void {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

async function freePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function banner(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('data', (d) => done(d.toString().startsWith('SSH-')));
    s.once('error', () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  ensureTestUsers();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'remediate-sshd-'));
  chmodSync(dir, 0o755);
  const host = opts.listenAddress ?? '127.0.0.1';
  const hostKey = opts.hostKey ?? makeKey(dir, 'host_ed25519');
  const clientKey = makeKey(dir, 'client_ed25519');
  const akDir = join(dir, 'authorized_keys');
  mkdirSync(akDir, { mode: 0o755 });
  const users = opts.users ?? Object.values(TEST_USERS);
  const pub = readFileSync(`${clientKey}.pub`, 'utf8');
  for (const u of users) writeFileSync(join(akDir, u), pub, { mode: 0o644 });
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  let lastErr = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = opts.netns ? 22 : (opts.port ?? (await freePort(host)));
    const cfg = [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${akDir}/%u`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin no',
      `AllowUsers ${users.join(' ')}`,
      opts.maxSessions !== undefined ? `MaxSessions ${opts.maxSessions}` : '',
      opts.maxStartups !== undefined ? `MaxStartups ${opts.maxStartups}` : '',
      opts.sftp === false ? '' : 'Subsystem sftp /usr/lib/openssh/sftp-server',
      'AllowTcpForwarding yes',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel ERROR',
      opts.extraConfig ?? '',
    ]
      .filter(Boolean)
      .join('\n');
    const cfgFile = join(dir, 'sshd_config');
    writeFileSync(cfgFile, cfg + '\n');
    const argv = ['/usr/sbin/sshd', '-D', '-e', '-f', cfgFile];
    const cmd = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
    const child: ChildProcess = spawn(cmd[0]!, cmd.slice(1), {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: false,
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d.toString()));
    const pid = child.pid!;
    // Once sshd has exited (and been reaped) its pid can be reused by any process, here within seconds:
    // signal it only while our child is still running.
    const running = () => child.exitCode === null && child.signalCode === null;
    const killSshd = () => {
      if (running()) killTree(pid);
    };
    const cleanup = () => {
      killSshd();
      rmSync(dir, { recursive: true, force: true });
    };
    exitCleanups.add(cleanup);
    let up = false;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      // In a namespace the listener may be unreachable from here: sshd writes its PidFile once listening.
      if (opts.netns ? existsSync(join(dir, 'sshd.pid')) : await banner(host, port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) {
      killSshd();
      exitCleanups.delete(cleanup);
      lastErr = stderr;
      continue;
    }
    const knownHostsLine = `${port === 22 ? host : `[${host}]:${port}`} ${hostPub[0]} ${hostPub[1]}`;
    const knownHostsFile = join(dir, 'known_hosts');
    writeFileSync(knownHostsFile, knownHostsLine + '\n');
    const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    return {
      host,
      port,
      dir,
      pid,
      clientKey,
      knownHostsLine,
      knownHostsFile,
      hostKey,
      authorize: (user, pubKeyFile) =>
        writeFileSync(join(akDir, user), readFileSync(pubKeyFile, 'utf8'), { flag: 'a' }),
      kill: killSshd,
      log: () => stderr,
      dropConnections: () => {
        if (!running()) return;
        for (const p of descendants(pid)) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      },
      freezeSessions: () => {
        const frozen = running() ? descendants(pid) : [];
        const signal = (sig: NodeJS.Signals) => {
          for (const p of frozen) {
            try {
              process.kill(p, sig);
            } catch {
              /* gone */
            }
          }
        };
        signal('SIGSTOP');
        return () => signal('SIGCONT');
      },
      sessionPids: () => (running() ? descendants(pid) : []),
      stop: async () => {
        killSshd();
        await exited;
        exitCleanups.delete(cleanup);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`sshd did not start: ${lastErr}`);
}

/** An ssh-agent holding `keys`; `stop()` kills it. */
export async function startAgent(keys: string[]): Promise<{ sock: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'remediate-agent-'));
  const sock = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  const stop = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  exitCleanups.add(stop);
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
  for (const k of keys)
    execFileSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
  return { sock, stop };
}
