import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import tlsCheck, { parseSClient } from '../../src/modules/tls_check';
import { localContext, makePki, OLD_SANS, runModule, type Pki } from '../x509/fake-context';

let pki: Pki;
let server: ChildProcess;
let port = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test.before(async () => {
  pki = makePki();
  pki.issue(`${OLD_SANS},IP:127.0.0.1`);
  port = await freePort();
  server = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', 'server.crt', '-key', 'server.key', '-quiet'],
    {
      cwd: pki.dir,
      stdio: 'ignore',
    },
  );
  // wait until it listens
  for (let i = 0; i < 50; i++) {
    const r = await runModule(tlsCheck, localContext(), {
      host: '127.0.0.1',
      port,
      ca_file: `${pki.dir}/ca.crt`,
      fail_on_error: false,
    });
    if (!/connect/.test(String(r.result.error))) break;
    await new Promise((res) => setTimeout(res, 100));
  }
});
test.after(() => {
  server?.kill();
  pki?.cleanup();
});

const base = () => ({ host: '127.0.0.1', port, ca_file: `${pki.dir}/ca.crt` });

test('verified for an IP the served cert carries, from the target', async () => {
  const r = await runModule(tlsCheck, localContext(), { ...base(), verify_ip: '172.16.0.1' });
  assert.is(r.result.verified, true);
  assert.is(r.result.verify_code, 0);
  assert.ok((r.result.served_sans as string[]).includes('IP:172.16.0.1'));
  assert.is(r.changes.length, 0);
});

test('the Service VIP missing from the SANs: the task fails with the verification error and served SANs', async () => {
  try {
    await runModule(tlsCheck, localContext(), { ...base(), verify_ip: '10.254.0.1' });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.match(
      (e as Error).message,
      /does not verify for 10\.254\.0\.1.*IP address mismatch.*served SANs: IP:172\.16\.0\.1/,
    );
  }
  const r = await runModule(tlsCheck, localContext(), {
    ...base(),
    verify_ip: '10.254.0.1',
    fail_on_error: false,
  });
  assert.is(r.result.verified, false);
  assert.is(r.result.verify_code, 64);
});

test('from the controller: same answers through Node tls', async () => {
  const ok = await runModule(tlsCheck, localContext(), {
    ...base(),
    from: 'controller',
    verify_ip: '192.168.0.1',
  });
  assert.is(ok.result.verified, true);
  assert.ok((ok.result.served_sans as string[]).includes('IP:192.168.0.1'));
  const bad = await runModule(tlsCheck, localContext(), {
    ...base(),
    from: 'controller',
    verify_ip: '10.254.0.1',
    fail_on_error: false,
  });
  assert.is(bad.result.verified, false);
  assert.match(String(bad.result.error), /10\.254\.0\.1/);
});

test('nothing listening: a connect error, retried', async () => {
  const p = await freePort();
  const r = await runModule(tlsCheck, localContext(), {
    ...base(),
    port: p,
    retries: 1,
    delay: 0,
    fail_on_error: false,
  });
  assert.is(r.result.verified, false);
  assert.is(r.result.attempts, 2);
  assert.match(String(r.result.error), /cannot connect/);
});

test('parseSClient reads verify codes from stdout and stderr', () => {
  const ok = parseSClient({ stdout: 'Verify return code: 0 (ok)\n', stderr: '', code: 0 });
  assert.ok(ok.verified);
  const bad = parseSClient({
    stdout: 'Verify return code: 21 (unable to verify the first certificate)\n',
    stderr: 'verify error:num=21:unable to verify the first certificate\n',
    code: 1,
  });
  assert.equal(
    [bad.verified, bad.verify_code, bad.error],
    [false, 21, 'unable to verify the first certificate'],
  );
  assert.is(
    parseSClient({ stdout: '', stderr: '', code: null, timedOut: true }).error,
    'handshake timed out',
  );
});

test.run();
