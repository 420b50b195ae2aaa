import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { promises as fsp, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import uri from '../../src/modules/uri';
import { makeContext, runModule } from './context';

let dir = '';
let server: http.Server;
let tls: https.Server;
let base = '';
let tlsBase = '';
const seen: { method: string; body: string; ct?: string }[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method!, body, ct: req.headers['content-type'] });
    if (req.url === '/missing') {
      res.writeHead(404).end('nope');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Thing': 'yes' });
    res.end(JSON.stringify({ ok: true, method: req.method }));
  });
}

test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-uri-'));
  server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const key = path.join(dir, 'key.pem');
  const crt = path.join(dir, 'crt.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '1',
      '-subj',
      '/CN=test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tls = https.createServer({ key: readFileSync(key), cert: readFileSync(crt) }, handler);
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsBase = `https://127.0.0.1:${(tls.address() as { port: number }).port}`;
});
test.after(async () => {
  server.closeAllConnections();
  tls.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => tls.close(r));
  await fsp.rm(dir, { recursive: true, force: true });
});

test('GET from the controller: status, headers, json content; never a change', async () => {
  const r = await runModule(uri, { url: `${base}/x`, return_content: true }, makeContext());
  assert.is(r.changed, false);
  assert.is(r.result.status, 200);
  assert.is(r.result.x_thing, 'yes');
  assert.equal(r.result.json, { ok: true, method: 'GET' });
});

test('unexpected status fails; accepted list passes', async () => {
  await runModule(uri, { url: `${base}/missing` }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /Status code was 404 and not \[200\]/),
  );
  const r = await runModule(uri, { url: `${base}/missing`, status_code: [200, 404] }, makeContext());
  assert.is(r.result.status, 404);
});

test('POST json: sent outside check mode, reported ok; not sent in check mode', async () => {
  seen.length = 0;
  const c = await runModule(
    uri,
    { url: base, method: 'POST', body: { a: 1 }, body_format: 'json' },
    makeContext({ check: true }),
  );
  assert.is(c.skipped, true);
  assert.is(seen.length, 0);
  const r = await runModule(
    uri,
    { url: base, method: 'POST', body: { a: 1 }, body_format: 'json' },
    makeContext(),
  );
  assert.is(r.changed, false);
  assert.equal(seen, [{ method: 'POST', body: '{"a":1}', ct: 'application/json' }]);
});

test('https: verified against ca_path, refused without it, accepted with validate_certs false', async () => {
  const ok = await runModule(uri, { url: tlsBase, ca_path: path.join(dir, 'crt.pem') }, makeContext());
  assert.is(ok.result.status, 200);
  await runModule(uri, { url: tlsBase }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /self.signed|certificate/i),
  );
  const insecure = await runModule(uri, { url: tlsBase, validate_certs: false }, makeContext());
  assert.is(insecure.result.status, 200);
});

test('on_target: curl on the target gives the same result', async () => {
  seen.length = 0;
  const r = await runModule(
    uri,
    { url: `${base}/x`, on_target: true, return_content: true, headers: { 'X-A': "it's $(id)" } },
    makeContext(),
  );
  assert.is(r.result.status, 200);
  assert.equal(r.result.json, { ok: true, method: 'GET' });
  assert.is(r.result.x_thing, 'yes');
  const tlsR = await runModule(
    uri,
    { url: tlsBase, on_target: true, ca_path: path.join(dir, 'crt.pem') },
    makeContext(),
  );
  assert.is(tlsR.result.status, 200);
  await runModule(uri, { url: tlsBase, on_target: true }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /Request failed/),
  );
  const p = await runModule(
    uri,
    { url: base, method: 'PUT', body: 'raw body', on_target: true, status_code: 200 },
    makeContext(),
  );
  assert.is(p.result.status, 200);
  assert.equal(
    seen.map((s) => [s.method, s.body]),
    [
      ['GET', ''],
      ['GET', ''],
      ['PUT', 'raw body'],
    ],
  );
});

test('credentials in headers and URLs never show in commands, results or errors', async () => {
  const ctx = makeContext();
  const authed = base.replace('http://', 'http://admin:hunter2@');
  const r = await runModule(
    uri,
    { url: `${authed}/x`, on_target: true, headers: { Authorization: 'Bearer s3cr3t' } },
    ctx,
  );
  assert.is(r.result.status, 200);
  assert.not.match(JSON.stringify([ctx.execs, r.result]), /hunter2|s3cr3t/);
  const err = await runModule(uri, { url: `${authed}/missing` }, makeContext()).catch((e) => e as Error);
  assert.match(String(err), /\*\*\*@127\.0\.0\.1/);
  assert.not.match(String(err), /hunter2/);
});

test.run();
