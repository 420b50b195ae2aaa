/**
 * Golden playbook directories (site.yml + hosts.ini, recorded from ansible-playbook by their regenerate.sh):
 * a copy in a temporary working directory (a run leaves its journal where it runs), and remediate's plain
 * output for it, as a user sees it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Test } from 'uvu';
import { main } from '../../src/cli/main';

/** A temporary copy of `dir`'s site.yml and hosts.ini, removed after the suite. */
export function goldenWorkdir(suite: Test, dir: string, prefix: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const f of ['site.yml', 'hosts.ini']) fs.copyFileSync(path.join(dir, f), path.join(work, f));
  suite.after(() => fs.rmSync(work, { recursive: true, force: true }));
  return work;
}

/** `remediate run site.yml -i hosts.ini --output plain --no-retry-file [extra]` in `work`: stdout and exit code. */
export async function runPlain(work: string, extra: string[] = []): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const err = new PassThrough();
  err.resume();
  const stdin = new PassThrough();
  stdin.end();
  const argv = [
    'node',
    'remediate',
    'run',
    'site.yml',
    '-i',
    'hosts.ini',
    '--output',
    'plain',
    '--no-retry-file',
  ];
  const code = await main([...argv, ...extra], {
    out,
    err,
    stdin,
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code, text };
}
