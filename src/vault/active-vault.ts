/**
 * The vault passwords of this invocation, where the loaders (vars files, group_vars/host_vars, `-e @file`,
 * `!vault` values) find them. One process runs one command with one set of vault passwords, as in Ansible,
 * so the CLI sets the keyring once before it loads anything; threading it through every loader's signature
 * would reach into every caller of the YAML readers for no gain. Tests set it and restore the previous one.
 */
import { VaultKeyring } from './keyring';

let active = new VaultKeyring();

/** Make `keyring` the one loaders use; returns the previous one (to restore). */
export function useVaultKeyring(keyring: VaultKeyring): VaultKeyring {
  const prev = active;
  active = keyring;
  return prev;
}

export function activeVaultKeyring(): VaultKeyring {
  return active;
}
