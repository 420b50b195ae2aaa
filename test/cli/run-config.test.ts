/**
 * `run` with Ansible's conventions, in process: ./ansible.cfg supplies the inventory and roles_path; a
 * missing -i source is warned about and the run goes on with the implicit localhost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-runcfg-'));
fs.chmodSync(tmp, 0o755);
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const o = new PassThrough();
  o.on('data', (d: Buffer) => (out += d.toString()));
  const e = new PassThrough();
  e.on('data', (d: Buffer) => (err += d.toString()));
  const stdin = new PassThrough();
  stdin.end();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tmp };
  delete env.ANSIBLE_CONFIG;
  const code = await main(['node', 'remediate', 'run', ...args], { out: o, err: e, stdin, cwd, env });
  return { code, out, err };
}

test('a missing -i source is a warning; the run goes on with the implicit localhost', async () => {
  const pb = path.join(tmp, 'local.yml');
  fs.writeFileSync(pb, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n');
  const r = await run([pb, '-i', path.join(tmp, 'nope.ini'), '--output', 'plain', '--no-retry-file'], tmp);
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /Unable to parse .*nope\.ini as an inventory source/);
  assert.match(r.err, /only implicit localhost is available/);
  assert.match(r.out, /localhost\s+: ok=1/);
});

test('./ansible.cfg gives the inventory and roles_path', async () => {
  const proj = path.join(tmp, 'proj');
  fs.mkdirSync(path.join(proj, 'shared-roles', 'hello', 'tasks'), { recursive: true });
  fs.writeFileSync(
    path.join(proj, 'ansible.cfg'),
    '[defaults]\ninventory = hosts.ini\nroles_path = shared-roles\nretry_files_enabled = False\n',
  );
  fs.writeFileSync(path.join(proj, 'hosts.ini'), 'cfghost ansible_connection=local\n');
  fs.writeFileSync(
    path.join(proj, 'shared-roles', 'hello', 'tasks', 'main.yml'),
    '- debug: { msg: "role on {{ inventory_hostname }}" }\n',
  );
  fs.writeFileSync(path.join(proj, 'site.yml'), '- hosts: all\n  gather_facts: false\n  roles: [hello]\n');
  const r = await run(['site.yml', '--output', 'plain', '-v'], proj);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /role on cfghost/);
  assert.not.ok(fs.existsSync(path.join(proj, 'site.retry')));
});

test.run();
