import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, runCli } from '../helpers/cli';

const FIX = path.join(REPO_ROOT, 'test/fixtures/inventory');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-cli-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('--help on every command, --version from package.json', async () => {
  const top = await runCli(['--help']);
  assert.is(top.code, 0);
  for (const c of ['run', 'validate', 'inventory', 'schema', 'lab'])
    assert.match(top.stdout, new RegExp(`\\n  ${c} `));
  const run = await runCli(['run', '--help']);
  assert.is(run.code, 0);
  for (const o of [
    '--check',
    '--limit',
    '--extra-vars',
    '--detailed-exitcode',
    '--host-key-checking',
    '--journal',
  ])
    assert.ok(run.stdout.includes(o), o);
  const labVerify = await runCli(['lab', 'verify', '--help']);
  assert.is(labVerify.code, 0);
  assert.match(labVerify.stdout, /--dir/);
  const v = await runCli(['--version']);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.is(v.code, 0);
  assert.is(v.stdout.trim(), pkg.version);
});

test('bad command lines exit 5, not commander 1', async () => {
  for (const args of [
    ['run', 'x.yml', '--bogus'],
    ['run'],
    ['run', 'x.yml', '--forks', 'zero'],
    ['run', 'x.yml', '--output', 'xml'],
    ['frobnicate'],
    [],
    ['inventory', '-i', 'a,'],
  ]) {
    const r = await runCli(args);
    assert.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0);
  }
});

test('inventory --list / --graph / --host / --yaml', async () => {
  const inv = path.join(FIX, 'site');
  const list = await runCli(['inventory', '-i', inv, '--list']);
  assert.is(list.code, 0, list.stderr);
  const j = JSON.parse(list.stdout);
  assert.is(j._meta.hostvars.kube01.role, 'host-file');
  assert.is(j._meta.hostvars.kube01.env, 'prod-file');
  assert.equal(j.all.children, ['bastions', 'prod', 'ungrouped']);
  assert.equal(j.prod.children, ['masters', 'workers']);
  assert.equal(j.masters.hosts, ['kube01', 'kube02', 'kube03']);
  const graph = await runCli(['inventory', '-i', inv, '--graph', 'prod']);
  assert.is(graph.code, 0);
  assert.is(
    graph.stdout,
    '@prod:\n  |--@masters:\n  |  |--kube01\n  |  |--kube02\n  |  |--kube03\n' +
      '  |--@workers:\n  |  |--node1\n  |  |--node2\n  |  |--node3\n  |  |--node4\n',
  );
  const host = await runCli(['inventory', '-i', inv, '--host', 'kube02', '--yaml']);
  assert.is(host.code, 0);
  assert.match(host.stdout, /^role: masters-json$/m);
  assert.match(host.stdout, /^ansible_host: 192\.168\.1\.1$/m);
  const yaml = await runCli(['inventory', '-i', inv, '--list', '--yaml']);
  assert.match(yaml.stdout, /^all:\n  children:\n/);
});

test('inventory errors exit 4 with file:line:col and a hint', async () => {
  const bad = await runCli(['inventory', '-i', path.join(FIX, 'bad/hosts.ini'), '--list']);
  assert.is(bad.code, 4);
  assert.match(bad.stderr, /^error: .*bad\/hosts\.ini:4:1: expected key=value/m);
  assert.match(bad.stderr, /^hint: /m);
  const missing = await runCli(['inventory', '-i', path.join(tmp, 'nope'), '--graph']);
  assert.is(missing.code, 4);
  assert.match(missing.stderr, /does not exist/);
});

test('validate: a bad playbook exits 4 with file:line:col; a good one 0', async () => {
  const bad = path.join(tmp, 'bad.yml');
  fs.writeFileSync(bad, '- name: bad\n  hosts: all\n  tasks:\n    - name: typo\n      comand: echo hi\n');
  const r = await runCli(['validate', bad]);
  assert.is(r.code, 4);
  assert.match(r.stderr, new RegExp(`^${bad.replace(/[.]/g, '\\.')}:5:7: .*comand`, 'm'));
  assert.match(r.stderr, /hint: /);
  const good = path.join(tmp, 'good.yml');
  fs.writeFileSync(good, '- name: good\n  hosts: all\n  tasks:\n    - command: echo hi\n');
  const ok = await runCli(['validate', good, '-i', 'h1,h2,']);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ok: .*good\.yml \(1 play, 1 task\)/);
});

test('validate and run name every problem of a playbook, each located, exit 4', async () => {
  const bad = path.join(REPO_ROOT, 'test/fixtures/bad/many-problems.yml');
  const v = await runCli(['validate', bad]);
  assert.is(v.code, 4);
  const located = v.stderr.split('\n').filter((l) => /^\/.*:\d+:\d+: /.test(l));
  assert.is(located.length, 11, v.stderr);
  assert.match(located[0], /many-problems\.yml:3:3: unknown play keyword 'gather_fact'/);
  assert.match(located[10], /two-bad\.yml:6:3: unknown task keyword 'registr'/);
  const r = await runCli(['run', bad, '-i', 'localhost,']);
  assert.is(r.code, 4);
  assert.is(r.stderr.split('\n').filter((l) => /^error: \/.*:\d+:\d+: /.test(l)).length, 11, r.stderr);
  assert.match(r.stderr, /^hint: play keywords: /m);
});

test('validate follows plain include_tasks files: their problems and unknown notify names, exit 4', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'inc-'));
  fs.writeFileSync(
    path.join(dir, 'pb.yml'),
    '- hosts: all\n  tasks:\n    - include_tasks: inc.yml\n    - include_tasks: "{{ f }}.yml"\n' +
      '  handlers:\n    - name: restart web\n      debug: msg=x\n',
  );
  fs.writeFileSync(
    path.join(dir, 'inc.yml'),
    '- command: "true"\n  notify: restart web\n- command: "true"\n  notify: restart wbe\n- include_tasks: sub/more.yml\n',
  );
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub/more.yml'), '- debgu: x\n- include_tasks: gone.yml\n');
  const r = await runCli(['validate', path.join(dir, 'pb.yml')]);
  assert.is(r.code, 4, r.stderr);
  const located = r.stderr.split('\n').filter((l) => /^\/.*:\d+:\d+: /.test(l));
  assert.equal(
    located.map((l) => l.replace(dir + '/', '').replace(/: .*/, '')),
    ['inc.yml:3:3', 'sub/more.yml:1:3', 'sub/more.yml:2:3'],
    r.stderr,
  );
  assert.match(located[0]!, /notify 'restart wbe' matches no handler .* did you mean 'restart web'/);
  assert.match(located[2]!, /cannot read task file .*gone\.yml/);
});

test('schema prints a JSON Schema that ajv compiles', async () => {
  const r = await runCli(['schema']);
  assert.is(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout);
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(schema);
  assert.ok(
    validate([{ name: 'p', hosts: 'all', tasks: [{ command: 'echo hi' }] }]),
    JSON.stringify(validate.errors),
  );
});

test('lab commands without a lab fail with a hint, not a stack trace', async () => {
  const r = await runCli(['lab', 'status', '--dir', path.join(tmp, 'no-lab')]);
  assert.ok(r.code !== 0 && r.code !== 1, `exit ${r.code}`);
  assert.match(r.stderr, /^error: /m);
  assert.match(r.stderr, /^hint: /m);
  assert.not.match(r.stderr, /\n\s+at /);
});

test('--version loads no subcommand and not commander; a subcommand loads only its own implementation', () => {
  // which of our modules a command line pulls in (start-up cost), in a fresh process
  const loaded = (args: string[]): string[] => {
    const code =
      `const { main } = require(${JSON.stringify(path.join(REPO_ROOT, 'src/cli/main.ts'))});` +
      `const io = { out: { write() {} }, err: { write() {} } };` +
      `main(['node', 'remediate', ...${JSON.stringify(args)}], io).then(() => process.stdout.write(` +
      `JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('/src/') || f.includes('/node_modules/commander/')).map((f) => f.includes('/src/') ? f.split('/src/')[1] : 'commander'))))`;
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', code], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  };
  const version = loaded(['--version']);
  assert.equal(
    version.filter((f) => !f.startsWith('cli/main') && !f.startsWith('cli/cli-io') && f !== 'errors.ts'),
    [],
  );
  const inventory = loaded(['inventory', '--help']);
  assert.ok(inventory.includes('cli/inventory-command.ts'));
  assert.ok(inventory.includes('commander'), 'a subcommand parses with commander');
  assert.not.ok(
    inventory.some((f) =>
      /^(cli\/run-command|cli\/validate-command|playbook\/|template\/|runner\/index)/.test(f),
    ),
    inventory.join(' '),
  );
});

test.run();
