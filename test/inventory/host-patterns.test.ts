import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryError } from '../../src/errors';
import { splitPattern } from '../../src/inventory/host-patterns';
import { InventoryData } from '../../src/inventory/inventory-data';
import { parseIniInventory } from '../../src/inventory/ini-parser';

const inv = new InventoryData();
parseIniInventory(
  `lone
[web]
web1
web2
web10
[db]
db1
web2
[prod:children]
web
db
[staging]
stage1
`,
  'h.ini',
  inv,
);
inv.finalize();

const table: [string, string[]][] = [
  ['all', ['lone', 'web1', 'web2', 'web10', 'db1', 'stage1']],
  ['*', ['lone', 'web1', 'web2', 'web10', 'db1', 'stage1']],
  ['web', ['web1', 'web2', 'web10']],
  ['web1', ['web1']],
  ['db:staging', ['db1', 'web2', 'stage1'].sort((a, b) => order(a) - order(b))],
  ['db,staging', ['web2', 'db1', 'stage1']],
  ['web*', ['web1', 'web2', 'web10']],
  ['w?b1', ['web1']],
  ['~web\\d$', ['web1', 'web2']],
  ['~(db|stage)', ['web2', 'db1', 'stage1']], // the regex matches group db too
  ['prod:&db', ['web2', 'db1']],
  ['prod:!web', ['db1']],
  ['!prod', ['lone', 'stage1']],
  ['&web', ['web1', 'web2', 'web10']],
  ['web:!web2:db', ['web1', 'web10', 'db1']],
  ['web[0]', ['web1']],
  ['web[-1]', ['web10']],
  ['web[1:2]', ['web2', 'web10']],
  ['web[1:]', ['web2', 'web10']],
  ['ungrouped', ['lone']],
  ['nosuch', []],
  ['localhost', ['localhost']],
];
function order(h: string): number {
  return [...inv.hosts.keys()].indexOf(h);
}

for (const [p, want] of table) {
  test(`select(${JSON.stringify(p)})`, () => {
    assert.equal(inv.select(p), want);
  });
}

test('an unmatched pattern is a warning, not an error', () => {
  inv.select('nothing-here');
  assert.ok(inv.warnings.some((w) => w.includes('nothing-here')));
});

test('@file lists hosts one per line (a retry file), combinable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-pat-'));
  try {
    const f = path.join(dir, 'site.retry');
    fs.writeFileSync(f, 'web10\ndb1\n\n');
    assert.equal(inv.select(`@${f}`), ['web10', 'db1']);
    assert.equal(inv.select(`@${f}:&web`), ['web10']);
    assert.equal(inv.select(`web:!@${f}`), ['web1', 'web2']);
    assert.throws(() => inv.select(`@${dir}/missing.retry`), /cannot read host file/);
    assert.throws(() => inv.select(`@${dir}`), /is a directory/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('malformed patterns throw InventoryError (exit 4)', () => {
  for (const p of ['~web(', 'web:!', 'web:&']) {
    try {
      inv.select(p);
      assert.unreachable(p);
    } catch (e) {
      assert.instance(e, InventoryError, p);
      assert.is((e as InventoryError).exitCode, 4);
      assert.match((e as Error).message, /bad host pattern/);
    }
  }
});

test('splitting keeps brackets and IPv6 whole', () => {
  assert.equal(splitPattern('web[1:2]:db'), ['web[1:2]', 'db']);
  assert.equal(splitPattern('fd00::1'), ['fd00::1']);
  assert.equal(splitPattern(' a , b '), ['a', 'b']);
  assert.equal(splitPattern('a:!b:&c'), ['a', '!b', '&c']);
});

test.run();
