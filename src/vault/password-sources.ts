/**
 * Where vault passwords come from, as in Ansible: `--vault-id LABEL@SOURCE` (SOURCE a file, an executable
 * script, or `prompt`), `--vault-password-file FILE` (= `default@FILE`), `ANSIBLE_VAULT_PASSWORD_FILE`,
 * `--ask-vault-pass` (= `default@prompt`). A password file is read and stripped of surrounding whitespace; an
 * executable file is run and its stdout (stripped of line breaks) is the password; a script named
 * `*-client` or `*-client.EXT` is run with `--vault-id LABEL`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { DEFAULT_VAULT_ID, VaultKeyring, type VaultSecret } from './keyring';
import { isVaultText } from './vault-format';

export interface VaultPasswordOptions {
  /** `--vault-id` values: `LABEL@SOURCE` or just `SOURCE`. */
  vaultIds?: readonly string[];
  /** `--vault-password-file` values. */
  passwordFiles?: readonly string[];
  /** `--ask-vault-pass`. */
  askVaultPass?: boolean;
  /** Reads ANSIBLE_VAULT_PASSWORD_FILE (and ANSIBLE_VAULT_IDENTITY_LIST, comma-separated `--vault-id`s). */
  env?: NodeJS.ProcessEnv;
  /**
   * ansible.cfg's `vault_password_file` (relative to cwd: resolve it against the config's directory first).
   * The same setting as ANSIBLE_VAULT_PASSWORD_FILE, which wins over it, as in Ansible.
   */
  configPasswordFile?: string;
  /** Relative paths resolve here. */
  cwd?: string;
  /** Asks for a password without echo (the CLI's terminal / stdin prompt). */
  prompt?: (question: string) => Promise<string>;
  /** Encrypting (`vault encrypt`, `create`, rekey's new password): a prompt asks twice and compares. */
  forEncryption?: boolean;
}

/** Split `LABEL@SOURCE` (a bare SOURCE has the default ID). */
export function splitVaultId(slug: string): { id: string; source: string } {
  const at = slug.indexOf('@');
  if (at < 0) return { id: DEFAULT_VAULT_ID, source: slug };
  return { id: slug.slice(0, at) || DEFAULT_VAULT_ID, source: slug.slice(at + 1) };
}

/** The vault-id slugs these options name, in Ansible's order: `--vault-id`s, password files, then the prompt. */
export function vaultIdSlugs(opts: VaultPasswordOptions): string[] {
  const env = opts.env ?? {};
  const slugs = [...(opts.vaultIds ?? [])];
  for (const id of (env.ANSIBLE_VAULT_IDENTITY_LIST ?? '').split(',')) if (id.trim()) slugs.push(id.trim());
  const files = [...(opts.passwordFiles ?? [])];
  const configured = env.ANSIBLE_VAULT_PASSWORD_FILE || opts.configPasswordFile;
  if (configured) files.push(configured);
  for (const f of files) slugs.push(`${DEFAULT_VAULT_ID}@${f}`);
  if (opts.askVaultPass) slugs.push(`${DEFAULT_VAULT_ID}@prompt_ask_vault_pass`);
  return slugs;
}

function isExecutableFile(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function scriptIsClient(file: string): boolean {
  return (
    path.basename(file, path.extname(file)).endsWith('-client') || path.basename(file).endsWith('-client')
  );
}

function runPasswordScript(file: string, id: string): Buffer {
  const args = scriptIsClient(file) ? ['--vault-id', id] : [];
  // stderr goes to the terminal: a script may prompt there, as with Ansible
  const r = spawnSync(file, args, {
    stdio: ['inherit', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
    timeout: 120_000,
  });
  if (r.error)
    throw new UsageError(`cannot run vault password script ${file}: ${r.error.message}`, {
      hint: 'if it is not a script, remove its executable bit (chmod -x)',
    });
  if (r.status !== 0)
    throw new UsageError(`vault password script ${file} exited with ${r.status ?? r.signal}`);
  return Buffer.from(r.stdout.toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');
}

/**
 * Read one password source for vault ID `id`: a prompt, a script or a file. `earlier` are the secrets read
 * before it (a password file may itself be vault-encrypted with one of them, as Ansible allows).
 */
export async function readVaultPasswordSource(
  source: string,
  id: string,
  opts: VaultPasswordOptions = {},
  earlier: readonly VaultSecret[] = [],
): Promise<VaultSecret> {
  if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
    if (!opts.prompt) throw new UsageError('cannot prompt for a vault password here');
    const label = source === 'prompt' ? ` (${id})` : '';
    const first = await opts.prompt(`${opts.forEncryption ? 'New vault' : 'Vault'} password${label}: `);
    if (opts.forEncryption) {
      const again = await opts.prompt(`Confirm new vault password${label}: `);
      if (again !== first) throw new UsageError('the vault passwords do not match');
    }
    const pw = first.trim();
    if (!pw) throw new UsageError('an empty vault password was given');
    return { id, password: Buffer.from(pw), source: 'prompt' };
  }
  const file = path.resolve(opts.cwd ?? process.cwd(), source);
  if (!fs.existsSync(file))
    throw new UsageError(`the vault password file ${file} was not found`, {
      hint: 'check --vault-password-file / --vault-id / ANSIBLE_VAULT_PASSWORD_FILE',
    });
  let pw: Buffer;
  if (isExecutableFile(file)) pw = runPasswordScript(file, id);
  else {
    let raw: string;
    try {
      raw = fs.readFileSync(file, 'latin1');
    } catch (e) {
      throw new UsageError(`cannot read vault password file ${file}: ${(e as Error).message}`);
    }
    if (isVaultText(raw)) raw = new VaultKeyring(earlier).decrypt(raw, file).toString('latin1');
    pw = Buffer.from(raw.trim(), 'latin1');
  }
  if (pw.length === 0) throw new UsageError(`the vault password from ${file} is empty`);
  return { id, password: pw, source: file };
}

/** Every vault password the options name, read (scripts run, prompts asked) in order. */
export async function loadVaultSecrets(opts: VaultPasswordOptions): Promise<VaultSecret[]> {
  const out: VaultSecret[] = [];
  for (const slug of vaultIdSlugs(opts)) {
    const { id, source } = splitVaultId(slug);
    out.push(await readVaultPasswordSource(source, id, opts, out));
  }
  return out;
}

/** A keyring from the options (empty when they name no password). */
export async function loadVaultKeyring(
  opts: VaultPasswordOptions,
  onReveal?: (plaintext: string) => void,
): Promise<VaultKeyring> {
  return new VaultKeyring(await loadVaultSecrets(opts), onReveal);
}
