import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decryptVault,
  encryptVault,
  isVaultText,
  parseEnvelope,
  VaultFormatError,
  VaultHmacError,
} from '../../src/vault/vault-format';
import { onlyIf, requireTool } from '../helpers/skip';
import { ansibleVault } from './ansible-vault';

/** Round trips with Debian's ansible-vault: a visible skip where it is missing (a failure under CI=true). */
const withAnsibleVault = onlyIf(test, requireTool('ansible-vault'));

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vault-fmt-'));
}

test('envelope: 1.1 header, 80-column hex lines, trailing newline; 1.2 names the vault ID', () => {
  const v = encryptVault('hello\n', 'pw');
  const lines = v.split('\n');
  assert.is(lines[0], '$ANSIBLE_VAULT;1.1;AES256');
  assert.ok(lines.slice(1, -2).every((l) => l.length === 80 && /^[0-9a-f]+$/.test(l)));
  assert.is(lines.at(-1), '');
  assert.is(encryptVault('x', 'pw', { vaultId: 'prod' }).split('\n')[0], '$ANSIBLE_VAULT;1.2;AES256;prod');
  assert.is(encryptVault('x', 'pw', { vaultId: 'default' }).split('\n')[0], '$ANSIBLE_VAULT;1.1;AES256');
  assert.is(parseEnvelope(encryptVault('x', 'pw', { vaultId: 'prod' })).vaultId, 'prod');
  assert.ok(isVaultText('  $ANSIBLE_VAULT;1.1;AES256\n00'));
  assert.not.ok(isVaultText('ANSIBLE_VAULT'));
});

test('round trip; a fixed salt gives the same text; a wrong password is an HMAC failure', () => {
  const salt = Buffer.alloc(32, 7);
  for (const plain of ['', 'a', '0123456789abcdef', 'ünïcødé 🔑\n'.repeat(20)]) {
    const v = encryptVault(plain, 'secret', { salt });
    assert.is(decryptVault(parseEnvelope(v), 'secret').toString('utf8'), plain);
    assert.is(encryptVault(plain, 'secret', { salt }), v);
    assert.throws(
      () => decryptVault(parseEnvelope(v), 'Secret'),
      (e: unknown) => e instanceof VaultHmacError,
    );
  }
});

test('malformed envelopes are format errors, not crashes', () => {
  const bad = [
    '$ANSIBLE_VAULT;1.1;AES256\nzz',
    '$ANSIBLE_VAULT;1.1;AES256\n' + Buffer.from('aa\nbb').toString('hex'),
    '$ANSIBLE_VAULT;1.0;AES256\n00',
    '$ANSIBLE_VAULT;1.1;AES128\n00',
    '$ANSIBLE_VAULT\n00',
  ];
  for (const t of bad)
    assert.throws(
      () => decryptVault(parseEnvelope(t), 'pw'),
      (e: unknown) => e instanceof VaultFormatError,
      t,
    );
});

withAnsibleVault('ansible-vault decrypts what we encrypt (1.1 and 1.2)', () => {
  const dir = tmpdir();
  try {
    fs.writeFileSync(path.join(dir, 'pw'), 'correct horse\n');
    const plain = 'db_password: s3cr3t\nlist: [1, 2]\nunicode: "ünï"\n';
    fs.writeFileSync(path.join(dir, 'a.yml'), encryptVault(plain, 'correct horse'));
    assert.is(ansibleVault(['view', '--vault-password-file', 'pw', 'a.yml'], { cwd: dir }), plain);
    fs.writeFileSync(path.join(dir, 'b.yml'), encryptVault(plain, 'correct horse', { vaultId: 'prod' }));
    assert.is(ansibleVault(['view', '--vault-id', 'prod@pw', 'b.yml'], { cwd: dir }), plain);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

withAnsibleVault('we decrypt what ansible-vault encrypts (file, 1.2 vault ID, encrypt_string)', () => {
  const dir = tmpdir();
  try {
    fs.writeFileSync(path.join(dir, 'pw'), 'correct horse\n');
    const plain = 'api_token: abc123\n' + 'x'.repeat(300) + '\n';
    fs.writeFileSync(path.join(dir, 'a.yml'), plain);
    ansibleVault(['encrypt', '--vault-password-file', 'pw', 'a.yml'], { cwd: dir });
    const a = fs.readFileSync(path.join(dir, 'a.yml'), 'utf8');
    assert.ok(a.startsWith('$ANSIBLE_VAULT;1.1;AES256\n'));
    assert.is(decryptVault(parseEnvelope(a), 'correct horse').toString('utf8'), plain);

    fs.writeFileSync(path.join(dir, 'b.yml'), plain);
    ansibleVault(['encrypt', '--vault-id', 'prod@pw', 'b.yml'], { cwd: dir });
    const b = fs.readFileSync(path.join(dir, 'b.yml'), 'utf8');
    assert.ok(b.startsWith('$ANSIBLE_VAULT;1.2;AES256;prod\n'));
    assert.is(decryptVault(parseEnvelope(b), 'correct horse').toString('utf8'), plain);

    const out = ansibleVault(
      ['encrypt_string', '--vault-password-file', 'pw', '--name', 'db_password', 'hunter2'],
      {
        cwd: dir,
      },
    );
    const body = out.replace(/^db_password: !vault \|\n/, '');
    assert.is(decryptVault(parseEnvelope(body), 'correct horse').toString('utf8'), 'hunter2');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
