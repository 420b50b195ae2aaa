/**
 * What an operator reads when a connection cannot be made: a timeout says it timed out, after how long,
 * waiting for what, and through which jump host; a server that drops us says so; a refused port says so.
 * Traffic goes only to loopback and to a network namespace this test creates (whose replies to us are
 * blackholed, so TCP connects to it hang like a firewalled host).
 */
import { execFileSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { Server as SshServer } from 'ssh2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectError, ExitCode } from '../../src/errors';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';
import { createNetns, type Netns } from '../helpers/netns';

let ns: Netns;
let b1: Sshd;

test.before(async () => {
  ns = createNetns();
  // The namespace answers nothing to us: its SYN-ACKs to our end of the veth pair are dropped.
  execFileSync('ip', ['netns', 'exec', ns.name, 'ip', 'route', 'add', 'blackhole', `${ns.hostAddr}/32`]);
  b1 = await startSshd();
});
test.after(async () => {
  await b1?.stop();
  ns?.destroy();
});

function vars(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ansible_host: '127.0.0.1',
    ansible_user: TEST_USERS.nopasswd,
    ansible_ssh_private_key_file: b1.clientKey,
    remediate_known_hosts: b1.knownHostsFile,
    ...extra,
  };
}

async function connectError(
  name: string,
  v: Record<string, unknown>,
  opts: { connectTimeoutMs?: number; privateKey?: string } = {},
): Promise<ConnectError> {
  const f = createSshTransportFactory({ connectRetries: 0, ...opts });
  try {
    await f({ name, vars: v }).connect();
  } catch (e) {
    assert.instance(e, ConnectError);
    assert.is((e as ConnectError).exitCode, ExitCode.UNREACHABLE);
    return e as ConnectError;
  } finally {
    await f.closeAll();
  }
  throw new Error('expected a connect failure');
}

async function listen(onConn: (sock: Socket) => void): Promise<{ s: Server; port: number }> {
  const s = createServer(onConn);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { s, port: (s.address() as AddressInfo).port };
}

test('a host that never answers: timed out after N s waiting for a TCP connection', async () => {
  const e = await connectError('dark', vars({ ansible_host: ns.nsAddr, ansible_port: 22 }), {
    connectTimeoutMs: 600,
  });
  assert.match(
    e.message,
    new RegExp(
      `^dark: cannot connect to rmtnp@${ns.nsAddr.replace(/\./g, '\\.')}:22: timed out after 0\\.6 s waiting for a TCP connection`,
    ),
  );
  assert.not.match(e.message, /Connection lost|before handshake/);
  assert.match(e.hint ?? '', /firewall.*--connect-timeout/);
});

test('a port that accepts and says nothing: timed out waiting for the SSH handshake', async () => {
  const { s, port } = await listen((sock) => sock.on('error', () => undefined));
  try {
    const e = await connectError('mute', vars({ ansible_port: port }), { connectTimeoutMs: 400 });
    assert.match(
      e.message,
      /^mute: cannot connect to .*: timed out after 0\.4 s waiting for the SSH handshake/,
    );
    assert.match(e.hint ?? '', /is port \d+ an sshd/);
  } finally {
    s.close();
  }
});

test('a server that hangs up before the handshake, and a refused port, are named as such', async () => {
  const { s, port } = await listen((sock) => sock.destroy());
  try {
    const e = await connectError('dropped', vars({ ansible_port: port }));
    assert.match(
      e.message,
      /^dropped: cannot connect to .*: the server closed the connection before the SSH handshake$/,
    );
    assert.match(e.hint ?? '', /MaxStartups/);
  } finally {
    s.close();
  }
  const { s: s2, port: closed } = await listen(() => undefined);
  await new Promise((r) => s2.close(r));
  const r = await connectError('refused', vars({ ansible_port: closed }));
  assert.match(r.message, /^refused: cannot connect to .*: connection refused$/);
  assert.match(r.hint ?? '', /is sshd running and listening on 127\.0\.0\.1 port \d+/);
});

test('a server that never finishes authentication: timed out during authentication (unit: an ssh2 server)', async () => {
  const server = new SshServer({ hostKeys: [readFileSync(b1.hostKey)] }, (client) => {
    client.on('authentication', () => undefined); // never answers
    client.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (server.address() as AddressInfo).port;
    const e = await connectError(
      'stuck',
      vars({ ansible_port: port, ansible_ssh_host_key_checking: false }),
      {
        connectTimeoutMs: 500,
      },
    );
    assert.match(
      e.message,
      /^stuck: cannot connect to .*: timed out after 0\.5 s during authentication \(the SSH handshake completed\)$/,
    );
    assert.match(e.hint ?? '', /UseDNS/);
  } finally {
    server.close();
  }
});

test('a jump host that refuses our key: the hint says jump hosts use their own credentials', async () => {
  const jump = `${TEST_USERS.nopasswd}@127.0.0.1:${b1.port}`;
  // The target's key file is not offered to the jump host (as with OpenSSH's -i and -J).
  const e = await connectError('t', vars({ jump }));
  assert.match(e.message, /\(jump host for t\): authentication failed/);
  assert.match(e.hint ?? '', /jump host authenticates with its own settings/);
});

test('through a jump host: a silent target times out after N s, naming the hop', async () => {
  const jump = `${TEST_USERS.nopasswd}@127.0.0.1:${b1.port}`;
  const e = await connectError('behind', vars({ ansible_host: ns.nsAddr, ansible_port: 22, jump }), {
    connectTimeoutMs: 700,
    privateKey: b1.clientKey,
  });
  // Without our own timer the bastion's TCP connect would take minutes to give up: the message says that
  // timer fired (after 0.7 s), which is the behaviour; no wall-clock bound.
  assert.match(
    e.message,
    new RegExp(
      `^behind: cannot connect to rmtnp@${ns.nsAddr.replace(/\./g, '\\.')}:22 via jump host 127\\.0\\.0\\.1: timed out after 0\\.7 s: jump host .* got no answer from ${ns.nsAddr.replace(/\./g, '\\.')}:22$`,
    ),
  );
  // A silent jump host is named as the jump host.
  const j = await connectError('far', vars({ jump: `${TEST_USERS.nopasswd}@${ns.nsAddr}:22` }), {
    connectTimeoutMs: 500,
    privateKey: b1.clientKey,
  });
  assert.match(
    j.message,
    /^.*\(jump host for far\): cannot connect to .*:22: timed out after 0\.5 s waiting for a TCP connection/,
  );
});

test.run();
