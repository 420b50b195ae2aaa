import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fsp, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import unitFlag from '../../src/modules/unit_flag';
import { editFlag } from '../../src/modules/flag-edit';
import { makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-uflag-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const DROP_IN = `# The resolver every pod gets
[Service]
Environment="KUBELET_DNS_ARGS=--cluster-dns=192.168.0.10 --cluster-domain=cluster.local"
# Environment="KUBELET_DNS_ARGS=--cluster-dns=192.168.0.10"
`;
const UNIT = `[Unit]
Description=etcd
# --listen-client-urls=https://172.16.0.1:2379 (old, kept as a note)
[Service]
ExecStart=/usr/local/bin/etcd --name=kube01 \\
  --listen-client-urls=https://172.16.0.1:2379,https://127.0.0.1:2379 \\
  --advertise-client-urls=https://172.16.0.1:2379
[X-Other]
Args=--listen-client-urls=https://172.16.0.1:2379
`;

test('editFlag table: only the value bytes change; comments, quoting and other lines are kept', () => {
  const table: [string, Parameters<typeof editFlag>[1], string][] = [
    [
      DROP_IN,
      { flag: '--cluster-dns', value: '10.254.0.10' },
      DROP_IN.replace('=192.168.0.10 ', '=10.254.0.10 '),
    ],
    ['KUBE="--a=1 --b=2"\r\nX=--b=3\r\n', { flag: '--b', value: '9' }, 'KUBE="--a=1 --b=9"\r\nX=--b=9\r\n'],
    ['KUBE="--a=1 --b=2"\nX=--b=3\n', { flag: '--b', value: '9', key: 'X' }, 'KUBE="--a=1 --b=2"\nX=--b=9\n'],
    ['A="--xb=1 --b=2"\n', { flag: '--b', value: '3' }, 'A="--xb=1 --b=3"\n'],
    ['A="--b-c=1"\n', { flag: '--b', value: '3' }, 'A="--b-c=1"\n'],
    [
      UNIT,
      { flag: '--listen-client-urls', search: '172.16.0.1', replace: '192.168.0.1', section: 'Service' },
      UNIT.replace(
        '--listen-client-urls=https://172.16.0.1:2379,',
        '--listen-client-urls=https://192.168.0.1:2379,',
      ),
    ],
    [
      UNIT,
      { flag: '--advertise-client-urls', search: '172.16.0.1', replace: '192.168.0.1', key: 'ExecStart' },
      UNIT.replace(
        '--advertise-client-urls=https://172.16.0.1',
        '--advertise-client-urls=https://192.168.0.1',
      ),
    ],
  ];
  for (const [text, a, want] of table) assert.is(editFlag(text, a).content, want, JSON.stringify(a));
  const e = editFlag(UNIT, { flag: '--listen-client-urls', search: '172.16.0.1', replace: '192.168.0.1' });
  assert.equal(
    e.occurrences.map((o) => [o.line, o.section, o.key]),
    [
      [6, 'Service', 'ExecStart'],
      [9, 'X-Other', 'Args'],
    ],
  );
  assert.throws(() => editFlag('x', { flag: 'cluster-dns', value: '1' }), /not a --name/);
  assert.throws(() => editFlag('x', { flag: '--a', value: '1 --evil=2' }), /one word/);
});

test('apply: diff, backup, same mode, occurrences; second run no change; check mode never writes', async () => {
  const f = path.join(dir, '10-cluster-dns.conf');
  await fsp.writeFile(f, DROP_IN);
  await fsp.chmod(f, 0o640);
  const a = { path: f, flag: '--cluster-dns', value: '10.254.0.10', section: 'Service', backup: true };
  const check = await runModule(unitFlag, a, makeContext({ check: true }));
  assert.is(check.changed, true);
  assert.is(await fsp.readFile(f, 'utf8'), DROP_IN);
  const r = await runModule(unitFlag, a, makeContext());
  assert.is(r.changed, true);
  assert.is(r.plan.changes[0]!.describe, `${f}: line 3: --cluster-dns=192.168.0.10 → 10.254.0.10`);
  assert.equal(r.plan.changes[0]!.diff, {
    path: f,
    before: DROP_IN,
    after: DROP_IN.replace('=192.168.0.10 ', '=10.254.0.10 '),
  });
  assert.is(await fsp.readFile(f, 'utf8'), DROP_IN.replace('=192.168.0.10 ', '=10.254.0.10 '));
  assert.is((await fsp.stat(f)).mode & 0o777, 0o640);
  assert.is(await fsp.readFile(String(r.result.backup), 'utf8'), DROP_IN);
  const again = await runModule(unitFlag, a, makeContext());
  assert.is(again.changed, false);
  assert.equal(again.result.occurrences, [
    { line: 3, section: 'Service', key: 'Environment', before: '10.254.0.10', after: '10.254.0.10' },
  ]);
  assert.equal(
    readdirSync(dir).filter((n) => n.endsWith('~')).length,
    1,
    'one backup, from the real run only',
  );
});

test('a file without the flag is an error naming it, unless missing_ok', async () => {
  const f = path.join(dir, 'plain');
  await fsp.writeFile(f, 'X=1\n');
  await runModule(
    unitFlag,
    { path: f, flag: '--cluster-dns', value: '1.2.3.4', key: 'X' },
    makeContext(),
  ).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /has no --cluster-dns= in X=/),
  );
  const r = await runModule(
    unitFlag,
    { path: f, flag: '--cluster-dns', value: '1.2.3.4', missing_ok: true },
    makeContext(),
  );
  assert.is(r.changed, false);
});

test.run();
