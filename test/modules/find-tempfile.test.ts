/**
 * find against real Ansible: the tree of golden/find-cases.json is built in a temp dir and every case of
 * golden/find.golden.json (made by golden/gen-find.py with ansible-playbook) must match the same paths.
 * tempfile: a real mktemp through the pipeline, planned as exactly that step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import find, { fnmatch } from '../../src/modules/find';
import tempfile from '../../src/modules/tempfile';
import { makeContext, runModule } from './context';

const spec = JSON.parse(readFileSync(path.join(__dirname, 'golden/find-cases.json'), 'utf8')) as {
  tree: [string, number, number][];
  contents: Record<string, string>;
};
const goldens = JSON.parse(readFileSync(path.join(__dirname, 'golden/find.golden.json'), 'utf8')) as {
  args: Record<string, unknown>;
  matched: number;
  files: string[];
}[];
let dir = '';
let tree = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-find-'));
  tree = path.join(dir, 't');
  const now = Date.now() / 1000;
  for (const [rel, size, age] of spec.tree) {
    const p = path.join(tree, rel);
    if (rel.endsWith('/')) {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, spec.contents[rel] ?? 'x'.repeat(size));
    utimesSync(p, now - age, now - age);
  }
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('find matches ansible-playbook on every golden case, in one read-only exec and no steps', async () => {
  assert.ok(goldens.length >= 15);
  for (const g of goldens) {
    const ctx = makeContext();
    const r = await runModule(find, { ...g.args, paths: tree }, ctx);
    const files = (r.result['files'] as { path: string }[]).map((f) => path.relative(tree, f.path)).sort();
    assert.equal(files, g.files, JSON.stringify(g.args));
    assert.is(r.result['matched'], g.matched);
    assert.is(r.changed, false);
    assert.is(ctx.execs.length, 1);
  }
});

test('find: stat fields, skipped paths, bad args', async () => {
  const r = await runModule(
    find,
    { paths: [tree, path.join(dir, 'nope')], patterns: 'b.log' },
    makeContext(),
  );
  const [f] = r.result['files'] as Record<string, unknown>[];
  assert.is(f!['size'], 5000);
  assert.is(f!['isreg'], true);
  assert.is(f!['mode'], (statSync(path.join(tree, 'b.log')).mode & 0o7777).toString(8).padStart(4, '0'));
  assert.ok(path.join(dir, 'nope') in (r.result['skipped_paths'] as object));
  for (const bad of [{ paths: 'relative' }, { paths: tree, age: '3y' }, { paths: tree, size: 'big' }])
    await runModule(find, bad, makeContext()).then(
      () => assert.unreachable(JSON.stringify(bad)),
      (e) => assert.match(String(e), /absolute|failed to process/),
    );
  assert.ok(fnmatch('a.log', '*.log'));
  assert.not.ok(fnmatch('a.log', '[!a]*'));
  assert.ok(fnmatch('x?', 'x[?]'));
});

test('tempfile: one mktemp step, the registered path exists; check mode makes nothing', async () => {
  const chk = await runModule(
    tempfile,
    { path: dir, prefix: 'rt.', suffix: '.conf' },
    makeContext({ check: true }),
  );
  assert.ok(chk.changed);
  assert.equal(
    chk.plan.changes[0]!.steps.map((s) => (s.kind === 'exec' ? s.cmd.display : '')),
    [`d=${dir}; [ -n "$d" ] || d=\${TMPDIR:-/tmp}; mktemp  --suffix=.conf -- "$d"/rt.XXXXXXXXXX`],
  );
  const r = await runModule(tempfile, { path: dir, prefix: 'rt.', suffix: '.conf' }, makeContext());
  const p = String(r.result['path']);
  assert.match(p, new RegExp(`^${dir}/rt\\.[A-Za-z0-9]{10}\\.conf$`));
  assert.ok(existsSync(p) && statSync(p).isFile());
  const d = await runModule(tempfile, { state: 'directory', path: dir }, makeContext());
  assert.ok(statSync(String(d.result['path'])).isDirectory());
  await runModule(tempfile, { prefix: '../x' }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /invalid prefix/),
  );
});

test.run();
