/**
 * Ansible's vault password flags, shared by `run`, `validate`, `inventory` and `vault`: `--vault-id`,
 * `--vault-password-file`, `-J/--ask-vault-pass` (and ANSIBLE_VAULT_PASSWORD_FILE in the environment).
 */
import type { Command } from 'commander';
import {
  loadVaultKeyring,
  useVaultKeyring,
  vaultIdSlugs,
  type VaultKeyring,
  type VaultPasswordOptions,
} from '../vault';
import { askBecomePassword } from './become-prompt';
import type { CliIo } from './cli-io';
import { collect } from './option-parsers';

export interface VaultCliOpts {
  vaultId: string[];
  vaultPasswordFile: string[];
  askVaultPass?: boolean;
}

export function addVaultOptions(cmd: Command): Command {
  return cmd
    .option(
      '--vault-id <id>',
      'vault password as LABEL@FILE, LABEL@SCRIPT or LABEL@prompt (repeatable)',
      collect,
      [],
    )
    .option(
      '--vault-password-file <file>',
      'vault password file (an executable file is run; its output is the password) (repeatable)',
      collect,
      [],
    )
    .option('-J, --ask-vault-pass', 'ask for the vault password');
}

/** The password prompt of the CLI: no echo on a terminal, one line from stdin otherwise. */
export function vaultPrompt(io: CliIo): (q: string) => Promise<string> {
  return async (q) => (await askBecomePassword(io, q)).reveal();
}

export function vaultPasswordOptions(o: VaultCliOpts, io: CliIo, extra: Partial<VaultPasswordOptions> = {}) {
  return {
    vaultIds: o.vaultId ?? [],
    passwordFiles: o.vaultPasswordFile ?? [],
    askVaultPass: o.askVaultPass,
    env: io.env,
    cwd: io.cwd,
    prompt: vaultPrompt(io),
    ...extra,
  } satisfies VaultPasswordOptions;
}

/** Does the command line (or environment) name any vault password? */
export function namesVaultPassword(o: VaultCliOpts, io: CliIo): boolean {
  return vaultIdSlugs(vaultPasswordOptions(o, io)).length > 0;
}

/**
 * Read the vault passwords named on the command line and make them the loaders' keyring. `onReveal` gets
 * every decrypted plaintext (the run masks them).
 */
export async function setupVault(
  o: VaultCliOpts,
  io: CliIo,
  onReveal?: (plaintext: string) => void,
  /** More sources, e.g. `{ configPasswordFile }` from ansible.cfg. */
  extra: Partial<VaultPasswordOptions> = {},
): Promise<VaultKeyring> {
  const keyring = await loadVaultKeyring(vaultPasswordOptions(o, io, extra), onReveal);
  useVaultKeyring(keyring);
  return keyring;
}
