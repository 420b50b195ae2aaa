import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import wait_for from '../../src/modules/wait_for';
import { makeContext, runModule } from './context';

let dir = '';
let server: net.Server;
let port = 0;
let closedPort = 0;

test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-wait-'));
  server = net.createServer((s) => {
    s.on('error', () => undefined); // probes hang up abruptly (ECONNRESET)
    s.end('SSH-2.0-remediate-test\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
  // A port nobody listens on: open and close a server to get one.
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as net.AddressInfo).port;
  await new Promise((r) => tmp.close(r));
});
test.after(async () => {
  await new Promise((r) => server.close(r));
  await fsp.rm(dir, { recursive: true, force: true });
});

test('port started / stopped, banner regex; never a change', async () => {
  const r = await runModule(wait_for, { port, timeout: 5 }, makeContext());
  assert.is(r.changed, false);
  assert.is(r.result.port, port);
  assert.is(
    (await runModule(wait_for, { port: closedPort, state: 'stopped', timeout: 5 }, makeContext())).changed,
    false,
  );
  const b = await runModule(wait_for, { port, search_regex: '^SSH-2\\.0', timeout: 5 }, makeContext());
  assert.is(b.changed, false);
});

test('path present (appearing later), regex in a file, absent', async () => {
  const f = path.join(dir, 'ready');
  setTimeout(() => void fsp.writeFile(f, 'status: Ready\n'), 300);
  const r = await runModule(wait_for, { path: f, timeout: 10 }, makeContext());
  assert.is(r.changed, false);
  await runModule(wait_for, { path: f, search_regex: 'status: (Ready|Done)', timeout: 5 }, makeContext());
  await runModule(wait_for, { path: path.join(dir, 'gone'), state: 'absent', timeout: 5 }, makeContext());
});

test('timeout fails with a clear message; custom msg', async () => {
  await runModule(wait_for, { port: closedPort, timeout: 1, connect_timeout: 1 }, makeContext()).then(
    () => assert.unreachable(),
    (e) =>
      assert.match(
        String(e),
        new RegExp(`Timeout when waiting for port 127\\.0\\.0\\.1:${closedPort} started after 1 s`),
      ),
  );
  await runModule(
    wait_for,
    { path: path.join(dir, 'never'), timeout: 1, msg: 'apiserver never came up' },
    makeContext(),
  ).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /apiserver never came up/),
  );
});

test('check mode looks once, does not wait, warns', async () => {
  const ctx = makeContext({ check: true });
  const r = await runModule(wait_for, { path: path.join(dir, 'not-yet'), timeout: 60, delay: 30 }, ctx);
  assert.is(r.changed, false);
  assert.is(r.result.check_mode_not_met, true);
  assert.match(ctx.logs.join('\n'), /not met yet/);
});

test('hostile path and regex are data', async () => {
  const pwned = path.join(dir, 'pwned');
  await runModule(wait_for, { path: `$(touch ${pwned})`, state: 'absent', timeout: 1 }, makeContext());
  await runModule(
    wait_for,
    { path: path.join(dir, "x'; touch " + pwned + "; '"), state: 'absent', timeout: 1 },
    makeContext(),
  );
  assert.is(
    await fsp.stat(pwned).then(
      () => true,
      () => false,
    ),
    false,
  );
});

test.run();
