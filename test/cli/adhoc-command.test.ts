// `remediate adhoc`: one module on the matching hosts; identical results printed once with their hosts;
// the same journal and reports as `run`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-adhoc-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(
  path.join(dir, 'hosts.ini'),
  '[web]\n' + ['w1', 'w2', 'w3', 'w4'].map((h) => `${h} ansible_connection=local`).join('\n') + '\n',
);

test('default module command: identical output grouped with a collapsed host list; report written', async () => {
  const r = await runCli(['adhoc', 'web', '-i', 'hosts.ini', '-a', 'echo same', '--report', 'r.json'], {
    cwd: dir,
  });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, 'RESULTS\n4 hosts (w1–w4) | CHANGED | rc=0 >>\nsame\n');
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'));
  assert.is(report.totals.hosts, 4);
  assert.match(r.stderr, /run journal: \.remediate\/runs\//);
});

test('-m with key=value args; different results are different groups; a bad module is a clear error', async () => {
  const r = await runCli(
    ['adhoc', 'w1:w2', '-i', 'hosts.ini', '-m', 'shell', '-a', 'echo {{ inventory_hostname }}'],
    {
      cwd: dir,
    },
  );
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 host \(w1\) \| CHANGED \| rc=0 >>\nw1\n/);
  assert.match(r.stdout, /1 host \(w2\) \| CHANGED \| rc=0 >>\nw2\n/);
  const bad = await runCli(['adhoc', 'web', '-i', 'hosts.ini', '-m', 'no_such_module'], { cwd: dir });
  assert.is(bad.code, 4, bad.stderr);
  assert.match(bad.stderr, /no_such_module/);
});

test('-c local reaches hosts without ansible_connection; --ssh-common-args is checked as in run', async () => {
  fs.writeFileSync(path.join(dir, 'plain.ini'), '[app]\na1\na2\n');
  const r = await runCli(['adhoc', 'app', '-i', 'plain.ini', '-c', 'local', '-a', 'echo here'], { cwd: dir });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, 'RESULTS\n2 hosts (a1, a2) | CHANGED | rc=0 >>\nhere\n');
  const bad = await runCli(['adhoc', 'app', '-i', 'plain.ini', '--ssh-extra-args', '-o ForwardX11=yes'], {
    cwd: dir,
  });
  assert.is(bad.code, 5);
  assert.match(bad.stderr, /-o ForwardX11 is not supported/);
});

test.run();
