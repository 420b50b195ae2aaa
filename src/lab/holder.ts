/**
 * The holder of a cluster: `ip netns exec NS unshare --mount --uts --propagation private sh lab-init`,
 * detached (own session, stdio to a log file, not the caller's), so the cluster outlives `lab up`.
 * ip and unshare exec without forking, so the spawned pid is the holder (the nsenter target).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type ExecResult } from './exec';

export function spawnHolder(dir: string, clusterDir: string, ns: string, faults: string[]): number {
  const logFile = path.join(clusterDir, 'init.log');
  const fd = fs.openSync(logFile, 'w');
  try {
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        'unshare',
        '--mount',
        '--uts',
        '--propagation',
        'private',
        '/bin/sh',
        path.join(dir, 'lib', 'lab-init'),
        clusterDir,
        dir,
        ...faults,
      ],
      { detached: true, stdio: ['ignore', fd, fd] },
    );
    child.unref();
    if (!child.pid) throw new Error(`could not start the holder of ${ns}`);
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until lab-init wrote DIR/clusters/C/ready; fails with its log when it died or took too long. */
export async function waitReady(
  clusterDir: string,
  pid: number,
  name: string,
  timeoutMs = 60000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = path.join(clusterDir, 'ready');
  for (;;) {
    if (fs.existsSync(ready)) return;
    if (!isAlive(pid) || Date.now() > deadline) {
      let tail = '';
      try {
        tail = fs
          .readFileSync(path.join(clusterDir, 'init.log'), 'utf8')
          .trim()
          .split('\n')
          .slice(-8)
          .join('\n');
      } catch {
        /* no log */
      }
      throw new Error(
        `cluster ${name} did not come up (${isAlive(pid) ? 'timed out' : 'init exited'}):\n${tail}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs `cmd` inside a cluster (its network, mount and UTS namespaces). */
export function inCluster(
  pid: number,
  cmd: string[],
  opts: { timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  return run('nsenter', ['-t', String(pid), '-m', '-u', '-n', '--', ...cmd], {
    timeoutMs: opts.timeoutMs ?? 30000,
    input: opts.input,
  });
}
