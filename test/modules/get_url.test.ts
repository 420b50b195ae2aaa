/**
 * get_url on the local transport against a real HTTP server on loopback, with curl and with wget (the
 * other hidden from PATH): download, idempotency (force: false; checksum; force: true compares content),
 * checksum mismatch leaves dest untouched, a directory dest, headers reach the server and never the output.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecCommand } from '../../src/command';
import get_url from '../../src/modules/get_url';
import { LocalTransport } from '../../src/transport/local';
import type { ExecOptions, Transport } from '../../src/transport/types';
import { makeContext, runModule } from './context';

let dir = '';
/** What the module needs besides the downloader (no curl/wget among them). */
const BASICS = [
  'sh',
  'date',
  'stat',
  'sha256sum',
  'sha1sum',
  'md5sum',
  'readlink',
  'mktemp',
  'dirname',
  'rm',
  'mv',
  'chmod',
  'cut',
  'wc',
  'awk',
  'cat',
];
let base = '';
let server: http.Server;
let body = 'version 1\n';
const seenHeaders: string[] = [];

/** The local transport with PATH limited to a directory holding only the named tools (and sh basics). */
function onlyTool(tool: 'curl' | 'wget'): Transport {
  const bin = path.join(dir, `bin-${tool}`);
  const inner = new LocalTransport('localhost');
  return {
    host: 'localhost',
    connect: async () => undefined,
    close: async () => undefined,
    exec: (cmd: ExecCommand, o: ExecOptions = {}) =>
      inner.exec(cmd, { ...o, env: { ...(o.env ?? {}), PATH: `${bin}:${path.join(dir, 'basics')}` } }),
    put: (p, c, o) => inner.put(p, c, o),
    get: (p) => inner.get(p),
  };
}

test.before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-geturl-'));
  mkdirSync(path.join(dir, 'basics'));
  for (const t of BASICS) symlinkSync(`/usr/bin/${t}`, path.join(dir, 'basics', t));
  for (const tool of ['curl', 'wget'] as const) {
    mkdirSync(path.join(dir, `bin-${tool}`));
    symlinkSync(`/usr/bin/${tool}`, path.join(dir, `bin-${tool}`, tool));
  }
  server = http.createServer((req, res) => {
    if (req.headers['x-token']) seenHeaders.push(String(req.headers['x-token']));
    if (req.url === '/missing') return res.writeHead(404).end('no');
    // a server that answers conditional GETs (its files last changed in 2020), except under /noims/
    const ims = req.headers['if-modified-since'];
    if (ims && !req.url?.startsWith('/noims/') && Date.parse(ims) >= Date.UTC(2020, 0, 1))
      return res.writeHead(304).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const sha = (s: string, a = 'sha256') => createHash(a).update(s).digest('hex');

for (const tool of ['curl', 'wget'] as const) {
  test(`${tool}: downloads; then force: false asks If-Modified-Since (304: unchanged), else compares content`, async () => {
    body = 'version 1\n';
    const dest = path.join(dir, `${tool}-a.txt`);
    const a = { url: `${base}/a.txt`, dest, mode: '0640' };
    const r = await runModule(get_url, a, makeContext({ transport: onlyTool(tool) }));
    assert.ok(r.changed);
    assert.is(readFileSync(dest, 'utf8'), 'version 1\n');
    assert.is((statSync(dest).mode & 0o777).toString(8), '640');
    assert.is(r.result['status_code'], 200);
    assert.is(r.result['checksum_src'], sha('version 1\n', 'sha1'));
    assert.is(r.result['dest'], dest);
    body = 'version 2\n';
    const again = await runModule(get_url, a, makeContext({ transport: onlyTool(tool) }));
    assert.not.ok(again.changed, 'the server said 304 Not Modified');
    assert.is(again.result['msg'], 'Not Modified');
    assert.is(readFileSync(dest, 'utf8'), 'version 1\n');
    // a server without conditional GETs: downloaded again only when the content differs (as Ansible)
    const plain = { ...a, url: `${base}/noims/a.txt` };
    const r2 = await runModule(get_url, plain, makeContext({ transport: onlyTool(tool) }));
    assert.ok(r2.changed);
    assert.is(readFileSync(dest, 'utf8'), 'version 2\n');
    assert.not.ok((await runModule(get_url, plain, makeContext({ transport: onlyTool(tool) }))).changed);
  });

  test(`${tool}: force: true downloads again only when the content differs`, async () => {
    body = 'same\n';
    const dest = path.join(dir, `${tool}-f.txt`);
    writeFileSync(dest, 'same\n');
    const a = { url: `${base}/f.txt`, dest, force: true };
    assert.not.ok((await runModule(get_url, a, makeContext({ transport: onlyTool(tool) }))).changed);
    body = 'other\n';
    const r = await runModule(get_url, a, makeContext({ transport: onlyTool(tool) }));
    assert.ok(r.changed);
    assert.is(readFileSync(dest, 'utf8'), 'other\n');
    assert.not.ok((await runModule(get_url, a, makeContext({ transport: onlyTool(tool) }))).changed);
  });

  test(`${tool}: checksum: matching dest is kept, a mismatch of the download fails and leaves dest`, async () => {
    body = 'payload\n';
    const dest = path.join(dir, `${tool}-c.txt`);
    writeFileSync(dest, 'old\n');
    const good = { url: `${base}/c.txt`, dest, checksum: `sha256:${sha('payload\n')}` };
    assert.ok((await runModule(get_url, good, makeContext({ transport: onlyTool(tool) }))).changed);
    assert.is(readFileSync(dest, 'utf8'), 'payload\n');
    assert.not.ok((await runModule(get_url, good, makeContext({ transport: onlyTool(tool) }))).changed);
    writeFileSync(dest, 'old\n');
    const bad = { ...good, checksum: `sha1:${sha('something else', 'sha1')}` };
    await runModule(get_url, bad, makeContext({ transport: onlyTool(tool) })).then(
      () => assert.unreachable('a checksum mismatch must fail'),
      (e) => assert.match(String(e), /did not match/),
    );
    assert.is(readFileSync(dest, 'utf8'), 'old\n');
    assert.equal(
      require('node:fs')
        .readdirSync(dir)
        .filter((n: string) => n.startsWith('.remediate-get_url')),
      [],
      'no temp file left',
    );
  });

  test(`${tool}: HTTP 404 fails with the status; headers reach the server, never the output`, async () => {
    const dest = path.join(dir, `${tool}-404.txt`);
    const ctx = makeContext({ transport: onlyTool(tool) });
    await runModule(get_url, { url: `${base}/missing`, dest, headers: { 'X-Token': 's3cret' } }, ctx).then(
      () => assert.unreachable(),
      (e) => assert.match(String(e), /404|exit 4/),
    );
    assert.ok(seenHeaders.includes('s3cret'));
    assert.not.ok(
      ctx.execs.some((x) => x.includes('s3cret')),
      'header value shown',
    );
  });
}

test('a connection cut during the download leaves no temp file beside dest', async () => {
  body = 'x'.repeat(100_000);
  const dest = path.join(dir, 'cut.txt');
  // the script's stdout is closed before it prints (sshd closes the pipes of a cut connection): its next
  // write is a SIGPIPE, which must still remove the temp file
  const cut: Transport = {
    ...new LocalTransport('localhost'),
    host: 'localhost',
    connect: async () => undefined,
    close: async () => undefined,
    exec: async (cmd: ExecCommand) => {
      if (!cmd.script.includes('.remediate-get_url')) return new LocalTransport('localhost').exec(cmd);
      const child = spawn('sh', ['-c', cmd.script], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.destroy();
      const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
        child.on('exit', (c, s) => r([c, s])),
      );
      return {
        code,
        signal,
        stdout: '',
        stderr: '',
        timedOut: false,
        durationMs: 0,
        start: 0,
        end: 0,
      } as never;
    },
    put: (p, c, o) => new LocalTransport('localhost').put(p, c, o),
    get: (p) => new LocalTransport('localhost').get(p),
  };
  await runModule(get_url, { url: `${base}/cut.txt`, dest }, makeContext({ transport: cut })).catch(
    () => undefined,
  );
  assert.not.ok(existsSync(dest));
  assert.equal(
    readdirSync(dir).filter((n) => n.startsWith('.remediate-get_url')),
    [],
    'no temp file left',
  );
});

test('dest is a directory: the file is named after the URL', async () => {
  body = 'in dir\n';
  mkdirSync(path.join(dir, 'dl'));
  const a = { url: `${base}/pkg/tool-1.0.tar.gz?x=1`, dest: path.join(dir, 'dl') };
  const r = await runModule(get_url, a, makeContext());
  assert.ok(r.changed);
  assert.is(readFileSync(path.join(dir, 'dl', 'tool-1.0.tar.gz'), 'utf8'), 'in dir\n');
  assert.not.ok((await runModule(get_url, a, makeContext())).changed);
});

test('check mode plans the download and writes nothing; bad input is refused', async () => {
  const dest = path.join(dir, 'chk.txt');
  const r = await runModule(get_url, { url: `${base}/x`, dest }, makeContext({ check: true }));
  assert.ok(r.changed);
  assert.throws(() => statSync(dest));
  for (const bad of [
    { url: '--help', dest },
    { url: `${base}/x`, dest: 'relative' },
    { url: `${base}/x`, dest, checksum: 'crc32:abc' },
    { url: `${base}/x`, dest, headers: { 'X-A': 'a\nb' } },
  ])
    await runModule(get_url, bad, makeContext()).then(
      () => assert.unreachable(JSON.stringify(bad)),
      (e) => assert.match(String(e), /invalid|absolute/),
    );
});

test.run();
