import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CliIo } from '../../src/cli/cli-io';
import { main } from '../../src/cli/main';
import { decryptVault, encryptVault, parseEnvelope } from '../../src/vault';
import { requireTool, skipTest } from '../helpers/skip';
import { ansibleVault } from '../vault/ansible-vault';

// The ansible-vault halves of these tests need Debian's ansible-vault: where it is missing they are left
// out, and one visible skip says so (a failure under CI=true).
const noAnsibleVault = requireTool('ansible-vault');
const HAVE = noAnsibleVault === undefined;
if (!HAVE) skipTest(test, 'round trips with ansible-vault', noAnsibleVault!);

interface Ran {
  code: number;
  out: string;
  err: string;
}

async function vault(
  dir: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> {
  const out = new PassThrough();
  const err = new PassThrough();
  const stdin = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const io: CliIo = { out, err, stdin, cwd: dir, env: { PATH: process.env.PATH, ...opts.env } };
  stdin.end(opts.input ?? '');
  const code = await main(['node', 'remediate', 'vault', ...args], io);
  return { code, out: o, err: e };
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-cli-'));
    fs.writeFileSync(path.join(dir, 'pw'), 'correct horse\n');
    fs.writeFileSync(path.join(dir, 'pw2'), 'battery staple\n');
    try {
      await fn(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
const plainOf = (text: string, pw: string) => decryptVault(parseEnvelope(text), pw).toString('utf8');

test(
  'encrypt in place (mode kept), view, decrypt; ansible-vault reads what we wrote',
  withDir(async (dir) => {
    fs.writeFileSync(path.join(dir, 'v.yml'), 'db_password: s3cr3t\n', { mode: 0o640 });
    let r = await vault(dir, ['encrypt', '--vault-password-file', 'pw', 'v.yml']);
    assert.is(r.code, 0, r.err);
    assert.match(r.err, /Encryption successful/);
    assert.ok(read(dir, 'v.yml').startsWith('$ANSIBLE_VAULT;1.1;AES256\n'));
    assert.is(fs.statSync(path.join(dir, 'v.yml')).mode & 0o777, 0o640);
    if (HAVE)
      assert.is(
        ansibleVault(['view', '--vault-password-file', 'pw', 'v.yml'], { cwd: dir }),
        'db_password: s3cr3t\n',
      );
    r = await vault(dir, ['encrypt', '--vault-password-file', 'pw', 'v.yml']);
    assert.is(r.code, 4);
    assert.match(r.err, /v\.yml: input is already encrypted/);
    r = await vault(dir, ['view', '--vault-password-file', 'pw', 'v.yml']);
    assert.is(r.out, 'db_password: s3cr3t\n');
    r = await vault(dir, ['decrypt', 'v.yml'], { env: { ANSIBLE_VAULT_PASSWORD_FILE: 'pw' } });
    assert.is(r.code, 0, r.err);
    assert.is(read(dir, 'v.yml'), 'db_password: s3cr3t\n');
    assert.equal(
      fs
        .readdirSync(dir)
        .filter((f) => f !== '.ansible')
        .sort(),
      ['pw', 'pw2', 'v.yml'],
    );
  }),
);

test(
  'a wrong password: exit 4 naming the file, the file untouched',
  withDir(async (dir) => {
    const text = encryptVault('x: 1\n', 'correct horse');
    fs.writeFileSync(path.join(dir, 'v.yml'), text);
    const r = await vault(dir, ['decrypt', '--vault-password-file', 'pw2', 'v.yml']);
    assert.is(r.code, 4);
    assert.match(r.err, /v\.yml: decryption failed: none of the vault passwords given decrypts this/);
    assert.not.match(r.err, /battery/);
    assert.is(read(dir, 'v.yml'), text);
    const missing = await vault(dir, ['view', '--vault-password-file', 'nope', 'v.yml']);
    assert.is(missing.code, 5);
    assert.match(missing.err, /vault password file .*nope was not found/);
  }),
);

test(
  'vault IDs: ansible-vault 1.2 files are read; rekey to a new ID that ansible-vault reads back',
  withDir(async (dir) => {
    const plain = 'api_token: abc123\n';
    if (HAVE) {
      fs.writeFileSync(path.join(dir, 'v.yml'), plain);
      ansibleVault(['encrypt', '--vault-id', 'prod@pw', 'v.yml'], { cwd: dir });
    } else
      fs.writeFileSync(path.join(dir, 'v.yml'), encryptVault(plain, 'correct horse', { vaultId: 'prod' }));
    // the matching ID is tried first, the others too
    let r = await vault(dir, ['view', '--vault-id', 'dev@pw2', '--vault-id', 'prod@pw', 'v.yml']);
    assert.is(r.out, plain, r.err);
    r = await vault(dir, ['rekey', '--vault-id', 'prod@pw', '--new-vault-id', 'stage@pw2', 'v.yml']);
    assert.is(r.code, 0, r.err);
    assert.ok(read(dir, 'v.yml').startsWith('$ANSIBLE_VAULT;1.2;AES256;stage\n'));
    if (HAVE) assert.is(ansibleVault(['view', '--vault-id', 'stage@pw2', 'v.yml'], { cwd: dir }), plain);
    else assert.is(plainOf(read(dir, 'v.yml'), 'battery staple'), plain);
  }),
);

test(
  'password scripts: an executable file is run; a *-client script gets --vault-id LABEL',
  withDir(async (dir) => {
    fs.writeFileSync(path.join(dir, 'pass.sh'), '#!/bin/sh\necho "correct horse"\n', { mode: 0o700 });
    fs.writeFileSync(
      path.join(dir, 'keys-client.sh'),
      '#!/bin/sh\n[ "$1" = --vault-id ] && [ "$2" = prod ] && echo "battery staple"\n',
      { mode: 0o700 },
    );
    fs.writeFileSync(path.join(dir, 'a.yml'), encryptVault('a\n', 'correct horse'));
    fs.writeFileSync(path.join(dir, 'b.yml'), encryptVault('b\n', 'battery staple', { vaultId: 'prod' }));
    let r = await vault(dir, ['view', '--vault-password-file', 'pass.sh', 'a.yml']);
    assert.is(r.out, 'a\n', r.err);
    r = await vault(dir, ['view', '--vault-id', 'prod@keys-client.sh', 'b.yml']);
    assert.is(r.out, 'b\n', r.err);
    fs.writeFileSync(path.join(dir, 'bad.sh'), '#!/bin/sh\nexit 3\n', { mode: 0o700 });
    r = await vault(dir, ['view', '--vault-password-file', 'bad.sh', 'a.yml']);
    assert.is(r.code, 5);
    assert.match(r.err, /vault password script .*bad\.sh exited with 3/);
  }),
);

test(
  'encrypt_string: `name: !vault |` blocks ansible-vault decrypts; stdin with --stdin-name; --ask-vault-pass',
  withDir(async (dir) => {
    let r = await vault(dir, [
      'encrypt_string',
      '--vault-password-file',
      'pw',
      '-n',
      'db_password',
      'hunter2',
    ]);
    assert.is(r.code, 0, r.err);
    assert.match(
      r.out,
      /^db_password: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n( {10}[0-9a-f]{1,80}\n)+$/,
    );
    const body = r.out
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .join('\n');
    assert.is(plainOf(body, 'correct horse'), 'hunter2');
    fs.writeFileSync(path.join(dir, 'blk'), body);
    // ansible-vault view ends what it prints with a newline
    if (HAVE)
      assert.is(ansibleVault(['view', '--vault-password-file', 'pw', 'blk'], { cwd: dir }), 'hunter2\n');
    r = await vault(dir, ['view', '--ask-vault-pass', 'blk'], { input: 'correct horse\n' });
    assert.is(r.out, 'hunter2', r.err);
    r = await vault(dir, ['encrypt_string', '--vault-password-file', 'pw', '--stdin-name', 'tok'], {
      input: 'abc',
    });
    assert.match(r.out, /^tok: !vault \|/);
    assert.is(
      plainOf(
        r.out
          .split('\n')
          .slice(1)
          .map((l) => l.trim())
          .join('\n'),
        'correct horse',
      ),
      'abc',
    );
  }),
);

test(
  'edit: $EDITOR works on a private copy, the file is re-encrypted with its vault ID, no plaintext left behind',
  withDir(async (dir) => {
    fs.writeFileSync(
      path.join(dir, 'v.yml'),
      encryptVault('token: old\n', 'correct horse', { vaultId: 'prod' }),
    );
    const tmpBefore = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('remediate-vault-'));
    const r = await vault(dir, ['edit', '--vault-id', 'prod@pw', 'v.yml'], {
      env: { EDITOR: `sed -i s/old/new/` },
    });
    assert.is(r.code, 0, r.err);
    const text = read(dir, 'v.yml');
    assert.ok(text.startsWith('$ANSIBLE_VAULT;1.2;AES256;prod\n'));
    assert.is(plainOf(text, 'correct horse'), 'token: new\n');
    const tmpAfter = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('remediate-vault-'));
    assert.equal(tmpAfter, tmpBefore);
  }),
);

async function cli(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const out = new PassThrough();
  const err = new PassThrough();
  const stdin = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  stdin.end('');
  const code = await main(['node', 'remediate', ...args], {
    out,
    err,
    stdin,
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
  });
  return { code, out: o, err: e };
}

test(
  'inventory and validate take the vault flags; vaulted values print as ***; a wrong password is exit 4',
  withDir(async (dir) => {
    fs.mkdirSync(path.join(dir, 'inv', 'group_vars'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'inv', 'hosts'), 'web1\n'); // a .ini file in a directory is ignored, as by Ansible
    fs.writeFileSync(
      path.join(dir, 'inv', 'group_vars', 'all.yml'),
      encryptVault('app_release: vaulted-rel-42\n', 'correct horse'),
    );
    let r = await cli(dir, ['inventory', '-i', 'inv', '--host', 'web1', '--vault-password-file', 'pw']);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, '"app_release": "***"');
    assert.not.match(r.out, 'vaulted-rel-42');
    r = await cli(dir, ['inventory', '-i', 'inv', '--list'], { ANSIBLE_VAULT_PASSWORD_FILE: 'pw2' });
    assert.is(r.code, 4);
    assert.match(r.err, /group_vars\/all\.yml:1:1: decryption failed/);
    fs.writeFileSync(
      path.join(dir, 'pb.yml'),
      `- hosts: all\n  vars:\n    k: !vault |\n${encryptVault('v', 'correct horse')
        .trimEnd()
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}\n  tasks: []\n`,
    );
    r = await cli(dir, ['validate', 'pb.yml', '--vault-id', 'pw']);
    assert.is(r.code, 0, r.err);
    r = await cli(dir, ['validate', 'pb.yml']);
    assert.is(r.code, 4);
    assert.match(r.err, /pb\.yml:3:\d+: found vault-encrypted data, but no vault password was given/);
  }),
);

test.run();
