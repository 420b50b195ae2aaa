/**
 * replace and blockinfile: the text edits as tables (expected values from Ansible 2.14's modules, also
 * checked end to end by test/ansible-diff/cases/edit-modules.yml), then a real file run twice.
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import blockinfile from '../../src/modules/blockinfile';
import { editBlock, replaceText, type BlockArgs } from '../../src/modules/block-edit';
import replace from '../../src/modules/replace';
import { makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-block-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('replaceText table', () => {
  const t: [string, Parameters<typeof replaceText>[1], string, number][] = [
    ['a=1\nb=1\n', { regexp: '=1$', replace: '=2' }, 'a=2\nb=2\n', 2],
    ['x 10.0.0.5 y\n', { regexp: '10\\.0\\.0\\.(\\d+)', replace: '192.168.0.\\1' }, 'x 192.168.0.5 y\n', 1],
    ['k=v\n', { regexp: '(?P<k>\\w)=(?P<v>\\w)', replace: '\\g<v>=\\g<k>' }, 'v=k\n', 1],
    [
      'p=1\n[s]\np=1\n[t]\np=1\n',
      { regexp: '^p=1$', replace: 'p=2', after: '\\[s\\]', before: '\\[t\\]' },
      'p=1\n[s]\np=2\n[t]\np=1\n',
      1,
    ],
    ['p=1\n[s]\np=1\n', { regexp: '^p=1$', replace: 'p=2', after: '\\[s\\]' }, 'p=1\n[s]\np=2\n', 1],
    ['abc\n', { regexp: 'zzz', replace: 'y' }, 'abc\n', 0],
  ];
  for (const [text, a, want, n] of t) {
    const r = replaceText(text, a);
    assert.is(r.content, want, a.regexp);
    assert.is(r.count, n, a.regexp);
  }
  assert.throws(() => replaceText('x', { regexp: '(', replace: '' }), /regexp/);
});

const B: BlockArgs = {
  block: 'one\ntwo',
  marker: '# {mark} M',
  marker_begin: 'BEGIN',
  marker_end: 'END',
  state: 'present',
};
test('editBlock table', () => {
  const blk = '# BEGIN M\none\ntwo\n# END M\n';
  const t: [string | undefined, Partial<BlockArgs>, string, string][] = [
    ['a\n', {}, `a\n${blk}`, 'Block inserted'],
    ['a', {}, `a\n${blk}`, 'Block inserted'],
    ['a\nb\nc\n', { insertafter: '^b' }, `a\nb\n${blk}c\n`, 'Block inserted'],
    ['a\nb\nc\n', { insertbefore: '^b' }, `a\n${blk}b\nc\n`, 'Block inserted'],
    ['a\nb\n', { insertbefore: 'BOF' }, `${blk}a\nb\n`, 'Block inserted'],
    [`a\n${blk}b\n`, { block: 'three' }, 'a\n# BEGIN M\nthree\n# END M\nb\n', 'Block inserted'],
    [`a\n${blk}b\n`, {}, `a\n${blk}b\n`, ''],
    [`a\n${blk}b\n`, { state: 'absent' }, 'a\nb\n', 'Block removed'],
    [`a\n${blk}b\n`, { block: '' }, 'a\nb\n', 'Block removed'],
    [undefined, {}, blk, 'File created'],
    ['a\n', { insertafter: '^nomatch' }, `a\n${blk}`, 'Block inserted'],
  ];
  for (const [text, a, want, msg] of t) {
    const r = editBlock(text, { ...B, ...a });
    assert.is(r.content, want, JSON.stringify(a));
    assert.is(r.msg, msg, JSON.stringify(a));
  }
});

test('a real file: replace and blockinfile change once, then report ok; a missing file fails like Ansible', async () => {
  const f = path.join(dir, 'conf');
  await fsp.writeFile(f, 'host=10.0.0.1\n');
  const ctx = makeContext();
  const r1 = await runModule(replace, { path: f, regexp: '10\\.0\\.0\\.1', replace: '10.0.0.2' }, ctx);
  assert.is(r1.changed, true);
  assert.is(r1.result.msg, '1 replacements made');
  const r2 = await runModule(
    replace,
    { path: f, regexp: '10\\.0\\.0\\.1', replace: '10.0.0.2' },
    makeContext(),
  );
  assert.is(r2.changed, false);
  const b1 = await runModule(blockinfile, { path: f, block: 'x=1' }, makeContext());
  assert.is(b1.changed, true);
  assert.is(
    await fsp.readFile(f, 'utf8'),
    'host=10.0.0.2\n# BEGIN ANSIBLE MANAGED BLOCK\nx=1\n# END ANSIBLE MANAGED BLOCK\n',
  );
  assert.is((await runModule(blockinfile, { path: f, block: 'x=1' }, makeContext())).changed, false);
  let err: unknown;
  try {
    await runModule(replace, { path: path.join(dir, 'nope'), regexp: 'a' }, makeContext());
  } catch (e) {
    err = e;
  }
  assert.match(String((err as Error)?.message), /does not exist/);
});

test.run();
