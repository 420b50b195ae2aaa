/**
 * add_host / group_by / set_stats through the CLI (child process, local connection): an added host's
 * password variables are secrets like an inventory's, the inventory changes in --check too (as in
 * Ansible) while nothing on a host changes, add_host runs once under strategy free too, and a group_by
 * parent loop is a located task failure, not a crash. (Behaviour against ansible-playbook itself: the
 * differential cases add-host, group-by, set-stats, delegate-facts in test/ansible-diff.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-dyninv-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const inv = path.join(dir, 'hosts.ini');
fs.writeFileSync(inv, '[web]\nw1\nw2\n[all:vars]\nansible_connection=local\n');
const SECRET = 'Dyn4mic-S3cret-pw';

test('add_host in --check: later plays run on the new host; its password never shows', async () => {
  const pb = path.join(dir, 'check.yml');
  fs.writeFileSync(
    pb,
    `- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - add_host:
        name: dyn1
        groups: added
        ansible_password: "${SECRET}"
    - group_by:
        key: "g_{{ inventory_hostname }}"
- hosts: added
  gather_facts: false
  tasks:
    - debug:
        msg: "pw={{ ansible_password }} groups={{ groups['g_w1'] }}"
    - copy:
        dest: "${dir}/made-in-check"
        content: x
`,
  );
  const r = await runCli(['run', pb, '-i', inv, '--check', '-v', '--no-retry-file'], { cwd: dir });
  const out = r.stdout + r.stderr;
  assert.is(r.code, 0, out);
  assert.not.ok(out.includes(SECRET), 'the added password is masked everywhere');
  assert.match(out, /"msg": "pw=\*\*\* groups=\['w1'\]"/);
  assert.not.ok(fs.existsSync(path.join(dir, 'made-in-check')), '--check changes no host');
  // strategy free: still once, on one host
  assert.is(out.match(/TASK \[add_host\]/g)?.length, 1);
  assert.match(out, /^dyn1\s+: ok=2\s+changed=1/m);
});

test('group_by: a parent loop is a located task failure; set_stats in the JSON recap', async () => {
  const pb = path.join(dir, 'loop.yml');
  fs.writeFileSync(
    pb,
    `- hosts: w1
  gather_facts: false
  tasks:
    - set_stats:
        data: { runs: 1 }
    - group_by: key=a parents=b
    - group_by: key=b parents=a
`,
  );
  const r = await runCli(['run', pb, '-i', inv, '--output', 'json', '--no-retry-file'], { cwd: dir });
  assert.is(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /adding group \\"b\\" as a child of \\"a\\" creates a dependency loop.*\n\s+\S*loop\.yml:7:7/,
  );
  assert.not.match(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  const recap = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; custom_stats?: unknown })
    .find((o) => o.type === 'recap');
  assert.equal(recap?.custom_stats, { _run: { runs: 1 } });
});

test.run();
