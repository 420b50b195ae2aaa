/** Debian's real `ansible-vault`, the oracle for the vault format (tests skip through test/helpers/skip.ts where it is missing). */
import { spawnSync } from 'node:child_process';

export const ANSIBLE_VAULT = '/usr/bin/ansible-vault';

/** Run ansible-vault with ANSIBLE_* config isolated; throws with its stderr on failure. */
export function ansibleVault(args: string[], opts: { cwd: string; input?: string }): string {
  const r = spawnSync('ansible-vault', args, {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: opts.cwd, LC_ALL: 'C.UTF-8' },
  });
  if (r.status !== 0) throw new Error(`ansible-vault ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
