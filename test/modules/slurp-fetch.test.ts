import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fetch from '../../src/modules/fetch';
import slurp from '../../src/modules/slurp';
import { LocalTransport } from '../../src/transport/local';
import { makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-fetch-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('slurp returns base64 content; missing file fails', async () => {
  const f = path.join(dir, 'ca.crt');
  await fsp.writeFile(f, Buffer.from([1, 2, 0, 255]));
  const r = await runModule(slurp, { src: f }, makeContext());
  assert.is(r.changed, false);
  assert.equal(r.result, { content: 'AQIA/w==', encoding: 'base64', source: f });
  await runModule(slurp, { path: path.join(dir, 'none') }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /file not found/),
  );
});

test('fetch: DEST/HOST/PATH layout, sha256 compare, then idempotent', async () => {
  const src = path.join(dir, 'remote', 'server.crt');
  await fsp.mkdir(path.dirname(src));
  await fsp.writeFile(src, 'CERT\n');
  const out = path.join(dir, 'out');
  const r = await runModule(fetch, { src, dest: out }, makeContext());
  assert.is(r.changed, true);
  const local = path.join(out, 'localhost', src);
  assert.is(r.result.dest, local);
  assert.is(await fsp.readFile(local, 'utf8'), 'CERT\n');
  assert.is((await runModule(fetch, { src, dest: out }, makeContext())).changed, false);
  await fsp.writeFile(src, 'CERT2\n');
  assert.is((await runModule(fetch, { src, dest: out }, makeContext())).changed, true);
  assert.is(await fsp.readFile(local, 'utf8'), 'CERT2\n');
});

test('fetch flat, check mode, missing source', async () => {
  const src = path.join(dir, 'flat.txt');
  await fsp.writeFile(src, 'x');
  const dest = path.join(dir, 'flatout') + '/';
  const c = await runModule(fetch, { src, dest, flat: true }, makeContext({ check: true }));
  assert.is(c.changed, true);
  assert.is(existsSync(path.join(dest, 'flat.txt')), false);
  const r = await runModule(fetch, { src, dest, flat: true }, makeContext());
  assert.is(r.result.dest, path.join(dest, 'flat.txt'));
  assert.is(await fsp.readFile(path.join(dest, 'flat.txt'), 'utf8'), 'x');
  const missing = path.join(dir, 'missing');
  await runModule(fetch, { src: missing, dest }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /does not exist/),
  );
  const ok = await runModule(fetch, { src: missing, dest, fail_on_missing: false }, makeContext());
  assert.is(ok.changed, false);
});

test('fetch refuses a host name or src that would leave dest (path traversal)', async () => {
  const src = path.join(dir, 'secret.txt');
  await fsp.writeFile(src, 'x');
  const dest = path.join(dir, 'fetched');
  const escape = path.join(dir, 'escaped');
  for (const host of ['../../../../tmp/x', '..', 'a/../../b']) {
    const ctx = makeContext({ transport: new LocalTransport(host) });
    await runModule(fetch, { src, dest }, ctx).then(
      () => assert.unreachable(host),
      (e) => assert.match(String(e), /refuses to write outside/),
    );
  }
  await runModule(fetch, { src: `${dir}/../${path.basename(dir)}/secret.txt`, dest }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /refuses to write outside/),
  );
  assert.not.ok(existsSync(escape));
  assert.not.ok(existsSync('/tmp/x'));
});

test.run();
