/**
 * What a `remediate run` keeps beyond its output: the run journal (`.remediate/runs/<id>/`), the fleet
 * reports (`--report`), the opt-in retry file (`.remediate/retry/NAME.retry`), and the host selection
 * `--shard I/N` and `--retry-failed RUN` narrow the run to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import type { CliIo } from './cli-io';
import { println } from './cli-io';

/** `--shard I/N`: I from 0 to N-1 (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX). */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) throw new UsageError(`--shard ${v}: expected I/N, e.g. 0/3 (I from 0 to N-1)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UsageError(`--shard ${v}: I must be between 0 and N-1 (N >= 1)`);
  return { index, count };
}

/**
 * The shard a host belongs to: 32-bit FNV-1a of its inventory name, modulo N. The same host always lands
 * in the same shard for the same N, whatever the other hosts and their order.
 */
export function shardOf(host: string, count: number): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(host, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** `.remediate/retry/NAME.retry` in the working directory (opt-in: `--retry-file`). */
export function retryFilePath(cwd: string, playbookFile: string): string {
  const name = path.basename(playbookFile, path.extname(playbookFile)) + '.retry';
  return path.join(cwd, '.remediate', 'retry', name);
}

export function writeRetryFile(cwd: string, playbookFile: string, hosts: string[], io: CliIo): void {
  const file = retryFilePath(cwd, playbookFile);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, hosts.join('\n') + '\n');
    println(io.err, `to retry the failed hosts: --limit @${path.relative(io.cwd, file) || file}`);
  } catch (e) {
    println(io.err, `warning: could not write retry file ${file}: ${(e as Error).message}`);
  }
}

/** Retry files are opt-in: `--retry-file`, or ANSIBLE_RETRY_FILES_ENABLED=True (Ansible's setting). */
export function retryFilesWanted(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (flag !== undefined) return flag;
  const v = env.ANSIBLE_RETRY_FILES_ENABLED?.trim().toLowerCase();
  return v !== undefined && ['true', 'yes', 'on', '1', 'y', 't'].includes(v);
}
