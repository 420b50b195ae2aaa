import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors';
import { loadVaultSecrets, readVaultPasswordSource, vaultIdSlugs } from '../../src/vault';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-pw-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("Ansible's order: --vault-id, ANSIBLE_VAULT_IDENTITY_LIST, password files, the env/ansible.cfg file, the prompt", () => {
  assert.equal(
    vaultIdSlugs({
      vaultIds: ['prod@p'],
      passwordFiles: ['f1'],
      askVaultPass: true,
      env: { ANSIBLE_VAULT_IDENTITY_LIST: 'dev@d, stage@s', ANSIBLE_VAULT_PASSWORD_FILE: 'envfile' },
      configPasswordFile: 'cfgfile',
    }),
    ['prod@p', 'dev@d', 'stage@s', 'default@f1', 'default@envfile', 'default@prompt_ask_vault_pass'],
  );
  // ansible.cfg's vault_password_file when the environment does not set one
  assert.equal(vaultIdSlugs({ configPasswordFile: 'cfgfile' }), ['default@cfgfile']);
});

test('a file is stripped of surrounding whitespace; a script runs; a prompt asks (twice to encrypt)', async () => {
  fs.writeFileSync(path.join(dir, 'pw'), '  s3cret \n\n');
  fs.writeFileSync(path.join(dir, 'pw.sh'), '#!/bin/sh\nprintf "from script\\n"\n', { mode: 0o700 });
  assert.is((await readVaultPasswordSource('pw', 'default', { cwd: dir })).password.toString(), 's3cret');
  assert.is((await readVaultPasswordSource('pw.sh', 'x', { cwd: dir })).password.toString(), 'from script');
  const asked: string[] = [];
  const prompt = async (q: string) => (asked.push(q), 'typed');
  const s = await loadVaultSecrets({ vaultIds: ['prod@prompt'], prompt, forEncryption: true });
  assert.equal(
    s.map((x) => [x.id, x.password.toString(), x.source]),
    [['prod', 'typed', 'prompt']],
  );
  assert.equal(asked, ['New vault password (prod): ', 'Confirm new vault password (prod): ']);
});

test('empty passwords and missing files are usage errors (exit 5)', async () => {
  fs.writeFileSync(path.join(dir, 'empty'), '\n');
  for (const src of ['empty', 'missing'])
    try {
      await readVaultPasswordSource(src, 'default', { cwd: dir });
      assert.unreachable(src);
    } catch (e) {
      assert.instance(e, UsageError);
      assert.is((e as UsageError).exitCode, 5);
    }
});

test.run();
