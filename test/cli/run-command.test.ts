import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostKeyChecking, type RunOpts } from '../../src/cli/run-command';
import { retryFilePath } from '../../src/cli/run-session';
import { runCli } from '../helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-run-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

fs.writeFileSync(
  path.join(dir, 'hosts.ini'),
  '[local]\nalpha ansible_connection=local\nbeta ansible_connection=local\n',
);
fs.writeFileSync(path.join(dir, 'vars.yml'), 'z: from-file\n');
fs.writeFileSync(
  path.join(dir, 'site.yml'),
  `- name: tiny
  hosts: local
  gather_facts: false
  tasks:
    - name: show vars
      debug:
        msg: "{{ inventory_hostname }} {{ x }} {{ y }} {{ z }}"
    - name: fail on beta
      fail:
        msg: beta fails
      when: inventory_hostname == 'beta'
`,
);
const target = path.join(dir, 'out.txt');
fs.writeFileSync(
  path.join(dir, 'write.yml'),
  `- name: write
  hosts: alpha
  gather_facts: false
  tasks:
    - name: put a file
      copy:
        dest: ${target}
        content: "hello\\n"
`,
);

type Ev = { type?: string; kind?: string; host?: string; msg?: string; status?: string };
const ndjson = (s: string): Ev[] =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Ev);
const msgs = (evs: Ev[]) => evs.filter((e) => e.msg?.includes('from-file')).map((e) => e.msg);

test('run: -e in all three forms, NDJSON on stdout, exit 2 on a failed task, opt-in retry file under .remediate/', async () => {
  const r = await runCli(
    [
      'run',
      'site.yml',
      '-i',
      'hosts.ini',
      '-e',
      'x=1',
      '-e',
      '{"y": 2}',
      '-e',
      '@vars.yml',
      '--output',
      'json',
      '--journal',
      'j.ndjson',
      '--retry-file',
    ],
    { cwd: dir },
  );
  assert.is(r.code, 2, r.stderr);
  const evs = ndjson(r.stdout);
  assert.equal(msgs(evs), ['alpha 1 2 from-file', 'beta 1 2 from-file']);
  assert.ok(evs.some((e) => e.host === 'beta' && e.status === 'failed'));
  assert.match(r.stderr, /--limit @\.remediate\/retry\/site\.retry/);
  assert.is(fs.readFileSync(retryFilePath(dir, path.join(dir, 'site.yml')), 'utf8'), 'beta\n');
  assert.not.ok(fs.existsSync(path.join(dir, 'site.retry')), 'nothing beside the playbook');
  assert.ok(fs.readFileSync(path.join(dir, 'j.ndjson'), 'utf8').split('\n').length > 3);
});

test('run --limit @retry-file runs only the failed host', async () => {
  const r = await runCli(
    [
      'run',
      'site.yml',
      '-i',
      'hosts.ini',
      '-e',
      'x=1 y=2 z=from-file',
      '--limit',
      '@.remediate/retry/site.retry',
      '--output',
      'json',
    ],
    { cwd: dir },
  );
  assert.is(r.code, 2, r.stderr);
  assert.equal(msgs(ndjson(r.stdout)), ['beta 1 2 from-file']);
});

test('retry files are opt-in: none without --retry-file (or ANSIBLE_RETRY_FILES_ENABLED=True)', async () => {
  fs.rmSync(path.join(dir, '.remediate', 'retry'), { recursive: true, force: true });
  const r = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-e', 'x=1 y=2 z=3'], { cwd: dir });
  assert.is(r.code, 2, r.stderr);
  assert.not.ok(fs.existsSync(retryFilePath(dir, path.join(dir, 'site.yml'))));
  assert.not.match(r.stderr, /to retry the failed hosts/);
  const on = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-e', 'x=1 y=2 z=3'], {
    cwd: dir,
    env: { ANSIBLE_RETRY_FILES_ENABLED: 'True' },
  });
  assert.is(on.code, 2, on.stderr);
  assert.is(fs.readFileSync(retryFilePath(dir, path.join(dir, 'site.yml')), 'utf8'), 'beta\n');
});

test('--check --detailed-exitcode: 10 while changes are pending, nothing written; then 0 after the run', async () => {
  const check = await runCli(['run', 'write.yml', '-i', 'hosts.ini', '--check', '--detailed-exitcode'], {
    cwd: dir,
  });
  assert.is(check.code, 10, check.stdout + check.stderr);
  assert.not.ok(fs.existsSync(target));
  const apply = await runCli(['run', 'write.yml', '-i', 'hosts.ini'], { cwd: dir });
  assert.is(apply.code, 0, apply.stdout + apply.stderr);
  assert.is(fs.readFileSync(target, 'utf8'), 'hello\n');
  const again = await runCli(['run', 'write.yml', '-i', 'hosts.ini', '-C', '--detailed-exitcode'], {
    cwd: dir,
  });
  assert.is(again.code, 0, again.stdout + again.stderr);
});

test('--list-hosts honours --limit; an empty --limit is a usage error (5); a bad pattern is invalid input (4)', async () => {
  const r = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '--list-hosts', '-l', 'b*'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /hosts \(1\):\n {6}beta\n/);
  const none = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-l', 'nomatch'], { cwd: dir });
  assert.is(none.code, 5, none.stderr);
  const bad = await runCli(['run', 'site.yml', '-i', 'hosts.ini', '-l', '~(oops'], { cwd: dir });
  assert.is(bad.code, 4, bad.stderr);
  assert.match(bad.stderr, /bad host pattern/);
});

test('--list-tasks and --syntax-check exit 0 without touching hosts', async () => {
  const tasks = await runCli(['run', 'site.yml', '--list-tasks'], { cwd: dir });
  assert.is(tasks.code, 0, tasks.stderr);
  assert.match(tasks.stdout, /play #1 \(local\): tiny/);
  assert.match(tasks.stdout, /\n {6}show vars\tTAGS: \[\]\t.*site\.yml:5:7\n {6}fail on beta\t/);
  const syntax = await runCli(['run', 'site.yml', '--syntax-check', '-i', 'hosts.ini'], { cwd: dir });
  assert.is(syntax.code, 0, syntax.stderr);
  assert.match(syntax.stdout, /^playbook: .*site\.yml$/m);
});

test('host key checking: the flag wins, else ANSIBLE_HOST_KEY_CHECKING (False → off), else the default', () => {
  const o = (hostKeyChecking?: RunOpts['hostKeyChecking']) => ({ hostKeyChecking }) as RunOpts;
  assert.is(hostKeyChecking(o('accept-new'), { ANSIBLE_HOST_KEY_CHECKING: 'False' }), 'accept-new');
  assert.is(hostKeyChecking(o(), { ANSIBLE_HOST_KEY_CHECKING: 'False' }), 'off');
  assert.is(hostKeyChecking(o(), { ANSIBLE_HOST_KEY_CHECKING: 'no' }), 'off');
  assert.is(hostKeyChecking(o(), { ANSIBLE_HOST_KEY_CHECKING: 'True' }), 'strict');
  assert.is(hostKeyChecking(o(), {}), undefined);
  assert.throws(() => hostKeyChecking(o(), { ANSIBLE_HOST_KEY_CHECKING: 'maybe' }), /not a boolean/);
  assert.is(
    retryFilePath('/work', '/srv/playbooks/fix-apiserver-sans.yml'),
    '/work/.remediate/retry/fix-apiserver-sans.retry',
  );
});

test('run without -i: a warning says only localhost is there; an unmatched play is reported once', async () => {
  const r = await runCli(['run', 'site.yml', '-e', 'x=1 y=2 z=3'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr.match(/no inventory given \(-i\)/g)?.length, 1, r.stderr);
  assert.is(r.stderr.match(/no hosts matched 'local'/g)?.length, 1, r.stderr);
  assert.not.match(r.stderr, /could not match host pattern "local"/);
});

test('secrets from the inventory, -e and play vars never reach the output or the journal, even when printed on purpose', async () => {
  fs.writeFileSync(
    path.join(dir, 'secrets.ini'),
    '[local]\nalpha ansible_connection=local ansible_become_password=\'inv "S3cr3t" pw\' ansible_ssh_private_key_passphrase=pp-Phrase-9\n',
  );
  fs.writeFileSync(
    path.join(dir, 'leak.yml'),
    `- hosts: local
  gather_facts: false
  vars:
    db_token: play-T0ken-value
  tasks:
    - debug:
        msg: "{{ ansible_become_password }} / {{ api_password }} / {{ db_token }} / {{ ansible_ssh_private_key_passphrase }}"
    - command: echo {{ api_password }} {{ db_token }}
      changed_when: false
    - fail:
        msg: "failing with {{ ansible_become_password }}"
`,
  );
  for (const output of ['plain', 'json']) {
    const r = await runCli(
      [
        'run',
        'leak.yml',
        '-i',
        'secrets.ini',
        '-e',
        'api_password=xtra-Pw-42',
        '-vv',
        '--output',
        output,
        '--journal',
        'leak.ndjson',
      ],
      { cwd: dir },
    );
    assert.is(r.code, 2, r.stderr);
    const all = r.stdout + r.stderr + fs.readFileSync(path.join(dir, 'leak.ndjson'), 'utf8');
    for (const s of ['S3cr3t', 'xtra-Pw-42', 'play-T0ken-value', 'pp-Phrase-9'])
      assert.not.ok(all.includes(s), `${s} leaked in ${output}:\n${all}`);
    assert.match(all, /\*\*\*/);
  }
  const inv = await runCli(['inventory', '-i', 'secrets.ini', '--host', 'alpha'], { cwd: dir });
  assert.is(inv.code, 0, inv.stderr);
  assert.not.match(inv.stdout + inv.stderr, /pp-Phrase-9|S3cr3t/);
});

test.run();
