import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, promises as fsp, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileContent, fileStat, parseStat } from '../../src/facts/file';
import { parseUnitState } from '../../src/facts/systemd';
import { putScript, sha256 } from '../../src/transport/file-transfer';
import { LocalTransport } from '../../src/transport/local';
import type { Fact } from '../../src/facts/types';
import { onlyIf, requireTool } from '../helpers/skip';

let dir = '';
let bbPath = '';
const gnu = new LocalTransport('localhost');
let bb: LocalTransport | undefined;
/** The busybox half: fact and upload scripts must not rely on GNU-only options. */
const withBusybox = onlyIf(test, requireTool('busybox'));
/** Registers `body` once for GNU coreutils and once for a busybox-only PATH (a visible skip without busybox). */
function bothFlavours(name: string, body: (t: LocalTransport) => Promise<void>): void {
  test(`${name} (GNU coreutils)`, () => body(gnu));
  withBusybox(`${name} (busybox)`, () => {
    assert.ok(bb, 'the before hook set up the busybox PATH');
    return body(bb!);
  });
}

test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-facts-'));
  // A busybox-only PATH, to check the fact scripts do not rely on GNU-only options.
  const box = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
  if (box) {
    bbPath = path.join(dir, 'busybox-bin');
    await fsp.mkdir(bbPath);
    const tools =
      'sh stat md5sum sha1sum sha256sum sha512sum cut readlink base64 cat mktemp dirname chmod chown chgrp mv sync id printf rm';
    for (const t of tools.split(' ')) await fsp.symlink(box, path.join(bbPath, t));
    bb = new LocalTransport('bb', { baseEnv: { PATH: bbPath } });
  }
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function run<T>(t: LocalTransport, f: Fact<T>): Promise<T> {
  const r = await t.exec(f.command);
  return f.parse(r.stdout, r);
}

bothFlavours('fileStat', async (t) => {
  const f = path.join(dir, `a-${t.host}.txt`);
  await fsp.writeFile(f, 'hello\n');
  await fsp.chmod(f, 0o600);
  const l = path.join(dir, `a-${t.host}.link`);
  await fsp.symlink(f, l);
  const st = await run(t, fileStat(f));
  assert.is(st.exists, true);
  assert.is(st.isreg, true);
  assert.is(st.mode, '0600');
  assert.is(st.size, 6);
  assert.is(st.checksum, sha256('hello\n'));
  const ls = await run(t, fileStat(l));
  assert.is(ls.islnk, true);
  assert.is(ls.lnk_source, f);
  assert.is(ls.checksum, undefined);
  const lf = await run(t, fileStat(l, { follow: true }));
  assert.is(lf.isreg, true);
  assert.is((await run(t, fileStat(dir))).isdir, true);
  assert.is((await run(t, fileStat(path.join(dir, "no'pe")))).exists, false);
  for (const alg of ['md5', 'sha1', 'sha512'] as const) {
    const want = createHash(alg).update('hello\n').digest('hex');
    assert.is((await run(t, fileStat(f, { algorithm: alg }))).checksum, want, alg);
  }
});

test('parseStat reads both stat flavours; a failing stat is an error', () => {
  assert.is(parseStat('/x', 'S 755 0 0 4096 1700000000 12 root root directory\n', 0).isdir, true);
  assert.is(parseStat('/y', 'S 644 0 0 0 1700000000 13 root root regular empty file\n', 0).isreg, true);
  assert.throws(
    () => parseStat('/z', '', 1, 'stat: permission denied'),
    /cannot stat \/z: stat: permission denied/,
  );
});

bothFlavours('fileContent survives binary content', async (t) => {
  const f = path.join(dir, `bin-${t.host}`);
  const bytes = Buffer.from([0, 255, 10, 13, 1, 2, 3]);
  await fsp.writeFile(f, bytes);
  const c = await run(t, fileContent(f));
  assert.is(c.exists, true);
  assert.equal([...c.content], [...bytes]);
  assert.is((await run(t, fileContent(path.join(dir, 'missing')))).exists, false);
});

bothFlavours('putScript (shell upload): atomic, idempotent, mode kept, no temp leftovers', async (t) => {
  const f = path.join(dir, `put-${t.host}`);
  const body = Buffer.from('content\n');
  const r1 = await t.exec(putScript(f, sha256(body), body.length, { mode: 0o640 }), { stdin: body });
  assert.is(r1.stdout.trim(), 'changed', r1.stderr);
  assert.is((await fsp.stat(f)).mode & 0o777, 0o640);
  const r2 = await t.exec(putScript(f, sha256(body), body.length, { mode: 0o640 }), { stdin: body });
  assert.is(r2.stdout.trim(), 'unchanged');
  const r3 = await t.exec(putScript(f, sha256(body), body.length, { mode: 0o600 }), { stdin: body });
  assert.is(r3.stdout.trim(), 'changed');
  const other = Buffer.from('other\n');
  await t.exec(putScript(f, sha256(other), other.length), { stdin: other });
  assert.is(await fsp.readFile(f, 'utf8'), 'other\n');
  assert.is((await fsp.stat(f)).mode & 0o777, 0o600);
  // a failure (directory missing) leaves nothing behind
  const bad = await t.exec(putScript(path.join(dir, 'nodir', 'x'), sha256(body), body.length), {
    stdin: body,
  });
  assert.is.not(bad.code, 0);
  assert.equal(
    readdirSync(dir).filter((n) => n.startsWith('.remediate')),
    [],
  );
});

test('systemd unit state: the words, not the exit codes', () => {
  const table: [string, Partial<ReturnType<typeof parseUnitState>>][] = [
    ['active=active\nenabled=enabled\nload=loaded\n', { active: 'active', enabled: 'enabled', exists: true }],
    [
      'active=inactive\nenabled=disabled\nload=loaded\n',
      { active: 'inactive', enabled: 'disabled', exists: true },
    ],
    ['active=inactive\nenabled=\nload=not-found\n', { active: 'inactive', exists: false }],
    ['active=failed\nenabled=static\nload=loaded\n', { active: 'failed', enabled: 'static', exists: true }],
    ['active=inactive\nenabled=masked\nload=masked\n', { enabled: 'masked', exists: true }],
    ['NOSYSTEMCTL\n', { exists: false, noSystemctl: true }],
  ];
  for (const [out, want] of table) {
    const got = parseUnitState(out);
    for (const [k, v] of Object.entries(want))
      assert.equal((got as unknown as Record<string, unknown>)[k], v, `${out} ${k}`);
  }
});

test.run();
