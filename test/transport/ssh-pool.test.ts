/**
 * The connect retry policy: an address that never answers, a refused port and a silent port are reported
 * after ONE attempt (one connect timeout, 10 s unless set); only failures that can heal — sshd dropping us
 * before the greeting (MaxStartups) or a reset — get one more try. The timeout comes from the host's
 * ansible_ssh_timeout, else --timeout, else ssh_config ConnectTimeout, else 10 s. Asserts attempts
 * (the connections a listener accepted, the pool's retry lines), never wall-clock time.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectError, ExitCode } from '../../src/errors';
import { resolveSshEndpoint } from '../../src/transport/ssh-config';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { DEFAULT_CONNECT_RETRIES } from '../../src/transport/ssh-pool';
import { createNetns, type Netns } from '../helpers/netns';

let ns: Netns;

test.before(() => {
  ns = createNetns();
  // The namespace answers nothing: its SYN-ACKs to us are dropped, so a connect hangs like a dead host.
  execFileSync('ip', ['netns', 'exec', ns.name, 'ip', 'route', 'add', 'blackhole', `${ns.hostAddr}/32`]);
});
test.after(() => ns?.destroy());

async function listen(
  onConn: (sock: Socket) => void,
): Promise<{ s: Server; port: number; accepted: () => number }> {
  let n = 0;
  const s = createServer((sock) => {
    n++;
    sock.on('error', () => undefined);
    onConn(sock);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { s, port: (s.address() as AddressInfo).port, accepted: () => n };
}

/** Connect with the default retry policy; the error and the pool's "retrying" debug lines. */
async function attempt(
  name: string,
  vars: Record<string, unknown>,
  opts: { connectTimeoutMs?: number } = {},
): Promise<{ e: ConnectError; retries: string[] }> {
  const retries: string[] = [];
  const f = createSshTransportFactory({
    retryDelayMs: 10,
    debug: (m) => {
      if (/connect attempt \d+ failed .*; retrying$/.test(m)) retries.push(m);
    },
    ...opts,
  });
  try {
    await f({ name, vars: { ansible_user: 'nobody', ansible_password: 'unused', ...vars } }).connect();
  } catch (e) {
    assert.instance(e, ConnectError);
    assert.is((e as ConnectError).exitCode, ExitCode.UNREACHABLE);
    return { e: e as ConnectError, retries };
  } finally {
    await f.closeAll();
  }
  throw new Error('expected a connect failure');
}

test('default policy: one retry, and only for failures that can heal', () => {
  assert.is(DEFAULT_CONNECT_RETRIES, 1);
});

test('a dead address: unreachable after one attempt (no retry of a timeout), the timeout in the reason', async () => {
  const { e, retries } = await attempt('dark', { ansible_host: ns.nsAddr }, { connectTimeoutMs: 500 });
  assert.match(
    e.message,
    /^dark: cannot connect to nobody@10\.213\.\d+\.2:22: timed out after 0\.5 s waiting for a TCP connection \(no answer\)$/,
  );
  assert.equal(retries, [], 'a timeout is not retried');
  assert.not.match(e.message, /attempts/);
});

test("the host's ansible_ssh_timeout beats --timeout (the factory default)", async () => {
  const { e, retries } = await attempt(
    'dark2',
    { ansible_host: ns.nsAddr, ansible_ssh_timeout: '0.3' },
    { connectTimeoutMs: 60_000 },
  );
  assert.match(e.message, /timed out after 0\.3 s waiting for a TCP connection/);
  assert.is(retries.length, 0);
});

test('a silent port and a refused port: one attempt each', async () => {
  const silent = await listen(() => undefined);
  try {
    const { e, retries } = await attempt(
      'mute',
      { ansible_host: '127.0.0.1', ansible_port: silent.port },
      { connectTimeoutMs: 300 },
    );
    assert.match(e.message, /timed out after 0\.3 s waiting for the SSH handshake/);
    assert.is(silent.accepted(), 1);
    assert.is(retries.length, 0);
  } finally {
    silent.s.close();
  }
  const gone = await listen(() => undefined);
  await new Promise((r) => gone.s.close(r));
  const { e, retries } = await attempt('refused', { ansible_host: '127.0.0.1', ansible_port: gone.port });
  assert.match(e.message, /: connection refused$/);
  assert.is(retries.length, 0);
});

test('dropped before the greeting (MaxStartups): retried once, then reported with the attempt count', async () => {
  const drop = await listen((sock) => sock.destroy());
  try {
    const { e, retries } = await attempt('busy', { ansible_host: '127.0.0.1', ansible_port: drop.port });
    assert.match(e.message, /the server closed the connection before the SSH handshake \(2 attempts\)$/);
    assert.is(drop.accepted(), 2);
    assert.is(retries.length, 1);
  } finally {
    drop.s.close();
  }
});

test('dropped once, then answered: the retry heals it (the second attempt reaches the handshake)', async () => {
  let n = 0;
  const flaky = await listen((sock) => {
    if (++n === 1) sock.destroy();
    // the second connection is held open silently: the retry got further (a handshake timeout)
  });
  try {
    const { e, retries } = await attempt(
      'flaky',
      { ansible_host: '127.0.0.1', ansible_port: flaky.port },
      { connectTimeoutMs: 300 },
    );
    assert.is(retries.length, 1);
    assert.match(e.message, /timed out after 0\.3 s waiting for the SSH handshake/);
    assert.is(flaky.accepted(), 2);
  } finally {
    flaky.s.close();
  }
});

test('timeout precedence: ansible_ssh_timeout > ansible_timeout > --timeout > -o ConnectTimeout > 10 s', () => {
  const t = (vars: Record<string, unknown>, cli?: number) =>
    resolveSshEndpoint('h', { ansible_host: '127.0.0.1', ...vars }, cli ? { connectTimeoutMs: cli } : {})
      .connectTimeoutMs;
  assert.is(t({}), 10_000);
  assert.is(t({}, 4000), 4000);
  assert.is(t({ ansible_ssh_common_args: '-o ConnectTimeout=7' }), 7000);
  assert.is(t({ ansible_timeout: 3 }, 4000), 3000);
  assert.is(t({ ansible_ssh_timeout: '2', ansible_timeout: 3 }, 4000), 2000);
});

test.run();
