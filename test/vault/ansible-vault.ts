/** Debian's real `ansible-vault`, the oracle for the vault format (tests skip, saying so, where it is missing). */
import { spawnSync } from 'node:child_process';

export const ANSIBLE_VAULT = '/usr/bin/ansible-vault';

export function hasAnsibleVault(): boolean {
  const r = spawnSync('ansible-vault', ['--help'], { stdio: 'ignore' });
  return r.status === 0;
}

export function skipMessage(what: string): void {
  console.log(
    `SKIP ${what}: ansible-vault is not installed (apt-get install ansible-core; .ci/install-deps does)`,
  );
}

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
