/**
 * Run the CLI with `--output json` and SIGKILL it the moment its NDJSON stream shows a given event (a host
 * starting or finishing a task): crash tests synchronise on what the controller reports, never on sleeps.
 */
import { spawn } from 'node:child_process';
import { CLI_MAIN, REPO_ROOT } from './cli';

/** One NDJSON line of `--output json` (`start`, `log`, `task` or `recap`). */
export interface JsonEvent {
  type: 'start' | 'log' | 'task' | 'recap';
  host?: string;
  task?: string;
  status?: string;
  changed?: boolean;
  exitCode?: number;
  msg?: string;
  [k: string]: unknown;
}

export interface KilledRun {
  /** True when the trigger fired and the controller was killed (false: it ended on its own first). */
  killed: boolean;
  code: number | null;
  events: JsonEvent[];
  stderr: string;
}

export interface KillAtOptions {
  /** Called for every event seen; return true to kill the controller now. */
  trigger: (e: JsonEvent, seen: readonly JsonEvent[]) => boolean;
  /** Runs after the trigger fired and before the SIGKILL (e.g. to look at the target mid-task). */
  beforeKill?: () => Promise<void>;
  /** false: only run `beforeKill` when the trigger fires, and let the run go on (a fault planted mid-run). */
  kill?: boolean;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** `remediate ARGS --output json`, killed with SIGKILL when `trigger` says so. */
export function runAndKillAt(args: string[], o: KillAtOptions): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', require.resolve('tsx/cjs'), CLI_MAIN, ...args, '--output', 'json'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const events: JsonEvent[] = [];
    let stderr = '';
    let buf = '';
    let killed = false;
    let fired = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 240_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while (!killed && (nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.trim()) continue;
        let e: JsonEvent;
        try {
          e = JSON.parse(line) as JsonEvent;
        } catch {
          continue;
        }
        events.push(e);
        if (!fired && o.trigger(e, events)) {
          fired = true;
          if (o.kill === false) {
            void (o.beforeKill ?? (async () => undefined))();
            continue;
          }
          killed = true;
          child.stdout.pause();
          void (o.beforeKill ?? (async () => undefined))().finally(() => child.kill('SIGKILL'));
        }
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ killed, code, events, stderr });
    });
  });
}

/** A trigger: every one of `hosts` has started the task named `task` (its `n`-th start with loops/retries). */
export function allStarted(task: string, hosts: number): KillAtOptions['trigger'] {
  return (_e, seen) =>
    new Set(seen.filter((x) => x.type === 'start' && x.task === task).map((x) => x.host)).size >= hosts;
}
