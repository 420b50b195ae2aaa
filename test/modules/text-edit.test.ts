/**
 * replace, blockinfile and lineinfile against real Ansible (lineinfile's cases are regex-heavy: the one
 * Python-to-JS translation, lines searched with their line ending, match.expand backrefs): every case of golden/text-edit.golden.json (made by
 * golden/gen-text-edit.py with ansible-playbook) runs through the module pipeline on a temp file; the
 * file, changed, msg and failure must match, and a second run must change nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import blockinfile from '../../src/modules/blockinfile';
import lineinfile from '../../src/modules/lineinfile';
import replace, { replaceText } from '../../src/modules/replace';
import { makeContext, runModule } from './context';

interface Golden {
  module: 'replace' | 'blockinfile' | 'lineinfile';
  input: string;
  args: Record<string, unknown>;
  missing: boolean;
  failed: boolean;
  changed: boolean;
  msg: string;
  after: string | null;
}
const goldens: Golden[] = JSON.parse(
  readFileSync(path.join(__dirname, 'golden/text-edit.golden.json'), 'utf8'),
);
let dir = '';
test.before(() => void (dir = mkdtempSync(path.join(tmpdir(), 'remediate-te-'))));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('replace, blockinfile and lineinfile match ansible-playbook on every golden case; second run is unchanged', async () => {
  assert.ok(goldens.length >= 20);
  for (const [i, g] of goldens.entries()) {
    const label = `case ${i} ${g.module} ${JSON.stringify(g.args)}`;
    const file = path.join(dir, `g${i}`);
    rmSync(file, { force: true });
    if (!g.missing) writeFileSync(file, g.input);
    const def = g.module === 'replace' ? replace : g.module === 'lineinfile' ? lineinfile : blockinfile;
    const args = { ...g.args, path: file };
    let out;
    try {
      out = await runModule(def, args, makeContext());
    } catch (e) {
      assert.ok(g.failed, `${label}: failed here only: ${String(e)}`);
      continue;
    }
    assert.not.ok(g.failed, `${label}: Ansible failed`);
    assert.is(out.changed, g.changed, `${label}: changed`);
    assert.is(out.result['msg'], g.msg, `${label}: msg`);
    const after = existsSync(file) ? readFileSync(file, 'utf8') : null;
    // Deliberate: lineinfile writes the lines it adds or replaces with the file's own CRLF ending, where
    // Ansible writes os.linesep ("\n") into a CRLF file (the README's differences table).
    const crlf = g.module === 'lineinfile' && g.input.includes('\r\n');
    const norm = (s: string | null) => (crlf && s !== null ? s.replace(/\r\n/g, '\n') : s);
    assert.is(norm(after), norm(g.after), `${label}: content`);
    const again = await runModule(def, args, makeContext());
    assert.is(again.changed, false, `${label}: second run`);
  }
});

test('check mode plans the upload and leaves the file alone; backup keeps the old file', async () => {
  const file = path.join(dir, 'chk');
  writeFileSync(file, 'a=1\n');
  const chk = await runModule(
    replace,
    { path: file, regexp: '1', replace: '2' },
    makeContext({ check: true }),
  );
  assert.ok(chk.changed);
  assert.equal(
    chk.plan.changes.flatMap((c) => c.steps.map((s) => s.kind)),
    ['upload'],
  );
  assert.is(chk.plan.changes[0]!.diff?.after, 'a=2\n');
  assert.is(readFileSync(file, 'utf8'), 'a=1\n');
  const run = await runModule(blockinfile, { path: file, block: 'b', backup: true }, makeContext());
  assert.is(readFileSync(String(run.result['backup_file']), 'utf8'), 'a=1\n');
});

test('bad regexps and a missing file fail clearly', async () => {
  assert.throws(() => replaceText('x', { regexp: '(', replace: '' }), /invalid regexp/);
  await runModule(replace, { path: path.join(dir, 'nope'), regexp: 'x' }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /does not exist/),
  );
});

test.run();
