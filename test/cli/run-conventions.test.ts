/**
 * ansible-playbook's command-line conventions on `remediate run`: --list-tags, --start-at-task, --step,
 * -c/--connection, --ssh-common-args/--ssh-extra-args, --become-method, -k, and the warnings for a missing
 * -i source. Expected texts were taken from Debian's ansible-playbook 2.14 on the same playbook.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main';
import { ensureTestUsers, TEST_USERS } from '../helpers/sshd';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-conv-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PB = path.join(tmp, 'pb.yml');
fs.writeFileSync(
  PB,
  `- name: first
  hosts: localhost
  gather_facts: false
  tags: [p1]
  tasks:
    - name: one
      debug: msg=one
      tags: [a, b]
    - name: two
      debug: msg=two
    - block:
        - name: three
          debug: msg=three
          tags: [c]
      tags: [blk]
- name: second
  hosts: localhost
  gather_facts: false
  tasks:
    - name: four
      debug: msg=four
      tags: [d, a]
`,
);

async function run(args: string[], opts: { tty?: boolean; input?: string } = {}) {
  let out = '';
  let err = '';
  const o = new PassThrough();
  o.on('data', (d: Buffer) => (out += d.toString()));
  const e = new PassThrough();
  e.on('data', (d: Buffer) => (err += d.toString()));
  const stdin = Object.assign(new PassThrough(), { isTTY: Boolean(opts.tty) });
  if (opts.input !== undefined) stdin.write(opts.input);
  else stdin.end();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tmp };
  delete env.ANSIBLE_CONFIG;
  const code = await main(['node', 'remediate', 'run', ...args], { out: o, err: e, stdin, cwd: tmp, env });
  return { code, out, err };
}

/** The tasks that ran, from the NDJSON event stream. */
function ran(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { type?: string; task?: string })
    .filter((e) => e.type === 'task')
    .map((e) => e.task!);
}

test('--list-tags prints what ansible-playbook 2.14 prints', async () => {
  const r = await run([PB, '--list-tags']);
  assert.is(r.code, 0, r.err);
  // ansible-playbook pb.yml --list-tags (2.14.18), the playbook path aside
  assert.is(
    r.out,
    `playbook: ${PB}\n\n` +
      '  play #1 (localhost): first\tTAGS: [p1]\n      TASK TAGS: [a, b, blk, c, p1]\n\n' +
      '  play #2 (localhost): second\tTAGS: []\n      TASK TAGS: [a, d]\n',
  );
  // --list-tasks and --list-hosts exist as in ansible-playbook
  assert.is((await run([PB, '--list-tasks'])).code, 0);
  assert.is((await run([PB, '--list-hosts'])).code, 0);
});

test('--list-tags counts only the tasks --tags selects', async () => {
  // ansible-playbook pb.yml --list-tags --tags d / --skip-tags a (2.14.18): the play's tags always count
  let r = await run([PB, '--list-tags', '--tags', 'd']);
  assert.match(r.out, /play #1 \(localhost\): first\tTAGS: \[p1\]\n {6}TASK TAGS: \[p1\]\n/);
  assert.match(r.out, /second\tTAGS: \[\]\n {6}TASK TAGS: \[a, d\]/);
  r = await run([PB, '--list-tags', '--skip-tags', 'a']);
  assert.match(r.out, /first\tTAGS: \[p1\]\n {6}TASK TAGS: \[blk, c, p1\]\n/);
  assert.match(r.out, /second\tTAGS: \[\]\n {6}TASK TAGS: \[\]\n/);
});

test('--start-at-task: name or glob; earlier tasks and plays do not run, later plays run in full', async () => {
  // ansible-playbook --start-at-task two: TASK [two], [three], PLAY [second], TASK [four]
  let r = await run([PB, '--start-at-task', 'two', '--output', 'json']);
  assert.is(r.code, 0, r.err);
  assert.equal(ran(r.out), ['two', 'three', 'four']);
  // fnmatch, as Ansible: 't*e' is "three" (inside a block)
  r = await run([PB, '--start-at-task', 't*e', '--output', 'json']);
  assert.equal(ran(r.out), ['three', 'four']);
  r = await run([PB, '--start-at-task', 'four', '--output', 'json']);
  assert.equal(ran(r.out), ['four']);
});

test('--start-at-task "ROLE : NAME" starts inside a role, as ansible-playbook does', async () => {
  const d = path.join(tmp, 'rolepb');
  fs.mkdirSync(path.join(d, 'roles', 'web', 'tasks'), { recursive: true });
  fs.writeFileSync(
    path.join(d, 'roles', 'web', 'tasks', 'main.yml'),
    '- name: r1\n  debug: msg=r1\n- name: r2\n  debug: msg=r2\n',
  );
  const site = path.join(d, 'site.yml');
  fs.writeFileSync(
    site,
    '- hosts: localhost\n  gather_facts: false\n  roles: [web]\n  tasks:\n    - name: after\n      debug: msg=after\n',
  );
  // ansible-playbook site.yml --start-at-task 'web : r2': TASK [web : r2], TASK [after]
  const r = await run([site, '--start-at-task', 'web : r2', '--output', 'json']);
  assert.is(r.code, 0, r.err);
  assert.equal(ran(r.out), ['r2', 'after']);
});

test('--start-at-task with no matching task: exit 5 before anything runs', async () => {
  const r = await run([PB, '--start-at-task', 'nomatch', '--output', 'json']);
  assert.is(r.code, 5);
  assert.match(r.err, /error: --start-at-task: no task matches "nomatch"/);
  assert.match(r.err, /static imports/);
  assert.equal(ran(r.out), []);
});

test('--step asks before each task: n skips, y runs, c runs the rest without asking', async () => {
  const r = await run([PB, '--step', '--output', 'json'], { tty: true, input: 'n\ny\nc\n' });
  assert.is(r.code, 0, r.err);
  assert.equal(ran(r.out), ['two', 'three', 'four']);
  assert.match(r.err, /Perform task: TASK: one \(N\)o\/\(y\)es\/\(c\)ontinue: /);
  assert.match(r.err, /Perform task: TASK: three /);
  assert.not.match(r.err, /Perform task: TASK: four/);
});

test('--step is refused when stdin is not a terminal (exit 5)', async () => {
  const r = await run([PB, '--step']);
  assert.is(r.code, 5);
  assert.match(r.err, /--step needs a terminal/);
});

test('-c local runs inventory hosts without ansible_connection locally', async () => {
  const inv = path.join(tmp, 'hosts.ini');
  fs.writeFileSync(inv, '[web]\nweb1\n');
  const pb = path.join(tmp, 'web.yml');
  fs.writeFileSync(pb, '- hosts: web\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
  const r = await run([pb, '-i', inv, '-c', 'local', '--output', 'plain', '--no-retry-file']);
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, /web1\s+: ok=1/);
  const bad = await run([pb, '-i', inv, '-c', 'winrm']);
  assert.is(bad.code, 5);
  assert.match(bad.err, /Allowed choices are ssh, local, paramiko, smart/);
});

test('--ssh-common-args: unsupported options are refused (exit 5), connection sharing is ignored with a warning', async () => {
  let r = await run([PB, '--ssh-common-args', '-o ForwardAgent=yes -o Port=2222']);
  assert.is(r.code, 5);
  assert.match(
    r.err,
    /--ssh-common-args "-o ForwardAgent=yes -o Port=2222": -o ForwardAgent is not supported/,
  );
  r = await run([PB, '--ssh-extra-args', '-R 80:localhost:80']);
  assert.is(r.code, 5);
  assert.match(r.err, /-R 80:localhost:80 is not supported/);
  r = await run([
    PB,
    '--ssh-common-args',
    '-o ControlMaster=auto -o ControlPersist=60s -o StrictHostKeyChecking=no',
    '--output',
    'json',
  ]);
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /\[WARNING\]: --ssh-common-args: -o ControlMaster, -o ControlPersist ignored/);
});

test('--become-method su becomes with su (no SUDO_USER), sudo is the default; a play method wins', async () => {
  ensureTestUsers();
  const pb = path.join(tmp, 'become.yml');
  const play = (extra: string) =>
    `- hosts: localhost\n  gather_facts: false\n  become: true\n  become_user: ${TEST_USERS.nopasswd}\n${extra}` +
    '  tasks:\n    - name: how\n      shell: echo "$(id -un) ${SUDO_USER:-none}"\n';
  const how = async (extra: string, ...args: string[]) => {
    fs.writeFileSync(pb, play(extra));
    const r = await run([pb, '--output', 'json', ...args]);
    assert.is(r.code, 0, r.err + r.out);
    const ev = r.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type?: string; result?: { stdout?: string } })
      .find((e) => e.type === 'task');
    return ev?.result?.stdout?.trim();
  };
  assert.is(await how(''), `${TEST_USERS.nopasswd} root`);
  assert.is(await how('', '--become-method', 'su'), `${TEST_USERS.nopasswd} none`);
  assert.is(await how('  become_method: sudo\n', '--become-method', 'su'), `${TEST_USERS.nopasswd} root`);
});

test('--become-method takes sudo or su (exit 5 otherwise)', async () => {
  assert.is((await run([PB, '--become-method', 'su', '--list-tasks'])).code, 0);
  const r = await run([PB, '--become-method', 'doas']);
  assert.is(r.code, 5);
  assert.match(r.err, /Allowed choices are sudo, su/);
});

test('-k asks for the SSH password once, before the run', async () => {
  const r = await run([PB, '-k', '--output', 'json'], { input: 's3cret\n' });
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /SSH password: /);
  assert.not.match(r.out + r.err, /s3cret/);
});

test('a missing -i source: the warnings ansible-playbook prints, then the implicit localhost', async () => {
  const r = await run([PB, '-i', path.join(tmp, 'nonexist'), '--output', 'json']);
  assert.is(r.code, 0, r.err);
  // ansible-playbook pb.yml -i nonexist (2.14.18)
  assert.ok(
    r.err.includes(
      `[WARNING]: Unable to parse ${path.join(tmp, 'nonexist')} as an inventory source\n` +
        '[WARNING]: No inventory was parsed, only implicit localhost is available\n' +
        "[WARNING]: provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'\n",
    ),
    r.err,
  );
  assert.equal(ran(r.out).length, 4);
});

test.run();
