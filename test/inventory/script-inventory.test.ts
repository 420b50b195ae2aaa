/**
 * Dynamic inventory scripts (`--list`, `--host`) and `ansible-inventory --list` JSON as a static source,
 * against Ansible: test/inventory/script/golden/*.list.json are what Debian's ansible-inventory makes of
 * the same scripts (regenerate with test/inventory/script/regenerate.sh). remediate's own `inventory
 * --list` orders children by name and lists an empty `ungrouped` (as it does for INI and YAML sources),
 * so the comparison is of groups, their hosts in order, their children as sets, and every host's vars.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inventoryList } from '../../src/cli/inventory-output';
import { InventoryError } from '../../src/errors';
import { loadInventorySync } from '../../src/inventory';
import { jsonErrorOffset } from '../../src/inventory/script-inventory';
import { runCli } from '../helpers/cli';

const DIR = path.join(__dirname, 'script');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-invscript-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

type ListJson = Record<string, { hosts?: string[]; children?: string[] }> & {
  _meta: { hostvars: Record<string, unknown> };
};

function normalize(j: ListJson): unknown {
  const out: Record<string, unknown> = { hostvars: j._meta.hostvars };
  for (const [name, g] of Object.entries(j)) {
    if (name === '_meta') continue;
    const e = g as { hosts?: string[]; children?: string[] };
    if (!e.hosts?.length && !e.children?.length && name === 'ungrouped') continue;
    out[name] = { hosts: e.hosts ?? [], children: [...(e.children ?? [])].sort() };
  }
  return out;
}

const golden = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(DIR, 'golden', `${name}.list.json`), 'utf8')) as ListJson;
const ours = (src: string) => JSON.parse(JSON.stringify(inventoryList(loadInventorySync([src])))) as ListJson;

for (const script of ['meta.py', 'nometa.sh']) {
  test(`inventory script ${script}: the groups, hosts and vars ansible-inventory gives`, () => {
    assert.equal(normalize(ours(path.join(DIR, script))), normalize(golden(script)));
  });
}

test('the goldens are not vacuous: _meta vars, --host vars, group vars, children, the shorthand group', () => {
  const m = golden('meta.py');
  assert.equal((m._meta.hostvars.w1 as { weight: number }).weight, 3);
  assert.equal((m._meta.hostvars.solo as { role_hint: string }).role_hint, 'shorthand');
  assert.equal([...(m.prod.children ?? [])].sort(), ['db', 'web']);
  const n = golden('nometa.sh');
  assert.equal(n._meta.hostvars.a1, { ansible_host: '192.0.2.10', port: 9001 });
});

test('ansible-inventory --list output as a static .json inventory: the same inventory again', () => {
  for (const script of ['meta.py', 'nometa.sh']) {
    const copy = path.join(tmp, `${script}.json`);
    fs.copyFileSync(path.join(DIR, 'golden', `${script}.list.json`), copy);
    assert.equal(normalize(ours(copy)), normalize(golden(script)), script);
  }
});

test('a .json file in the YAML inventory shape is still read as YAML', () => {
  const f = path.join(tmp, 'yamlish.json');
  fs.writeFileSync(
    f,
    JSON.stringify({ all: { hosts: { h1: { x: 1 } }, children: { g: { hosts: { h2: {} } } } } }),
  );
  const inv = loadInventorySync([f]);
  assert.equal([...inv.hosts.keys()], ['h1', 'h2']);
  assert.is(inv.hostVars('h1').x, 1);
});

function script(name: string, body: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return f;
}

function invError(src: string): InventoryError {
  try {
    loadInventorySync([src]);
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error(`${src} loaded`);
}

test('a script that exits non-zero: exit status and stderr in the error', () => {
  const e = invError(script('fails.sh', 'echo "cannot reach the CMDB" >&2; exit 3'));
  assert.match(e.message, /inventory script .*fails\.sh --list exited 3: cannot reach the CMDB/);
  assert.match(e.hint ?? '', /run it by hand/);
});

test('a script that prints bad JSON: line and column in its output', () => {
  const e = invError(script('bad.sh', `echo '{"web": {"hosts": ["w1"]},'; echo ' "db": [d1]}'`));
  assert.match(
    e.message,
    /the output of .*bad\.sh --list is not valid JSON: .*\(line 2, column 9 of the output\)/,
  );
});

test('bad group data and --host output are located errors', () => {
  let e = invError(script('badhosts.sh', `echo '{"web": {"hosts": "w1"}}'`));
  assert.match(e.message, /group "web" has bad data for the host list/);
  e = invError(
    script('badhost.sh', `if [ "$1" = --list ]; then echo '{"web": ["w1"]}'; else echo 'not json'; fi`),
  );
  assert.match(e.message, /the output of .*badhost\.sh --host w1 is not valid JSON/);
  const f = path.join(tmp, 'bad.json');
  fs.writeFileSync(f, '{\n  "_meta": {"hostvars": {}},\n  "web": {"hosts": ["w1"], "vars": [1]}\n}\n');
  e = invError(f);
  assert.match(e.message, /bad\.json:3:3: .*group "web" has bad data for variables/);
});

test('remediate run -i SCRIPT: the script is run, a failing one exits 4', async () => {
  const inv = script(
    'local.sh',
    `echo '{"here": {"hosts": ["box"], "vars": {"ansible_connection": "local", "greeting": "hi"}}}'`,
  );
  const pb = path.join(tmp, 'pb.yml');
  fs.writeFileSync(
    pb,
    '- hosts: here\n  gather_facts: false\n  tasks:\n    - debug: { msg: "{{ greeting }}" }\n',
  );
  let r = await runCli(['run', pb, '-i', inv, '--output', 'plain', '--no-retry-file'], { cwd: tmp });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /"msg": "hi"/);
  assert.match(r.stdout, /box\s+: ok=1/);
  r = await runCli(['run', pb, '-i', path.join(tmp, 'fails.sh')], { cwd: tmp });
  assert.is(r.code, 4);
  assert.match(r.stderr, /error: inventory script .*fails\.sh --list exited 3: cannot reach the CMDB/);
});

test('an INI file with the execute bit but no #! line is read, never run (sh would run its lines)', async () => {
  const f = path.join(tmp, 'hosts');
  fs.writeFileSync(f, '[web]\ntouch marker=yes\n', { mode: 0o755 });
  const r = await runCli(['inventory', '-i', f, '--list'], { cwd: tmp });
  assert.is(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as ListJson).web!.hosts, ['touch']);
  assert.not.ok(fs.existsSync(path.join(tmp, 'marker=yes')), 'the inventory file was executed');
});

test('jsonErrorOffset: -1 for JSON, else where it stops being JSON', () => {
  const cases: [string, number][] = [
    ['{}', -1],
    ['{"a":[1,2.5e3,{"b":"x\\n\\u00e9"}],"c":null}', -1],
    ['{"a":1,}', 7],
    ['[1 2]', 3],
    ['{"a" 1}', 5],
    ['', 0],
    ['{"a":1} x', 8],
    ['{"a":01}', 6],
  ];
  for (const [t, at] of cases) {
    assert.is(jsonErrorOffset(t), at, t);
    // agrees with JSON.parse on what is JSON
    let ok = true;
    try {
      JSON.parse(t);
    } catch {
      ok = false;
    }
    assert.is(ok, at === -1, t);
  }
});

test.run();
