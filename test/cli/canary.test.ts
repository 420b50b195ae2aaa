// The canary stop from the command line (not a terminal): the first wave runs, its grouped result is
// shown, and without --yes the run stops (exit 99) with the resume command; --yes goes on; --check prints
// the wave plan.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-canary-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(
  path.join(dir, 'hosts.ini'),
  '[web]\n' + ['w1', 'w2', 'w3', 'w4'].map((h) => `${h} ansible_connection=local`).join('\n') + '\n',
);
fs.writeFileSync(
  path.join(dir, 'site.yml'),
  `- name: rollout
  hosts: web
  gather_facts: false
  canary: 1
  max_fail_percentage: 20
  tasks:
    - name: say
      debug:
        msg: "{{ inventory_hostname }} here"
`,
);

test('not a terminal, no --yes: stops after the canary wave, exit 99, says how to continue', async () => {
  const r = await runCli(['run', 'site.yml', '-i', 'hosts.ini'], { cwd: dir });
  assert.is(r.code, 99, r.stdout + r.stderr);
  assert.match(r.stdout, /CANARY WAVE of play "rollout": 1 host\(s\) done/);
  assert.match(r.stdout, /w1 here/);
  assert.not.match(r.stdout, /w2 here/);
  assert.match(
    r.stderr,
    /canary: stopped after the canary wave \(not a terminal, no --yes\); the remaining 3 hosts did not run/,
  );
  const id = /remediate runs resume (\S+) --yes/.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  const resumed = await runCli(['runs', 'resume', id!, '--yes'], { cwd: dir });
  assert.is(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /done: \[w1\]/);
  for (const h of ['w2', 'w3', 'w4']) assert.match(resumed.stdout, new RegExp(`${h} here`));
});

test('--yes runs every wave; --check prints the wave plan with its thresholds', async () => {
  const r = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--yes'], { cwd: dir });
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const h of ['w1', 'w2', 'w3', 'w4']) assert.match(r.stdout, new RegExp(`${h} here`));
  const c = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--check', '--yes'], { cwd: dir });
  assert.match(
    c.stdout,
    'WAVE PLAN\n  play "rollout": 4 hosts in 2 waves (canary 1 (stops for a confirmation); max_fail_percentage 20% per wave)\n    wave 1 (canary): 1 host (w1)\n    wave 2: 3 hosts (w2–w4)\n',
  );
});

test.run();
