/**
 * The local transport (`ansible_connection=local`, implicit localhost): commands run through `/bin/sh -c`
 * on the controller, files are written atomically with node:fs. Becoming another user than the current one
 * wraps the command with sudo/su; become to the user we already are runs directly.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp, constants as fsc } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { abortError } from '../abort';
import { execCommand, sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import { BecomeDriver, prepareScript, wrapBecome } from './become';
import { putScript, sha256 } from './file-transfer';
import { OutputCapture, RunningCommand } from './running-command';
import type {
  BecomeOptions,
  ExecOptions,
  ExecResult,
  PutOptions,
  PutResult,
  Transport,
  TransportHost,
} from './types';

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Commands run in their own process group (so a timeout kills their children), which also shields them
 * from the terminal's Ctrl-C: whatever still runs when the controller exits is killed with it.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

export interface LocalTransportOptions {
  /** Default environment base (default: process.env). */
  baseEnv?: NodeJS.ProcessEnv;
}

export class LocalTransport implements Transport {
  readonly host: string;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly me = os.userInfo();

  constructor(host: string | TransportHost = 'localhost', opts: LocalTransportOptions = {}) {
    this.host = typeof host === 'string' ? host : host.name;
    this.baseEnv = opts.baseEnv ?? process.env;
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  /** True when become names the user we already run as: no wrapping needed. */
  private isSelf(become: BecomeOptions | undefined): boolean {
    if (!become) return true;
    const user = become.user || 'root';
    return (
      user === this.me.username || user === String(this.me.uid) || (user === 'root' && this.me.uid === 0)
    );
  }

  async exec(cmd: ExecCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    let script = cmd.script;
    let env = { ...this.baseEnv, ...(opts.env ?? {}) };
    const stdin = opts.stdin;
    let wrapped: ReturnType<typeof wrapBecome> | undefined;
    if (!this.isSelf(opts.become)) {
      // sudo resets the environment: exports and cd go inside the wrapper (area 5's shared become.ts).
      const inner = prepareScript(script, { env: opts.env, cwd: opts.cwd });
      wrapped = wrapBecome(execCommand(inner, inner), opts.become!);
      script = wrapped.command.script;
      env = { ...this.baseEnv };
    } else if (opts.cwd !== undefined) {
      script = sh`cd ${opts.cwd} || exit 1`.script + '\n' + script;
    }
    const cap = opts.maxOutput ?? DEFAULT_MAX_OUTPUT;
    const started = performance.now();
    if (opts.signal?.aborted) throw abortError();
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', script], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Own process group, so a timeout kills the command's children too.
        detached: true,
      });
      if (child.pid) trackGroup(child.pid);
      const out = new OutputCapture(cap, opts.onStdout);
      const err = new OutputCapture(cap, opts.onStderr);
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let closed: () => void = () => {};
      const ended = new Promise<void>((r) => (closed = r));
      const killGroup = (sig: NodeJS.Signals): void => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          /* already gone */
        }
      };
      const driver = wrapped
        ? new BecomeDriver(wrapped, opts.become!.password, stdin, {
            write: (d) => child.stdin.write(d),
            end: () => child.stdin.end(),
            abort: () => killGroup('SIGKILL'),
          })
        : undefined;
      const run = new RunningCommand(
        { timeoutMs: opts.timeoutMs, signal: opts.signal },
        {
          // Timeout or Ctrl-C: the command has its own process group (no terminal SIGINT reaches it),
          // so stop the group here, TERM then KILL, and report once it is gone.
          stop: async () => {
            killGroup('SIGTERM');
            setTimeout(() => killGroup('SIGKILL'), 500).unref();
            await ended;
            return undefined;
          },
          settle: (end) => {
            if (child.pid) liveGroups.delete(child.pid);
            if (end.interrupted) return reject(abortError());
            if (driver && !end.timedOut) {
              try {
                driver.finish();
              } catch (e) {
                return reject(e);
              }
            }
            const r: ExecResult = {
              stdout: out.text(),
              stderr: err.text(),
              code: exit?.code ?? null,
              signal: exit?.signal ?? null,
              durationMs: Math.round(performance.now() - started),
            };
            if (end.timedOut) r.timedOut = true;
            if (out.truncated || err.truncated) r.truncated = true;
            resolve(r);
          },
        },
      );
      const onEnd = (code: number | null, signal: NodeJS.Signals | null, extraErr = ''): void => {
        if (exit) return;
        exit = { code, signal };
        if (extraErr) err.addText(extraErr);
        closed();
        run.exited();
      };
      child.stdout.on('data', (b: Buffer) => out.add(b));
      child.stderr.on('data', (b: Buffer) => {
        if (!driver) return err.add(b);
        const mine = driver.filter(b.toString('utf8'));
        if (mine) err.addText(mine);
      });
      child.stdin.on('error', () => {
        /* the command did not read its stdin (EPIPE): not an error */
      });
      child.on('error', (e) => onEnd(127, null, `remediate: cannot run /bin/sh: ${e.message}\n`));
      child.on('close', (code, signal) => onEnd(code, signal));
      run.start();
      // With become, the driver writes stdin once the escalation succeeded.
      if (!driver) child.stdin.end(stdin);
    });
  }

  async put(remotePath: string, content: Buffer, opts: PutOptions = {}): Promise<PutResult> {
    const digest = sha256(content);
    if (!this.isSelf(opts.become)) {
      const r = await this.exec(putScript(remotePath, digest, content.length, opts), {
        stdin: content,
        become: opts.become,
      });
      if (r.code !== 0) throw fileError(this.host, 'write', remotePath, r.stderr.trim() || `exit ${r.code}`);
      return { changed: r.stdout.trim().split('\n').pop() !== 'unchanged', sha256: digest };
    }
    try {
      return await this.putDirect(remotePath, content, digest, opts);
    } catch (e) {
      throw e instanceof ModuleError ? e : fileError(this.host, 'write', remotePath, e);
    }
  }

  private async putDirect(
    remotePath: string,
    content: Buffer,
    digest: string,
    opts: PutOptions,
  ): Promise<PutResult> {
    const uid = opts.owner === undefined ? undefined : await resolveId(opts.owner, 'user');
    const gid = opts.group === undefined ? undefined : await resolveId(opts.group, 'group');
    const existing = await fsp.stat(remotePath).catch(() => undefined);
    if (existing?.isFile()) {
      const same =
        (opts.mode === undefined || (existing.mode & 0o7777) === (opts.mode & 0o7777)) &&
        (uid === undefined || existing.uid === uid) &&
        (gid === undefined || existing.gid === gid) &&
        existing.size === content.length &&
        sha256(await fsp.readFile(remotePath)) === digest;
      if (same) return { changed: false, sha256: digest };
    }
    const dir = path.dirname(remotePath);
    const tmp = path.join(
      dir,
      `.${path.basename(remotePath)}.remediate-${randomBytes(6).toString('hex')}.tmp`,
    );
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
      await fh.writeFile(content);
      const mode = opts.mode ?? (existing ? existing.mode : 0o666 & ~currentUmask());
      await fh.chmod(mode & 0o7777);
      const wantUid = uid ?? (existing && this.me.uid === 0 ? existing.uid : undefined);
      const wantGid = gid ?? (existing && this.me.uid === 0 ? existing.gid : undefined);
      if (wantUid !== undefined || wantGid !== undefined) await fh.chown(wantUid ?? -1, wantGid ?? -1);
      // chown clears setuid/setgid bits: set the mode again.
      if (wantUid !== undefined || wantGid !== undefined) await fh.chmod(mode & 0o7777);
      await fh.sync();
      await fh.close();
      fh = undefined;
      await fsp.rename(tmp, remotePath);
    } catch (e) {
      await fh?.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw fileError(this.host, 'write', remotePath, e);
    }
    await syncDir(dir);
    return { changed: true, sha256: digest };
  }

  async get(remotePath: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer> {
    if (this.isSelf(opts.become)) {
      return fsp.readFile(remotePath).catch((e: unknown) => {
        throw fileError(this.host, 'read', remotePath, e);
      });
    }
    // base64 keeps binary content intact through the text pipe.
    const r = await this.exec(sh`base64 < ${remotePath}`, { become: opts.become });
    if (r.code !== 0) throw fileError(this.host, 'read', remotePath, r.stderr.trim() || `exit ${r.code}`);
    return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
  }
}

/** A typed, host-named error for a failed file transfer (the task fails; the message says what and where). */
function fileError(host: string, op: 'read' | 'write', file: string, cause: unknown): ModuleError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const why =
    typeof cause === 'string' ? cause : code ? `${code}: ${(cause as Error).message}` : String(cause);
  const hint =
    code === 'ENOENT'
      ? op === 'write'
        ? 'does the destination directory exist? create it first (file: state=directory)'
        : 'check the path'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied: use become'
        : undefined;
  return new ModuleError(`${host}: cannot ${op} ${file}: ${why}`, { hint, cause });
}

async function syncDir(dir: string): Promise<void> {
  const dh = await fsp.open(dir, fsc.O_RDONLY).catch(() => undefined);
  if (!dh) return;
  await dh.sync().catch(() => undefined);
  await dh.close().catch(() => undefined);
}

function currentUmask(): number {
  // process.umask() without arguments is deprecated but still the only way to read it; 0o022 is the default.
  try {
    const m = process.umask(0o022);
    process.umask(m);
    return m;
  } catch {
    return 0o022;
  }
}

const idCache = new Map<string, number>();

/** A user or group name (or number) to its numeric id on this machine. */
async function resolveId(name: string, kind: 'user' | 'group'): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const key = `${kind}:${name}`;
  const hit = idCache.get(key);
  if (hit !== undefined) return hit;
  const t = new LocalTransport();
  const cmd = kind === 'user' ? sh`id -u -- ${name}` : sh`getent group -- ${name} | cut -d: -f3`;
  const r = await t.exec(cmd);
  const id = Number(r.stdout.trim());
  if (r.code !== 0 || r.stdout.trim() === '' || !Number.isInteger(id)) {
    throw new Error(`no such ${kind}: ${name}`);
  }
  idCache.set(key, id);
  return id;
}
