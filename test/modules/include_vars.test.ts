/**
 * include_vars: file (free form and `file`), relative lookup (playbook vars/ and the role's vars/), dir with
 * depth/files_matching/ignore_files/extensions, `name`, a vaulted file decrypted with the run's keyring, and
 * bad input as a located error. Precedence against real Ansible is in test/ansible-diff (everyday-modules).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import include_vars from '../../src/modules/include_vars';
import { encryptVault, useVaultKeyring, VaultKeyring } from '../../src/vault';
import { makeContext, runModule } from './context';

let dir = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-incvars-'));
  mkdirSync(path.join(dir, 'vars/d/sub/deeper'), { recursive: true });
  mkdirSync(path.join(dir, 'roles/web/vars'), { recursive: true });
  writeFileSync(path.join(dir, 'vars/main.yml'), 'a: 1\nlist: [x, y]\n');
  writeFileSync(path.join(dir, 'vars/d/10-base.yml'), 'a: base\nb: base\n');
  writeFileSync(path.join(dir, 'vars/d/20-over.json'), '{"b": "json"}');
  writeFileSync(path.join(dir, 'vars/d/sub/30-sub.yaml'), 'c: sub\n');
  writeFileSync(path.join(dir, 'vars/d/sub/deeper/40-deep.yml'), 'd: deep\n');
  writeFileSync(path.join(dir, 'vars/d/README.md'), '# not vars\n');
  writeFileSync(path.join(dir, 'roles/web/vars/main.yml'), 'from_role: yes\n');
  writeFileSync(path.join(dir, 'vars/bad.yml'), 'a: [1, 2\n');
  writeFileSync(path.join(dir, 'vars/secret.yml'), encryptVault('db_password: hunter2\n', 'pw'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const run = (a: Record<string, unknown>, roleDir?: string) => {
  const ctx = makeContext({ playbookDir: dir });
  if (roleDir) ctx.roleDir = roleDir;
  return runModule(include_vars, a, ctx);
};

test('a file (free form, relative to the playbook vars/), never a change', async () => {
  const r = await run({ _raw_params: 'main.yml' });
  assert.not.ok(r.changed);
  assert.equal(r.result['ansible_facts'], { a: 1, list: ['x', 'y'] });
  assert.equal(r.result['ansible_included_var_files'], [path.join(dir, 'vars/main.yml')]);
  const named = await run({ file: 'vars/main.yml', name: 'bundle' });
  assert.equal(named.result['ansible_facts'], { bundle: { a: 1, list: ['x', 'y'] } });
});

test("in a role, the role's vars/ comes first", async () => {
  const r = await run({ file: 'main.yml' }, path.join(dir, 'roles/web'));
  assert.equal(r.result['ansible_facts'], { from_role: true });
});

test('dir: sorted walk, depth, files_matching, ignore_files, unknown extensions', async () => {
  await run({ dir: 'vars/d' }).then(
    () => assert.unreachable('README.md has no vars extension'),
    (e) => assert.match(String(e), /valid extension/),
  );
  const all = await run({ dir: 'vars/d', ignore_unknown_extensions: true });
  assert.equal(all.result['ansible_facts'], { a: 'base', b: 'json', c: 'sub', d: 'deep' });
  const shallow = await run({ dir: 'vars/d', depth: 1, ignore_files: ['README.md'] });
  assert.equal(shallow.result['ansible_facts'], { a: 'base', b: 'json' });
  const matching = await run({ dir: 'vars/d', files_matching: '^[0-9]+-(base|sub)', depth: 2 });
  assert.equal(matching.result['ansible_facts'], { a: 'base', b: 'base', c: 'sub' });
});

test('a vaulted file is decrypted with the run vault passwords', async () => {
  const prev = useVaultKeyring(
    new VaultKeyring([{ id: 'default', password: Buffer.from('pw'), source: 'test' }]),
  );
  try {
    const r = await run({ file: 'secret.yml' });
    assert.is(String((r.result['ansible_facts'] as Record<string, unknown>)['db_password']), 'hunter2');
  } finally {
    useVaultKeyring(prev);
  }
  await run({ file: 'secret.yml' }).then(
    () => assert.unreachable('no password'),
    (e) => assert.match(String(e), /vault/i),
  );
});

test('bad input: missing file, both file and dir, broken YAML located', async () => {
  for (const [a, re] of [
    [{ file: 'nope.yml' }, /Could not find or access 'nope.yml'/],
    [{ file: 'main.yml', dir: 'vars' }, /exactly one/],
    [{ file: 'bad.yml' }, /bad\.yml:\d+:\d+/],
    [{ file: 'main.yml', name: 'not a name' }, /invalid variable name/],
  ] as const)
    await run(a).then(
      () => assert.unreachable(JSON.stringify(a)),
      (e) => assert.match(String(e), re),
    );
});

test.run();
