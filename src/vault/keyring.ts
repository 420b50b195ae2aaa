/**
 * The vault passwords of one invocation, each with its vault ID (`default` when none was named), and the
 * decryption that tries them as Ansible does: the secret whose ID the envelope names first, then every other.
 * Each plaintext it reveals is handed to `onReveal`, so the run can mask it wherever it would be printed.
 */
import { PlaybookError, type SourceLoc } from '../errors';
import {
  decryptVault,
  encryptVault,
  parseEnvelope,
  VaultFormatError,
  VaultHmacError,
  type EncryptOptions,
} from './vault-format';

export const DEFAULT_VAULT_ID = 'default';

export interface VaultSecret {
  /** The vault ID (label) the password belongs to. */
  id: string;
  password: Buffer;
  /** Where it came from (`prompt`, a file name): for messages only, never the password. */
  source: string;
}

/**
 * Vault data that cannot be decrypted: no password given, no password fits, or malformed. Invalid input,
 * exit 4, located like any other load error (`file:line:col`, or the file when there is no line).
 */
export class VaultError extends PlaybookError {
  constructor(message: string, where?: SourceLoc | string, opts: { hint?: string; cause?: unknown } = {}) {
    super(
      typeof where === 'string' ? `${where}: ${message}` : message,
      typeof where === 'string' ? undefined : where,
      opts,
    );
  }
}

export const VAULT_PASSWORD_HINT =
  'give the vault password with --ask-vault-pass, --vault-password-file FILE, --vault-id LABEL@FILE or ANSIBLE_VAULT_PASSWORD_FILE';

export class VaultKeyring {
  constructor(
    readonly secrets: readonly VaultSecret[] = [],
    /** Called with every plaintext decrypted (as UTF-8 text). */
    public onReveal?: (plaintext: string) => void,
  ) {}

  get empty(): boolean {
    return this.secrets.length === 0;
  }

  /** Secrets to try for an envelope of `vaultId`: the matching ID first, then the others, in given order. */
  private candidates(vaultId: string | undefined): VaultSecret[] {
    const id = vaultId ?? DEFAULT_VAULT_ID;
    return [...this.secrets.filter((s) => s.id === id), ...this.secrets.filter((s) => s.id !== id)];
  }

  /** Decrypt vault text; `where` (file:line:col or a file name) locates errors. */
  decrypt(text: string, where?: SourceLoc | string, opts: { reveal?: boolean } = {}): Buffer {
    let env;
    try {
      env = parseEnvelope(text);
    } catch (e) {
      throw new VaultError((e as Error).message, where);
    }
    if (this.empty)
      throw new VaultError('found vault-encrypted data, but no vault password was given', where, {
        hint: VAULT_PASSWORD_HINT,
      });
    for (const s of this.candidates(env.vaultId)) {
      try {
        const plain = decryptVault(env, s.password);
        if (opts.reveal !== false) this.onReveal?.(plain.toString('utf8'));
        return plain;
      } catch (e) {
        if (e instanceof VaultHmacError) continue;
        if (e instanceof VaultFormatError) throw new VaultError(e.message, where);
        throw e;
      }
    }
    const idNote = env.vaultId ? ` (vault ID "${env.vaultId}")` : '';
    throw new VaultError(
      `decryption failed: none of the vault passwords given decrypts this${idNote}`,
      where,
      {
        hint: `check the vault password (${this.secrets.map((s) => `${s.id}@${s.source}`).join(', ')})`,
      },
    );
  }

  /** Decrypt to text. */
  decryptText(text: string, where?: SourceLoc | string): string {
    return this.decrypt(text, where).toString('utf8');
  }

  /**
   * The secret to encrypt with: the one whose ID is `encryptId`, else the only one. Several and no choice is
   * an error, as in Ansible (`--encrypt-vault-id`).
   */
  encryptSecret(encryptId?: string): VaultSecret {
    if (this.empty)
      throw new VaultError('a vault password is required to encrypt', undefined, {
        hint: VAULT_PASSWORD_HINT,
      });
    if (encryptId !== undefined) {
      const s = this.secrets.find((x) => x.id === encryptId);
      if (!s)
        throw new VaultError(`no vault password was given for the vault ID "${encryptId}"`, undefined, {
          hint: 'name it with --vault-id LABEL@SOURCE',
        });
      return s;
    }
    const ids = new Set(this.secrets.map((s) => s.id));
    if (ids.size > 1)
      throw new VaultError(`several vault IDs were given (${[...ids].join(', ')})`, undefined, {
        hint: 'choose the one to encrypt with: --encrypt-vault-id LABEL',
      });
    return this.secrets[0]!;
  }

  encrypt(
    plaintext: Buffer | string,
    encryptId?: string,
    opts: Omit<EncryptOptions, 'vaultId'> = {},
  ): string {
    const s = this.encryptSecret(encryptId);
    return encryptVault(plaintext, s.password, { ...opts, vaultId: s.id });
  }
}
