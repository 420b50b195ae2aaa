/**
 * `remediate vault encrypt|decrypt|view|edit|create|rekey|encrypt_string`: Ansible Vault files and values,
 * readable and writable by `ansible-vault` (same format, same flags). Files are replaced atomically (a temp
 * file beside them, then rename) and keep their mode; `edit` decrypts into a private temp dir (0700) that is
 * removed afterwards, whatever happens.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors';
import { isVaultText, loadVaultKeyring, VaultError, type VaultKeyring } from '../vault';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { collect } from './option-parsers';
import { addVaultOptions, vaultPasswordOptions, vaultPrompt, type VaultCliOpts } from './vault-options';

interface VaultCmdOpts extends VaultCliOpts {
  output?: string;
  encryptVaultId?: string;
  newVaultId?: string;
  newVaultPasswordFile?: string;
  name: string[];
  stdinName?: string;
  prompt?: boolean;
}

function readStdin(io: CliIo): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    io.stdin.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
    io.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    io.stdin.on('error', reject);
  });
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Replace `file` atomically with `content`, keeping its mode (0600 for a new file). */
export function writeAtomic(file: string, content: Buffer | string): void {
  let mode = 0o600;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    /* new file */
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.remediate-${process.pid}`);
  try {
    fs.writeFileSync(tmp, content, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

async function keyringFor(o: VaultCmdOpts, io: CliIo, forEncryption: boolean): Promise<VaultKeyring> {
  const opts = vaultPasswordOptions(o, io, { forEncryption });
  // like ansible-vault: with no password source named, ask for one
  if (!opts.vaultIds.length && !opts.passwordFiles.length && !io.env.ANSIBLE_VAULT_PASSWORD_FILE)
    opts.askVaultPass = true;
  return loadVaultKeyring(opts);
}

function plainFiles(files: string[], io: CliIo): string[] {
  return files.map((f) => path.resolve(io.cwd, f));
}

/** encrypt / decrypt: each file in place, or to --output (`-` = stdout); no file or `-` reads stdin. */
async function transform(files: string[], o: VaultCmdOpts, io: CliIo, encrypt: boolean): Promise<number> {
  const keyring = await keyringFor(o, io, encrypt);
  const inputs = files.length ? files : ['-'];
  if (o.output && inputs.length > 1) throw new UsageError('--output takes one input file');
  for (const f of inputs) {
    const file = f === '-' ? undefined : path.resolve(io.cwd, f);
    const data = file ? readFile(file) : await readStdin(io);
    const where = file ?? 'stdin';
    let result: Buffer | string;
    if (encrypt) {
      if (isVaultText(data)) throw new VaultError('input is already encrypted', where);
      result = keyring.encrypt(data, o.encryptVaultId);
    } else {
      if (!isVaultText(data)) throw new VaultError('input is not vault encrypted data', where);
      result = keyring.decrypt(data.toString('latin1'), where);
    }
    const dest = o.output ?? f;
    if (dest === '-') io.out.write(result);
    else writeAtomic(path.resolve(io.cwd, dest), result);
  }
  println(io.err, `${encrypt ? 'Encryption' : 'Decryption'} successful`);
  return ExitCode.OK;
}

async function view(files: string[], o: VaultCmdOpts, io: CliIo): Promise<number> {
  const keyring = await keyringFor(o, io, false);
  for (const file of plainFiles(files, io)) {
    const data = readFile(file).toString('latin1');
    if (!isVaultText(data)) throw new VaultError('input is not vault encrypted data', file);
    io.out.write(keyring.decrypt(data, file));
  }
  return ExitCode.OK;
}

/** Run $EDITOR on a private plaintext copy; re-encrypt (same vault ID) only if the text changed. */
async function edit(fileArg: string, o: VaultCmdOpts, io: CliIo, create: boolean): Promise<number> {
  const file = path.resolve(io.cwd, fileArg);
  const exists = fs.existsSync(file);
  if (create && exists) throw new UsageError(`${file} exists, use: remediate vault edit ${fileArg}`);
  if (!create && !exists)
    throw new UsageError(`${file} does not exist, use: remediate vault create ${fileArg}`);
  const keyring = await keyringFor(o, io, create);
  let before: Buffer = Buffer.alloc(0);
  let vaultId = o.encryptVaultId;
  if (exists) {
    const data = readFile(file).toString('latin1');
    if (!isVaultText(data)) throw new VaultError('input is not vault encrypted data', file);
    before = keyring.decrypt(data, file);
    const header = data.trim().split('\n')[0]!.split(';');
    vaultId ??=
      header[3]?.trim() || (keyring.secrets.some((s) => s.id === 'default') ? 'default' : undefined);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-vault-'));
  try {
    fs.chmodSync(dir, 0o700);
    const tmp = path.join(dir, path.basename(file));
    fs.writeFileSync(tmp, before, { mode: 0o600 });
    const editor = io.env.EDITOR || io.env.VISUAL || 'vi';
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', tmp], { stdio: 'inherit', env: io.env });
    if (r.status !== 0)
      throw new UsageError(`editor ${editor} exited with ${r.status ?? r.signal}; ${file} unchanged`);
    const after = fs.readFileSync(tmp);
    if (exists && after.equals(before)) return ExitCode.OK;
    writeAtomic(file, keyring.encrypt(after, vaultId));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return ExitCode.OK;
}

async function rekey(files: string[], o: VaultCmdOpts, io: CliIo): Promise<number> {
  const keyring = await keyringFor(o, io, false);
  const newOpts = vaultPasswordOptions(
    {
      vaultId: o.newVaultId ? [o.newVaultId] : [],
      vaultPasswordFile: o.newVaultPasswordFile ? [o.newVaultPasswordFile] : [],
    },
    io,
    { forEncryption: true, env: {} },
  );
  if (!newOpts.vaultIds.length && !newOpts.passwordFiles.length) newOpts.askVaultPass = true;
  const newKeyring = await loadVaultKeyring(newOpts);
  // decrypt everything first: a wrong password leaves every file as it was
  const plain = plainFiles(files, io).map((file) => {
    const data = readFile(file).toString('latin1');
    if (!isVaultText(data)) throw new VaultError('input is not vault encrypted data', file);
    return { file, text: keyring.decrypt(data, file) };
  });
  for (const p of plain) writeAtomic(p.file, newKeyring.encrypt(p.text));
  println(io.err, 'Rekey successful');
  return ExitCode.OK;
}

/** A `!vault |` block, indented as ansible-vault writes it. */
export function vaultBlock(name: string | undefined, vaulted: string): string {
  const body = vaulted
    .trimEnd()
    .split('\n')
    .map((l) => `          ${l}`)
    .join('\n');
  return `${name !== undefined ? `${name}: ` : ''}!vault |\n${body}\n`;
}

async function encryptString(strings: string[], o: VaultCmdOpts, io: CliIo): Promise<number> {
  const keyring = await keyringFor(o, io, true);
  const items: { name?: string; value: string }[] = [];
  if (o.stdinName !== undefined || strings.length === 0 || (strings.length === 1 && strings[0] === '-')) {
    if (o.prompt) throw new UsageError('--prompt and stdin input cannot be combined');
    items.push({ name: o.stdinName, value: (await readStdin(io)).toString('utf8') });
  } else strings.forEach((value, i) => items.push({ name: o.name[i], value }));
  if (o.name.length > items.length) throw new UsageError('more --name than strings to encrypt');
  for (const it of items) io.out.write(vaultBlock(it.name, keyring.encrypt(it.value, o.encryptVaultId)));
  println(io.err, 'Encryption successful');
  return ExitCode.OK;
}

export function registerVaultCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  const vault = program
    .command('vault')
    .description(
      'encrypt, decrypt, view, edit and rekey Ansible Vault files and values (ansible-vault format)',
    );
  const sub = (name: string, desc: string) => addVaultOptions(vault.command(name).description(desc));
  const encryptId = (c: Command) => c.option('--encrypt-vault-id <id>', 'the vault ID to encrypt with');
  encryptId(sub('encrypt', 'encrypt files in place (stdin to stdout without a file)'))
    .argument('[files...]')
    .option('--output <file>', 'write here instead (- for stdout)')
    .action(async (f: string[], o: VaultCmdOpts) => done(await transform(f, o, io, true)));
  sub('decrypt', 'decrypt files in place (stdin to stdout without a file)')
    .argument('[files...]')
    .option('--output <file>', 'write here instead (- for stdout)')
    .action(async (f: string[], o: VaultCmdOpts) => done(await transform(f, o, io, false)));
  sub('view', 'print decrypted files')
    .argument('<files...>')
    .action(async (f: string[], o: VaultCmdOpts) => done(await view(f, o, io)));
  encryptId(sub('edit', 'edit a vaulted file with $EDITOR (a private temp copy, re-encrypted)'))
    .argument('<file>')
    .action(async (f: string, o: VaultCmdOpts) => done(await edit(f, o, io, false)));
  encryptId(sub('create', 'create a new vaulted file with $EDITOR'))
    .argument('<file>')
    .action(async (f: string, o: VaultCmdOpts) => done(await edit(f, o, io, true)));
  sub('rekey', 'encrypt vaulted files with a new password')
    .argument('<files...>')
    .option('--new-vault-id <id>', 'the new password as LABEL@SOURCE')
    .option('--new-vault-password-file <file>', 'file (or script) with the new password')
    .action(async (f: string[], o: VaultCmdOpts) => done(await rekey(f, o, io)));
  encryptId(sub('encrypt_string', 'encrypt strings as `!vault |` values for YAML files'))
    .argument('[strings...]', 'strings to encrypt (none: read stdin)')
    .option('-n, --name <name>', 'variable name for each string, in order (repeatable)', collect, [])
    .option('--stdin-name <name>', 'variable name for the value read from stdin')
    .option('-p, --prompt', 'ask for the string to encrypt')
    .action(async (s: string[], o: VaultCmdOpts) => {
      if (o.prompt) {
        s = [await vaultPrompt(io)('String to encrypt: ')];
      }
      done(await encryptString(s, o, io));
    });
}
