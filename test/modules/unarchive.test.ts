/**
 * unarchive on the local transport with the machine's real tar/unzip: tar.gz, tar.bz2, tar.xz, tar and zip,
 * from the controller (uploaded, removed after) and from the target (remote_src); a second run changes
 * nothing; a changed or removed file in dest makes the next run unpack again; creates, exclude, list_files,
 * a missing dest.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import unarchive, { parseUnzipV, zipEntries } from '../../src/modules/unarchive';
import { makeContext, runModule } from './context';

let dir = '';
const archives: Record<string, string> = {};

test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-unarchive-'));
  const src = path.join(dir, 'tree');
  mkdirSync(path.join(src, 'app/conf'), { recursive: true });
  writeFileSync(path.join(src, 'app/run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  writeFileSync(path.join(src, 'app/conf/app.conf'), 'port=80\n');
  writeFileSync(path.join(src, 'app/README'), 'readme\n');
  const tar = (name: string, flag: string[]) => {
    archives[name] = path.join(dir, name);
    execFileSync('tar', ['-c', ...flag, '-f', archives[name]!, '-C', src, 'app']);
  };
  tar('app.tar.gz', ['-z']);
  tar('app.tar.bz2', ['-j']);
  tar('app.tar.xz', ['-J']);
  tar('app.tar', []);
  archives['app.zip'] = path.join(dir, 'app.zip');
  execFileSync('zip', ['-qr', archives['app.zip'], 'app'], { cwd: src });
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = () => readdirSync('/tmp').filter((n) => n.startsWith('.remediate-unarchive.'));

for (const name of ['app.tar.gz', 'app.tar.bz2', 'app.tar.xz', 'app.tar', 'app.zip']) {
  for (const remote_src of [false, true]) {
    test(`${name} (${remote_src ? 'on the target' : 'from the controller'}): unpack, idempotent, repair`, async () => {
      const dest = path.join(dir, `out-${name}-${remote_src}`);
      mkdirSync(dest);
      const a = { src: archives[name], dest, remote_src, list_files: true };
      const before = leftovers().length;
      const r = await runModule(unarchive, a, makeContext({ playbookDir: dir }));
      assert.ok(r.changed, 'first run unpacks');
      assert.is(readFileSync(path.join(dest, 'app/conf/app.conf'), 'utf8'), 'port=80\n');
      assert.ok((r.result['files'] as string[]).some((f) => f.replace(/^\.\//, '') === 'app/run.sh'));
      assert.is(leftovers().length, before, 'the uploaded archive is removed');
      const again = await runModule(unarchive, a, makeContext({ playbookDir: dir }));
      assert.not.ok(again.changed, `second run: ${again.plan.changes.map((c) => c.describe)}`);
      writeFileSync(path.join(dest, 'app/conf/app.conf'), 'port=81\n');
      const fixed = await runModule(unarchive, a, makeContext({ playbookDir: dir }));
      assert.ok(fixed.changed, 'a changed file is unpacked again');
      assert.is(readFileSync(path.join(dest, 'app/conf/app.conf'), 'utf8'), 'port=80\n');
      rmSync(path.join(dest, 'app/README'));
      assert.ok((await runModule(unarchive, a, makeContext({ playbookDir: dir }))).changed, 'a missing file');
      assert.not.ok((await runModule(unarchive, a, makeContext({ playbookDir: dir }))).changed);
    });
  }
}

test('check mode plans and unpacks nothing; creates skips; exclude leaves members out', async () => {
  const dest = path.join(dir, 'out-chk');
  mkdirSync(dest);
  const r = await runModule(unarchive, { src: archives['app.tar.gz'], dest }, makeContext({ check: true }));
  assert.ok(r.changed);
  assert.not.ok(existsSync(path.join(dest, 'app')));
  const c = await runModule(
    unarchive,
    { src: archives['app.tar.gz'], dest, creates: archives['app.zip'] },
    makeContext(),
  );
  assert.not.ok(c.changed);
  assert.match(String(c.result['msg']), /skipped, since/);
  for (const name of ['app.tar.gz', 'app.zip']) {
    const d = path.join(dir, `out-ex-${name}`);
    mkdirSync(d);
    const a = { src: archives[name], dest: d, exclude: ['app/README'] };
    assert.ok((await runModule(unarchive, a, makeContext())).changed);
    assert.not.ok(existsSync(path.join(d, 'app/README')), name);
    assert.ok(existsSync(path.join(d, 'app/run.sh')));
    assert.not.ok((await runModule(unarchive, a, makeContext())).changed, `${name} exclude idempotent`);
  }
});

test('bad input: dest missing, relative dest, missing remote src', async () => {
  for (const [a, re] of [
    [{ src: archives['app.tar'], dest: path.join(dir, 'nope') }, /must be an existing dir/],
    [{ src: archives['app.tar'], dest: 'rel' }, /absolute/],
    [{ src: path.join(dir, 'none.tgz'), dest: dir, remote_src: true }, /does not exist/],
  ] as const)
    await runModule(unarchive, a, makeContext()).then(
      () => assert.unreachable(JSON.stringify(a)),
      (e) => assert.match(String(e), re),
    );
});

test('zip central directory read on the controller equals unzip -v on the target', () => {
  const fromCd = zipEntries(readFileSync(archives['app.zip']!));
  const fromTool = parseUnzipV(execFileSync('unzip', ['-v', archives['app.zip']!], { encoding: 'utf8' }));
  assert.equal(fromCd, fromTool);
  assert.ok(fromCd.length >= 4);
});

test.run();
