/**
 * Ansible Vault's file format, byte for byte: `$ANSIBLE_VAULT;1.1;AES256` (or `1.2;AES256;LABEL` with a vault
 * ID), then the hexlified vaulttext in 80-column lines. The vaulttext is itself
 * `hex(salt) \n hex(hmac) \n hex(ciphertext)`, hexlified once more (Ansible keeps that for compatibility).
 * Keys: PBKDF2-HMAC-SHA256(password, 32-byte salt, 10000 iterations) → 80 bytes = AES key, HMAC key, CTR IV.
 * The plaintext is PKCS#7-padded to the AES block even in CTR mode; the HMAC-SHA256 covers the ciphertext.
 */
import * as crypto from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
const KEY_LEN = 32;
const IV_LEN = 16;
const ITERATIONS = 10000;
const BLOCK = 16;

export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** The vault ID of a 1.2 envelope (`default` when there is none, as Ansible says). */
  vaultId: string | undefined;
  /** The hexlified vaulttext, line breaks removed. */
  body: string;
}

/** Thrown for malformed vault text; the caller adds where it was found. */
export class VaultFormatError extends Error {}

/** A wrong password (the HMAC does not verify). */
export class VaultHmacError extends Error {}

/** Does this text start like vault data (`$ANSIBLE_VAULT;`)? Leading whitespace is allowed, as in YAML values. */
export function isVaultText(text: string | Buffer): boolean {
  const s = typeof text === 'string' ? text : text.subarray(0, 64).toString('latin1');
  return s.trimStart().startsWith(VAULT_HEADER + ';');
}

export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.trim().split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3)
    throw new VaultFormatError('not a vault envelope (expected "$ANSIBLE_VAULT;1.1;AES256")');
  const [, version, cipher, vaultId] = header.map((h) => h.trim());
  if (version !== '1.1' && version !== '1.2')
    throw new VaultFormatError(`unsupported vault format version ${version} (1.1 and 1.2 are)`);
  if (cipher !== 'AES256') throw new VaultFormatError(`unsupported vault cipher ${cipher} (AES256 is)`);
  const body = lines
    .slice(1)
    .map((l) => l.trim())
    .join('');
  return { version: version!, cipher: cipher!, vaultId: vaultId || undefined, body };
}

function unhex(hex: string, what: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new VaultFormatError(`vault format error: the ${what} is not hexadecimal`);
  return Buffer.from(hex, 'hex');
}

function deriveKeys(password: Buffer, salt: Buffer): { key: Buffer; hmacKey: Buffer; iv: Buffer } {
  const k = crypto.pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LEN + IV_LEN, 'sha256');
  return {
    key: k.subarray(0, KEY_LEN),
    hmacKey: k.subarray(KEY_LEN, 2 * KEY_LEN),
    iv: k.subarray(2 * KEY_LEN),
  };
}

function pad(b: Buffer): Buffer {
  const n = BLOCK - (b.length % BLOCK);
  return Buffer.concat([b, Buffer.alloc(n, n)]);
}

function unpad(b: Buffer): Buffer {
  const n = b.length ? b[b.length - 1]! : 0;
  if (n < 1 || n > BLOCK || n > b.length || !b.subarray(b.length - n).every((x) => x === n))
    throw new VaultFormatError('vault format error: bad padding');
  return b.subarray(0, b.length - n);
}

export interface EncryptOptions {
  /** A vault ID: writes a 1.2 envelope naming it (`default` writes 1.1, as Ansible does). */
  vaultId?: string;
  /** Fixed salt (tests, reproducible output); 32 random bytes otherwise. */
  salt?: Buffer;
}

/** Encrypt `plaintext` with `password` into the text of a vault file (ends with a newline). */
export function encryptVault(
  plaintext: Buffer | string,
  password: Buffer | string,
  opts: EncryptOptions = {},
): string {
  const salt = opts.salt ?? crypto.randomBytes(32);
  const { key, hmacKey, iv } = deriveKeys(Buffer.from(password), salt);
  const c = crypto.createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([c.update(pad(Buffer.from(plaintext))), c.final()]);
  const hmac = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest();
  const vaulttext = [salt.toString('hex'), hmac.toString('hex'), ciphertext.toString('hex')].join('\n');
  const body = Buffer.from(vaulttext, 'latin1').toString('hex');
  const labelled = opts.vaultId !== undefined && opts.vaultId !== '' && opts.vaultId !== 'default';
  const header = labelled ? `${VAULT_HEADER};1.2;AES256;${opts.vaultId}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return lines.join('\n') + '\n';
}

/**
 * Decrypt an envelope with one password. Throws VaultHmacError when the password is not the one it was
 * encrypted with, VaultFormatError when the text is not a well-formed vault.
 */
export function decryptVault(env: VaultEnvelope, password: Buffer | string): Buffer {
  const inner = unhex(env.body, 'envelope').toString('latin1').split('\n');
  if (inner.length !== 3)
    throw new VaultFormatError('vault format error: expected salt, hmac and ciphertext');
  const salt = unhex(inner[0]!, 'salt');
  const hmac = unhex(inner[1]!, 'hmac');
  const ciphertext = unhex(inner[2]!, 'ciphertext');
  const { key, hmacKey, iv } = deriveKeys(Buffer.from(password), salt);
  const expected = crypto.createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (hmac.length !== expected.length || !crypto.timingSafeEqual(hmac, expected))
    throw new VaultHmacError('HMAC verification failed');
  const d = crypto.createDecipheriv('aes-256-ctr', key, iv);
  return unpad(Buffer.concat([d.update(ciphertext), d.final()]));
}
