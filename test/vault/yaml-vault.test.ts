/**
 * Vault data in every loader: vars_files, group_vars/host_vars, YAML inventories, -e @file and `!vault`
 * values; wrong and missing passwords are located exit-4 errors; plaintexts reach the keyring's onReveal.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseExtraVars } from '../../src/cli/extra-vars';
import { loadInventorySync } from '../../src/inventory';
import { loadPlaybook, loadVarsFile } from '../../src/playbook';
import { encryptVault, useVaultKeyring, VaultError, VaultKeyring } from '../../src/vault';
import { onlyIf, requireTool } from '../helpers/skip';

const PW = 'correct horse';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-vault-'));
const write = (f: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
  fs.writeFileSync(path.join(dir, f), text);
  return path.join(dir, f);
};
/** A `key: !vault |` block as ansible-vault encrypt_string writes it. */
const vaultValue = (key: string, value: string, indent = '') =>
  `${indent}${key}: !vault |\n` +
  encryptVault(value, PW)
    .trimEnd()
    .split('\n')
    .map((l) => `${indent}  ${l}`)
    .join('\n') +
  '\n';

let revealed: string[] = [];
const keyring = () =>
  new VaultKeyring([{ id: 'default', password: Buffer.from(PW), source: 'test' }], (p) => revealed.push(p));

test.before.each(() => {
  revealed = [];
  useVaultKeyring(keyring());
});
test.after(() => {
  useVaultKeyring(new VaultKeyring());
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a vaulted vars file decrypts; every value in it is revealed (secret)', async () => {
  const f = write('vars/secret.yml', encryptVault('db_user: app\ndb_pass: s3cr3t\nport: 5432\n', PW));
  assert.equal(await loadVarsFile(f), { db_user: 'app', db_pass: 's3cr3t', port: 5432 });
  assert.equal(revealed.sort(), ['5432', 'app', 's3cr3t']);
});

test('!vault values in playbook vars decrypt to strings, revealed; the rest stays plain', async () => {
  const f = write(
    'pb.yml',
    `- hosts: all\n  vars:\n    visible: hello\n${vaultValue('api_key', 'k-123', '    ')}  tasks: []\n`,
  );
  const pb = await loadPlaybook(f);
  assert.equal(pb.plays[0]!.vars, { visible: 'hello', api_key: 'k-123' });
  assert.equal(revealed, ['k-123']);
});

test('a vaulted playbook and a vaulted task file load; their text is not made secret (only vars files are)', async () => {
  write('tasks/t.yml', encryptVault('- debug: msg=included\n', PW));
  const f = write(
    'pb-vaulted.yml',
    encryptVault('- hosts: all\n  tasks:\n    - include_tasks: tasks/t.yml\n', PW),
  );
  const pb = await loadPlaybook(f);
  assert.is(pb.plays[0]!.hosts, 'all');
  assert.equal(revealed, []);
});

test('group_vars/host_vars (vaulted file, !vault value) and a YAML inventory with !vault', () => {
  write(
    'inv/hosts.yml',
    `all:\n  hosts:\n    web1:\n${vaultValue('ansible_password', 'ssh-pw-1', '      ')}`,
  );
  write('inv/group_vars/all.yml', encryptVault('group_secret: g-1\n', PW));
  write('inv/host_vars/web1.yml', vaultValue('host_secret', 'h-1'));
  const inv = loadInventorySync([path.join(dir, 'inv')]);
  const v = inv.hostVars('web1');
  assert.is(v['ansible_password'], 'ssh-pw-1');
  assert.is(v['group_secret'], 'g-1');
  assert.is(v['host_secret'], 'h-1');
  assert.equal(revealed.sort(), ['g-1', 'h-1', 'ssh-pw-1']);
});

test('-e @file: a vaulted file decrypts', () => {
  write('extra.yml', encryptVault('release_token: t-9\n', PW));
  assert.equal(parseExtraVars('@extra.yml', dir), { release_token: 't-9' });
  assert.equal(revealed, ['t-9']);
});

test('a wrong password: VaultError, exit 4, file:line:col of the value; nothing revealed', async () => {
  useVaultKeyring(new VaultKeyring([{ id: 'default', password: Buffer.from('wrong'), source: 'pwfile' }]));
  const f = write('pb2.yml', `- hosts: all\n  vars:\n${vaultValue('api_key', 'k-123', '    ')}  tasks: []\n`);
  try {
    await loadPlaybook(f);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, VaultError);
    assert.is((e as VaultError).exitCode, 4);
    assert.match(
      (e as Error).message,
      `${f}:3:21: decryption failed: none of the vault passwords given decrypts this`,
    );
    assert.match((e as VaultError).hint!, /default@pwfile/);
  }
  const g = write('inv2/group_vars/all.yml', encryptVault('x: 1\n', PW));
  write('inv2/hosts.ini', 'h1\n');
  assert.throws(
    () => loadInventorySync([path.join(dir, 'inv2')]),
    (e: unknown) => e instanceof VaultError && (e as Error).message.startsWith(`${g}:1:1: decryption failed`),
  );
});

test('no password given: a located error saying how to give one', () => {
  useVaultKeyring(new VaultKeyring());
  write('extra2.yml', `a: 1\n${vaultValue('b', 'x')}`);
  assert.throws(
    () => parseExtraVars('@extra2.yml', dir),
    (e: unknown) =>
      e instanceof VaultError &&
      /extra2\.yml:2:11: found vault-encrypted data, but no vault password was given/.test(
        (e as Error).message,
      ) &&
      /--vault-password-file/.test((e as VaultError).hint ?? ''),
  );
});

onlyIf(test, requireTool('ansible-playbook'))(
  'ansible-playbook reads the vaulted vars file and !vault value we write',
  () => {
    write('o/pw', PW + '\n');
    write('o/v.yml', encryptVault('from_file: file-secret\n', PW, { vaultId: 'prod' }));
    write(
      'o/pb.yml',
      `- hosts: localhost\n  gather_facts: false\n  vars_files: [v.yml]\n  vars:\n${vaultValue('inline', 'inline-secret', '    ')}` +
        `  tasks:\n    - debug: msg="{{ from_file }}/{{ inline }}"\n`,
    );
    const r = spawnSync(
      'ansible-playbook',
      ['-i', 'localhost,', '-c', 'local', '--vault-id', 'prod@pw', 'pb.yml'],
      {
        cwd: path.join(dir, 'o'),
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: path.join(dir, 'o'), ANSIBLE_NOCOLOR: '1', LC_ALL: 'C.UTF-8' },
      },
    );
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, '"msg": "file-secret/inline-secret"');
  },
);

test.run();
