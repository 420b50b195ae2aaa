/**
 * Vault data inside YAML: whole files encrypted with `ansible-vault encrypt`, and `!vault |` values
 * (`ansible-vault encrypt_string`). Both decrypt with the invocation's keyring; errors name file:line:col.
 */
import * as YAML from 'yaml';
import { activeVaultKeyring } from './active-vault';
import type { VaultKeyring } from './keyring';
import { isVaultText } from './vault-format';

/** The `!vault` tag: parsed as its text, decrypted by `decryptVaultValues` before the document is used. */
export const VAULT_TAG: YAML.ScalarTag = {
  tag: '!vault',
  resolve: (s: string) => s,
};

/** A file's text, decrypted when the whole file is vault-encrypted (`revealed` then says so). */
export function decryptVaultFile(
  text: string,
  file: string,
  keyring: VaultKeyring = activeVaultKeyring(),
): { text: string; revealed: boolean } {
  if (!isVaultText(text)) return { text, revealed: false };
  return {
    text: keyring.decrypt(text, { file, line: 1, col: 1 }, { reveal: false }).toString('utf8'),
    revealed: true,
  };
}

/** Replace every `!vault` scalar of `doc` by its plaintext (a plain string). */
export function decryptVaultValues(
  doc: YAML.Document,
  lines: YAML.LineCounter,
  file: string,
  keyring: VaultKeyring = activeVaultKeyring(),
): void {
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (node.tag !== '!vault') return;
      const p = lines.linePos(node.range?.[0] ?? 0);
      node.value = keyring.decryptText(String(node.value ?? ''), { file, line: p.line, col: p.col });
      node.tag = undefined;
    },
  });
}

/** Hand every string (and number) of a decrypted file's value to the keyring's `onReveal`. */
export function revealValues(value: unknown, keyring: VaultKeyring = activeVaultKeyring(), depth = 0): void {
  if (!keyring.onReveal || depth > 50) return;
  if (typeof value === 'string') keyring.onReveal(value);
  else if (typeof value === 'number' || typeof value === 'bigint') keyring.onReveal(String(value));
  else if (Array.isArray(value)) for (const v of value) revealValues(v, keyring, depth + 1);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value as Record<string, unknown>)) revealValues(v, keyring, depth + 1);
}
