/**
 * assemble against real Ansible: the fragments of golden/assemble-cases.json, every case of
 * golden/assemble.golden.json (gen-assemble.py, ansible-playbook) from the target and from the controller;
 * a second run changes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import assemble from '../../src/modules/assemble';
import { makeContext, runModule } from './context';

const spec = JSON.parse(readFileSync(path.join(__dirname, 'golden/assemble-cases.json'), 'utf8')) as {
  fragments: Record<string, string>;
};
const goldens = JSON.parse(readFileSync(path.join(__dirname, 'golden/assemble.golden.json'), 'utf8')) as {
  args: Record<string, unknown>;
  content: string;
}[];
let dir = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-asm-'));
  mkdirSync(path.join(dir, 'frags'));
  for (const [n, c] of Object.entries(spec.fragments)) writeFileSync(path.join(dir, 'frags', n), c);
  mkdirSync(path.join(dir, 'frags', 'subdir'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('assemble matches ansible-playbook on every case (remote and controller src); idempotent', async () => {
  for (const [i, g] of goldens.entries()) {
    for (const remote_src of [true, false]) {
      const dest = path.join(dir, `out${i}-${remote_src}`);
      const a = { ...g.args, src: remote_src ? path.join(dir, 'frags') : 'frags', dest, remote_src };
      const r = await runModule(assemble, a, makeContext({ playbookDir: dir }));
      assert.ok(r.changed);
      assert.is(readFileSync(dest, 'utf8'), g.content, JSON.stringify(a));
      assert.not.ok((await runModule(assemble, a, makeContext({ playbookDir: dir }))).changed);
    }
  }
});

test('a missing source directory fails clearly', async () => {
  await runModule(assemble, { src: path.join(dir, 'nope'), dest: path.join(dir, 'x') }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /is not a directory/),
  );
});

test.run();
