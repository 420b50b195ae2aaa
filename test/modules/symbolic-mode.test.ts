/**
 * Symbolic modes (`u+x`, `u=rw,g=r,o=`, `+X`) computed as Ansible 2.14 computes them: the goldens come from
 * Ansible's own _symbolic_mode_to_octal (test/modules/golden/gen-symbolic-modes.py regenerates them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkMode, modeBase, parseMode, symbolicMode } from '../../src/modules/file-attrs';
import { ModuleError } from '../../src/errors';
import copy from '../../src/modules/copy';
import file from '../../src/modules/file';
import { describes, makeContext, runModule } from './context';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-symmode-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const modeOf = (p: string) => fs.statSync(p).mode & 0o7777;
// the target here is this machine: its umask is what a new path starts from
const umask = process.umask();

interface Golden {
  spec: string;
  mode: number;
  isdir: boolean;
  umask: number;
  want: number;
}
const cases = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'golden', 'symbolic-modes.json'), 'utf8'),
) as Golden[];

test('every golden case: the mode Ansible computes', () => {
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const got = symbolicMode(c.spec, { mode: c.mode, isdir: c.isdir, umask: c.umask });
    assert.is(
      got.toString(8),
      c.want.toString(8),
      `${c.spec} on ${c.mode.toString(8)}${c.isdir ? ' (dir)' : ''} umask ${c.umask.toString(8)}`,
    );
  }
});

test('octal modes stay octal; a symbolic mode needs the current mode', () => {
  assert.is(parseMode('0644'), 0o644);
  assert.is(parseMode(644), 0o644);
  assert.is(parseMode('u+x', { mode: 0o644, isdir: false, umask: 0o022 }), 0o744);
  assert.throws(
    () => parseMode('u+x'),
    (e: unknown) => e instanceof ModuleError,
  );
});

test('a new path: the base is what Ansible creates (0666/0777 & ~umask)', () => {
  const missing = { exists: false, isdir: false, isreg: false, islnk: false, umask: 0o027 };
  assert.equal(modeBase(missing, 'file'), { mode: 0o640, isdir: false, umask: 0o027 });
  assert.equal(modeBase(missing, 'directory'), { mode: 0o750, isdir: true, umask: 0o027 });
  assert.is(parseMode('g+w', modeBase(missing, 'file')), 0o660);
});

test('bad modes: ModuleError "mode must be in octal or symbolic form"', () => {
  for (const bad of ['u+q', 'z=r', 'ua+x', '0999', 'u+x;rm', 'u+x,+q']) {
    assert.throws(
      () => checkMode(bad),
      (e: unknown) => e instanceof ModuleError && /mode must be in octal or symbolic form/.test(e.message),
      bad,
    );
  }
  for (const ok of ['u+x', 'u=rw,g=r,o=', 'a-w', '+X', 'u', 'go=u', 'u=rwx,g-w+r,o=']) checkMode(ok);
});

test('copy and file on the target: computed from the probed mode and umask, then idempotent', async () => {
  const f = path.join(dir, 'new');
  const r = await runModule(copy, { content: 'x\n', dest: f, mode: 'u=rw,g=r,o=' }, makeContext());
  assert.is(r.changed, true);
  assert.equal(describes(r.plan), [`create ${f} (2 bytes, mode 0640)`]);
  assert.is(modeOf(f), 0o640);
  const again = await runModule(copy, { content: 'x\n', dest: f, mode: 'u=rw,g=r,o=' }, makeContext());
  assert.is(again.changed, false);
  // an existing file: from its mode (chmod in place when only the mode differs)
  const plus = await runModule(copy, { content: 'x\n', dest: f, mode: 'u+x,o+r' }, makeContext());
  assert.equal(describes(plus.plan), [`mode of ${f}: 0640 → 0744`]);
  assert.is(modeOf(f), 0o744);
  // a new directory starts at 0777 & ~umask; +x without who is limited by the umask
  const d = path.join(dir, 'd');
  await runModule(file, { path: d, state: 'directory', mode: 'g-x' }, makeContext());
  assert.is(modeOf(d), 0o777 & ~umask & ~0o010);
  const t = path.join(dir, 'd', 't');
  await runModule(file, { path: t, state: 'touch', mode: '+x' }, makeContext());
  assert.is(modeOf(t), (0o666 & ~umask) | (0o111 & ~umask));
});

test('recurse with a symbolic mode is refused (located by the runner), nothing changes', async () => {
  const err = await runModule(
    file,
    { path: dir, state: 'directory', mode: 'u+x', recurse: true },
    makeContext(),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, ModuleError);
  assert.match((err as Error).message, /recurse with a symbolic mode/);
});

test.run();
