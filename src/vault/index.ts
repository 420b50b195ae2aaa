/** Ansible Vault: the file format, the keyring of one invocation, and where passwords come from. */
export { activeVaultKeyring, useVaultKeyring } from './active-vault';
export { DEFAULT_VAULT_ID, VAULT_PASSWORD_HINT, VaultError, VaultKeyring, type VaultSecret } from './keyring';
export {
  loadVaultKeyring,
  loadVaultSecrets,
  readVaultPasswordSource,
  splitVaultId,
  vaultIdSlugs,
  type VaultPasswordOptions,
} from './password-sources';
export { decryptVault, encryptVault, isVaultText, parseEnvelope, VAULT_HEADER } from './vault-format';
export { decryptVaultFile, decryptVaultValues, revealValues, VAULT_TAG } from './yaml-vault';
