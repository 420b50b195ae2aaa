/** ansible.cfg discovery order, environment over file, CLI over both, paths relative to the file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyAnsibleConfig,
  findConfigFile,
  loadAnsibleConfig,
  parseIni,
} from '../../src/cli/ansible-config';
import { UsageError } from '../../src/errors';
import type { RunOpts } from '../../src/cli/run-command';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-cfg-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const home = path.join(tmp, 'home');
const proj = path.join(tmp, 'proj');
const other = path.join(tmp, 'other');
for (const d of [home, proj, other]) fs.mkdirSync(d, { mode: 0o755 });
fs.chmodSync(proj, 0o755);
fs.writeFileSync(
  path.join(proj, 'ansible.cfg'),
  [
    '# project settings',
    '[defaults]',
    'inventory = inventory/hosts.ini,extra.yml',
    'remote_user: deploy',
    'private_key_file = ~/.ssh/fleet',
    'forks = 7   ; inline comment',
    'roles_path = roles:/srv/roles',
    'host_key_checking = False',
    'timeout = 12',
    'task_timeout = 600',
    'retry_files_enabled = no',
    'vault_password_file = vault.pass',
    '',
    '[privilege_escalation]',
    'become = True',
    'become_user = admin',
    'become_method = su',
  ].join('\n'),
);
fs.writeFileSync(path.join(home, '.ansible.cfg'), '[defaults]\nforks = 3\n');
const env = { HOME: home };

test('./ansible.cfg is read before ~/.ansible.cfg; ANSIBLE_CONFIG before both', () => {
  assert.is(findConfigFile(proj, env).file, path.join(proj, 'ansible.cfg'));
  assert.is(findConfigFile(other, env).file, path.join(home, '.ansible.cfg'));
  const named = path.join(other, 'named.cfg');
  fs.writeFileSync(named, '[defaults]\nforks = 9\n');
  assert.is(loadAnsibleConfig(proj, { ...env, ANSIBLE_CONFIG: named }).forks, 9);
});

test('settings are read, relative paths resolve against the file, ~ against HOME', () => {
  const c = loadAnsibleConfig(proj, env);
  assert.equal(c.inventory, [path.join(proj, 'inventory/hosts.ini'), path.join(proj, 'extra.yml')]);
  assert.is(c.remoteUser, 'deploy');
  assert.is(c.privateKeyFile, path.join(os.homedir(), '.ssh/fleet'));
  assert.is(c.forks, 7);
  assert.equal(c.rolesPath, [path.join(proj, 'roles'), '/srv/roles']);
  assert.is(c.hostKeyChecking, false);
  assert.is(c.timeout, 12);
  assert.is(c.taskTimeout, 600);
  assert.is(c.retryFilesEnabled, false);
  assert.equal([c.become, c.becomeUser, c.becomeMethod], [true, 'admin', 'su']);
});

test('an ANSIBLE_* variable beats the file; relative env paths resolve against the working directory', () => {
  const c = loadAnsibleConfig(proj, {
    ...env,
    ANSIBLE_FORKS: '2',
    ANSIBLE_ROLES_PATH: 'r1',
    ANSIBLE_REMOTE_USER: 'ops',
  });
  assert.is(c.forks, 2);
  assert.is(c.remoteUser, 'ops');
  assert.is(loadAnsibleConfig(proj, { ...env, ANSIBLE_TASK_TIMEOUT: '0' }).taskTimeout, 0, '0: no limit');
  assert.equal(c.rolesPath, [path.join(proj, 'r1')]);
});

test('a world-writable working directory is not a config source (warned)', () => {
  const ww = path.join(tmp, 'ww');
  fs.mkdirSync(ww);
  fs.chmodSync(ww, 0o777);
  fs.writeFileSync(path.join(ww, 'ansible.cfg'), '[defaults]\nforks = 4\n');
  const c = loadAnsibleConfig(ww, env);
  assert.is(c.forks, 3, 'falls through to ~/.ansible.cfg');
  assert.match(c.warnings[0] ?? '', /world writable directory/);
});

test('bad values are usage errors naming the file and key', () => {
  const bad = path.join(tmp, 'bad.cfg');
  fs.writeFileSync(bad, '[defaults]\nhost_key_checking = maybe\n');
  assert.throws(
    () => loadAnsibleConfig(other, { ...env, ANSIBLE_CONFIG: bad }),
    (e: unknown) =>
      e instanceof UsageError && /bad\.cfg \[defaults\] host_key_checking: 'maybe'/.test(e.message),
  );
  assert.throws(() => parseIni('forks = 1\n', 'x.cfg'), /x\.cfg:1/);
});

test('command-line options win over the config', () => {
  const o = {
    inventory: ['cli.ini'],
    tags: [],
    skipTags: [],
    extraVars: [],
    verbose: 0,
    // no --retry-file / --no-retry-file (retry files are opt-in: the default is unset)
    forks: 20,
    vaultId: [],
    vaultPasswordFile: [],
  };
  const r = applyAnsibleConfig(o as RunOpts, loadAnsibleConfig(proj, env));
  assert.equal(r.inventory, ['cli.ini']);
  assert.is(r.forks, 20);
  assert.is(r.user, 'deploy');
  assert.is(r.hostKeyChecking, 'off');
  assert.is(r.connectTimeout, 12);
  assert.is(r.taskTimeout, 600);
  assert.is(
    applyAnsibleConfig({ ...o, taskTimeout: 5 } as RunOpts, loadAnsibleConfig(proj, env)).taskTimeout,
    5,
  );
  assert.is(r.retryFile, false);
  assert.is(r.become, true);
  assert.equal(
    r.vaultPasswordFile,
    [path.join(proj, 'vault.pass')],
    'vault_password_file, relative to the file',
  );
  const named = applyAnsibleConfig(
    { ...o, vaultPasswordFile: ['cli.pass'] } as RunOpts,
    loadAnsibleConfig(proj, env),
  );
  assert.equal(named.vaultPasswordFile, ['cli.pass']);
  assert.is(
    loadAnsibleConfig(proj, { ...env, ANSIBLE_VAULT_PASSWORD_FILE: 'x' }).vaultPasswordFile,
    undefined,
  );
});

test.run();
