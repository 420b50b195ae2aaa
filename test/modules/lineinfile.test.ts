import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fsp, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import lineinfile from '../../src/modules/lineinfile';
import { editLines, type LineEditArgs } from '../../src/modules/line-edit';
import { makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-lif-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const base: LineEditArgs = { state: 'present', firstmatch: false };
const conf = 'a=1\n# b\nb=2\nc=3\n';

test('editLines table (Ansible rules)', () => {
  const table: [string, Partial<LineEditArgs>, string, boolean][] = [
    [conf, { line: 'b=2' }, conf, false],
    [conf, { line: 'd=4' }, conf + 'd=4\n', true],
    [conf, { line: 'b=9', regexp: '^b=' }, 'a=1\n# b\nb=9\nc=3\n', true],
    [conf, { line: 'b=2', regexp: '^b=' }, conf, false],
    [conf, { line: 'x=0', regexp: '^x=' }, conf + 'x=0\n', true],
    [conf, { line: 'x=0', insertbefore: 'BOF' }, 'x=0\n' + conf, true],
    [conf, { line: 'x=0', insertafter: '^a=' }, 'a=1\nx=0\n# b\nb=2\nc=3\n', true],
    [conf, { line: 'x=0', insertbefore: '^c=' }, 'a=1\n# b\nb=2\nx=0\nc=3\n', true],
    [conf, { line: 'x=0', insertafter: '^nomatch' }, conf + 'x=0\n', true],
    ['b=1\nb=2\n', { line: 'b=3', regexp: '^b=' }, 'b=1\nb=3\n', true],
    ['b=1\nb=2\n', { line: 'b=3', regexp: '^b=', firstmatch: true }, 'b=3\nb=2\n', true],
    [conf, { state: 'absent', regexp: '^b' }, 'a=1\n# b\nc=3\n', true],
    [conf, { state: 'absent', line: 'c=3' }, 'a=1\n# b\nb=2\n', true],
    [conf, { state: 'absent', line: 'zzz' }, conf, false],
    ['no-eol', { line: 'x' }, 'no-eol\nx\n', true],
    ['', { line: 'first' }, 'first\n', true],
    ['a\r\nb\r\n', { line: 'c' }, 'a\r\nb\r\nc\r\n', true],
    [conf, { line: 'k=v', search_string: 'c=' }, 'a=1\n# b\nb=2\nk=v\n', true],
    [
      'port=80 # web\n',
      { line: 'port=8080 \\1', regexp: '^port=\\d+ (#.*)$', backrefs: true },
      'port=8080 # web\n',
      true,
    ],
    ['x=1\n', { line: 'y=\\g<v>', regexp: '^x=(?P<v>\\d)$', backrefs: true }, 'y=1\n', true],
    ['x=1\n', { line: 'z=\\1', regexp: '^nomatch(.*)$', backrefs: true }, 'x=1\n', false],
  ];
  for (const [text, args, want, changed] of table) {
    const r = editLines(text, { ...base, ...args });
    assert.is(r.content, want, JSON.stringify(args));
    assert.is(r.changed, changed, JSON.stringify(args));
  }
  assert.throws(() => editLines(conf, { ...base, line: 'x', regexp: '(' }), /invalid regexp/);
});

test('apply on a real file, diff, backup, then idempotent', async () => {
  const f = path.join(dir, 'kubelet.conf');
  await fsp.writeFile(f, 'KUBELET_ARGS=--cluster-dns=192.168.0.10\nOTHER=1\n');
  await fsp.chmod(f, 0o640);
  const args = {
    path: f,
    regexp: '^KUBELET_ARGS=',
    line: 'KUBELET_ARGS=--cluster-dns=10.254.0.10',
    backup: true,
  };
  const r = await runModule(lineinfile, args, makeContext());
  assert.is(r.changed, true);
  assert.equal(r.plan.changes[0]!.diff, {
    path: f,
    before: 'KUBELET_ARGS=--cluster-dns=192.168.0.10\nOTHER=1\n',
    after: 'KUBELET_ARGS=--cluster-dns=10.254.0.10\nOTHER=1\n',
  });
  assert.is(await fsp.readFile(f, 'utf8'), 'KUBELET_ARGS=--cluster-dns=10.254.0.10\nOTHER=1\n');
  assert.is((await fsp.stat(f)).mode & 0o777, 0o640);
  assert.is(
    await fsp.readFile(String(r.result.backup), 'utf8'),
    'KUBELET_ARGS=--cluster-dns=192.168.0.10\nOTHER=1\n',
  );
  const again = await runModule(lineinfile, args, makeContext());
  assert.is(again.changed, false);
});

test('missing file: error without create, created with create, absent is a no-op', async () => {
  const f = path.join(dir, 'new.conf');
  await runModule(lineinfile, { path: f, line: 'x' }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /does not exist/),
  );
  assert.is(
    (await runModule(lineinfile, { path: f, state: 'absent', line: 'x' }, makeContext())).changed,
    false,
  );
  const r = await runModule(lineinfile, { dest: f, line: 'x', create: true, mode: '0600' }, makeContext());
  assert.is(r.changed, true);
  assert.is(await fsp.readFile(f, 'utf8'), 'x\n');
  assert.is((await fsp.stat(f)).mode & 0o777, 0o600);
  assert.is(
    (await runModule(lineinfile, { dest: f, line: 'x', create: true, mode: '0600' }, makeContext())).changed,
    false,
  );
});

test('check mode never writes', async () => {
  const f = path.join(dir, 'check.conf');
  await fsp.writeFile(f, 'a\n');
  const r = await runModule(lineinfile, { path: f, line: 'b', backup: true }, makeContext({ check: true }));
  assert.is(r.changed, true);
  assert.is(await fsp.readFile(f, 'utf8'), 'a\n');
  assert.equal(
    readdirSync(dir).filter((n) => n.startsWith('check.conf.')),
    [],
  );
});

test.run();
