import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import file from '../../src/modules/file';
import stat from '../../src/modules/stat';
import { ModuleError } from '../../src/errors';
import { describes, makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-file-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const exists = (p: string) =>
  fsp.lstat(p).then(
    () => true,
    () => false,
  );
const planOf = async (args: Record<string, unknown>) => {
  const ctx = makeContext();
  const a = file.args.parse(args);
  return file.plan(a, await file.probe(ctx, a), ctx);
};

test('plan table', async () => {
  const f = path.join(dir, 'plain');
  await fsp.writeFile(f, 'x');
  await fsp.chmod(f, 0o644);
  const missing = path.join(dir, 'missing');
  const cases: [Record<string, unknown>, string[]][] = [
    [{ path: missing, state: 'absent' }, []],
    [{ path: f, state: 'absent' }, [`remove ${f}`]],
    [{ path: f, state: 'file' }, []],
    [{ path: f, state: 'file', mode: '0644' }, []],
    [{ path: f, state: 'file', mode: '0600' }, [`mode of ${f}: 0644 → 0600`]],
    [{ dest: f, mode: '0600' }, [`mode of ${f}: 0644 → 0600`]],
    [{ path: missing, state: 'directory' }, [`create directory ${missing}`]],
    [{ path: dir, state: 'directory' }, []],
    [{ path: missing, state: 'touch' }, [`create empty file ${missing}`]],
    [{ path: f, state: 'touch' }, [`update the times of ${f}`]],
    [{ path: f, state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, []],
    [{ path: missing, src: f }, [`create link ${missing} → ${f}`]],
  ];
  for (const [args, want] of cases) assert.equal(describes(await planOf(args)), want, JSON.stringify(args));
});

test('plan errors: file state on a missing path, directory over a file, link over a file', async () => {
  const f = path.join(dir, 'plain2');
  await fsp.writeFile(f, 'x');
  for (const args of [
    { path: path.join(dir, 'nope'), state: 'file' },
    { path: f, state: 'directory' },
    { path: f, state: 'link', src: '/etc/hostname' },
  ]) {
    await planOf(args).then(
      () => assert.unreachable(JSON.stringify(args)),
      (e) => assert.instance(e, ModuleError),
    );
  }
});

test('apply each state on the local transport, then plan again is empty', async () => {
  const d = path.join(dir, 'a/b/c');
  const l = path.join(dir, 'link');
  const h = path.join(dir, 'hard');
  const t = path.join(dir, 'touched');
  const steps: Record<string, unknown>[] = [
    { path: d, state: 'directory', mode: '0750' },
    { path: t, state: 'touch', mode: '0600', modification_time: 'preserve', access_time: 'preserve' },
    { path: l, state: 'link', src: t },
    { path: h, state: 'hard', src: t },
    { path: path.join(dir, 'a'), state: 'absent' },
  ];
  for (const args of steps) {
    const r = await runModule(file, args, makeContext());
    assert.is(r.changed, true, JSON.stringify(args));
    assert.equal(describes(await planOf(args)), [], `again: ${JSON.stringify(args)}`);
  }
  assert.is(await exists(path.join(dir, 'a')), false);
  assert.is((await fsp.stat(t)).mode & 0o777, 0o600);
  assert.is(await fsp.readlink(l), t);
  assert.is((await fsp.stat(h)).ino, (await fsp.stat(t)).ino);
});

test('recurse: applied when an entry differs, then nothing to do', async () => {
  const d = path.join(dir, 'tree');
  await fsp.mkdir(path.join(d, 'sub'), { recursive: true });
  await fsp.writeFile(path.join(d, 'sub', 'f'), 'x');
  await fsp.chmod(d, 0o750);
  await fsp.chmod(path.join(d, 'sub'), 0o750);
  await fsp.chmod(path.join(d, 'sub', 'f'), 0o644);
  const args = { path: d, state: 'directory', mode: '0750', recurse: true };
  const r = await runModule(file, args, makeContext());
  assert.equal(describes(r.plan), [`apply mode/owner/group recursively under ${d}`]);
  assert.is((await fsp.stat(path.join(d, 'sub', 'f'))).mode & 0o777, 0o750);
  assert.equal(describes(await planOf(args)), []);
  const owner = os.userInfo().username;
  assert.equal(describes(await planOf({ ...args, owner })), []);
});

test('relink a symbolic link to a new target', async () => {
  const l = path.join(dir, 'relink');
  await fsp.symlink('/etc/hostname', l);
  const r = await runModule(file, { path: l, state: 'link', src: '/etc/hosts' }, makeContext());
  assert.equal(describes(r.plan), [`repoint link ${l}: /etc/hostname → /etc/hosts`]);
  assert.is(await fsp.readlink(l), '/etc/hosts');
});

test('check mode changes nothing; hostile path names stay data', async () => {
  const weird = path.join(dir, "we'ird $(touch pwned) dir");
  const r = await runModule(file, { path: weird, state: 'directory' }, makeContext({ check: true }));
  assert.is(r.changed, true);
  assert.is(await exists(weird), false);
  await runModule(file, { path: weird, state: 'directory' }, makeContext());
  assert.is(await exists(weird), true);
  assert.is(await exists(path.join(process.cwd(), 'pwned')), false);
  assert.is(await exists(path.join(dir, 'pwned')), false);
});

test('stat: exists, type, mode, owner, size, checksum; missing path', async () => {
  const f = path.join(dir, 'st');
  await fsp.writeFile(f, 'hello\n');
  await fsp.chmod(f, 0o640);
  const r = await runModule(stat, { path: f }, makeContext());
  assert.is(r.changed, false);
  const s = r.result.stat as Record<string, unknown>;
  assert.is(s.exists, true);
  assert.is(s.isreg, true);
  assert.is(s.isdir, false);
  assert.is(s.mode, '0640');
  assert.is(s.size, 6);
  assert.is(s.uid, os.userInfo().uid);
  // sha1 by default, as Ansible's stat; checksum_algorithm (alias checksum) picks another
  assert.is(s.checksum, 'f572d396fae9206628714fb2ce00f72e94f2258f');
  const s256 = await runModule(stat, { path: f, checksum_algorithm: 'sha256' }, makeContext());
  assert.is(
    (s256.result.stat as Record<string, unknown>).checksum,
    '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03',
  );
  const md5 = await runModule(stat, { path: f, checksum: 'md5' }, makeContext());
  assert.is((md5.result.stat as Record<string, unknown>).checksum, 'b1946ac92492d2347c6235b4d2611184');
  assert.ok(Math.abs(Number(s.mtime) - Date.now() / 1000) < 120);
  const d = (await runModule(stat, { path: dir, get_checksum: false }, makeContext())).result.stat as Record<
    string,
    unknown
  >;
  assert.is(d.isdir, true);
  assert.is(d.checksum, undefined);
  const m = (await runModule(stat, { path: path.join(dir, 'none') }, makeContext())).result.stat as Record<
    string,
    unknown
  >;
  assert.equal(m, { exists: false, isdir: false, isreg: false, islnk: false, path: path.join(dir, 'none') });
  const ln = path.join(dir, 'st-link');
  await fsp.symlink(f, ln);
  const sl = (await runModule(stat, { path: ln }, makeContext())).result.stat as Record<string, unknown>;
  assert.is(sl.islnk, true);
  assert.is(sl.lnk_source, f);
  const sf = (await runModule(stat, { path: ln, follow: true }, makeContext())).result.stat as Record<
    string,
    unknown
  >;
  assert.is(sf.isreg, true);
});

test('owner/group that look like options are refused before anything runs, in check mode too', async () => {
  const p = path.join(dir, 'owned');
  await fsp.writeFile(p, '');
  for (const args of [
    { path: p, owner: '--help' },
    { path: p, group: '-R' },
    { path: p, owner: 'root:root' },
    { path: p, state: 'directory', recurse: true, owner: '--reference=/etc' },
  ]) {
    for (const check of [false, true]) {
      const ctx = makeContext({ check });
      await runModule(file, args, ctx).then(
        () => assert.unreachable(JSON.stringify(args)),
        (e) => {
          assert.instance(e, ModuleError);
          assert.match(String(e), /invalid (owner|group)/);
        },
      );
      assert.equal(ctx.execs, [], 'nothing ran');
    }
  }
  const ok = await runModule(file, { path: p, owner: String(process.getuid!()) }, makeContext());
  assert.is(ok.changed, false);
});

test.run();
