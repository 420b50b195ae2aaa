/**
 * The ssh transport at fleet scale, against real sshd: MaxSessions queueing, 200 hosts with MaxStartups
 * at its default, a crash of one server mid-run, reconnection, and a two-hop ProxyJump chain into a
 * network namespace that only the second bastion can reach.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../../src/command';
import { ConnectError, ExitCode } from '../../src/errors';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { ChannelLostError } from '../../src/transport/ssh-exec';
import { loginVars, startSshd, TEST_USERS } from '../helpers/sshd';
import { createNetns } from '../helpers/netns';
import { settle } from '../helpers/settle';

const vars = loginVars;

test('MaxSessions=2: 20 parallel commands on one host all succeed on one connection', async () => {
  const d = await startSshd({ maxSessions: 2 });
  const f = createSshTransportFactory();
  try {
    const t = f({ name: 'm', vars: vars(d) });
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.exec(script(`sleep 0.05; echo ${i}; echo $SSH_CONNECTION`))),
    );
    assert.equal(
      rs.map((r) => r.stdout.split('\n')[0]),
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    assert.is(new Set(rs.map((r) => r.stdout.split('\n')[1])).size, 1, 'one connection for all');
    // Transfers share the same slots, also while commands run.
    const sleeper = f({ name: 'm2', vars: vars(d) });
    const [execs, puts] = await Promise.all([
      Promise.all([0, 1, 2].map(() => sleeper.exec(script('sleep 0.1; echo x')))),
      Promise.all(
        [0, 1, 2].map((i) =>
          sleeper.put(join(d.dir, '..', `rm-ms2-${process.pid}-${i}`), Buffer.from(`y${i}`)),
        ),
      ),
    ]);
    assert.equal(
      execs.map((r) => [r.code, r.stdout]),
      [0, 1, 2].map(() => [0, 'x\n']),
    );
    assert.equal(
      puts.map((p) => p.changed),
      [true, true, true],
    );
    const written = await sleeper.exec(
      script(`cat /tmp/rm-ms2-${process.pid}-0 /tmp/rm-ms2-${process.pid}-1 /tmp/rm-ms2-${process.pid}-2`),
    );
    assert.is(written.stdout, 'y0y1y2', 'every upload landed whole');
    await sleeper.exec(script(`rm -f /tmp/rm-ms2-${process.pid}-*`));
    const put = await Promise.all(
      [0, 1, 2].map((i) => t.put(join(d.dir, `..`, `rm-ms-${process.pid}-${i}`), Buffer.from(`x${i}`))),
    );
    assert.equal(
      put.map((p) => p.changed),
      [true, true, true],
    );
    const got = await Promise.all(
      [0, 1, 2].map((i) => t.get(join(d.dir, '..', `rm-ms-${process.pid}-${i}`))),
    );
    assert.equal(
      got.map((b) => b.toString()),
      ['x0', 'x1', 'x2'],
    );
    await t.exec(script(`rm -f /tmp/rm-ms-${process.pid}-*`));
  } finally {
    await f.closeAll();
    await d.stop();
  }
});

test('200 host aliases against one sshd with MaxStartups at its default: all succeed', async () => {
  const d = await startSshd();
  const f = createSshTransportFactory();
  try {
    const hosts = Array.from({ length: 200 }, (_, i) => f({ name: `node${i}`, vars: vars(d) }));
    const rs = await Promise.all(hosts.map((t, i) => settle(t.exec(script(`echo ${i}`)))));
    const failed = rs.filter((r) => !r.ok);
    assert.is(
      failed.length,
      0,
      failed
        .map((r) => (r.ok ? '' : r.e.message))
        .slice(0, 3)
        .join('; '),
    );
    assert.equal(
      rs.map((r) => (r.ok ? r.v.stdout : '')),
      hosts.map((_, i) => `${i}\n`),
    );
  } finally {
    await f.closeAll();
    await d.stop();
  }
});

test('sshd killed mid-run: its hosts fail as unreachable with the reason, the others finish', async () => {
  const a = await startSshd();
  const b = await startSshd();
  const warnings: string[] = [];
  const f = createSshTransportFactory({
    connectRetries: 1,
    retryDelayMs: 50,
    onWarning: (m) => warnings.push(m),
  });
  try {
    const onA = [0, 1].map((i) => f({ name: `a${i}`, vars: vars(a) }));
    const onB = [0, 1].map((i) => f({ name: `b${i}`, vars: vars(b) }));
    await Promise.all([...onA, ...onB].map((t) => t.connect()));
    const marks = mkdtempSync(join(tmpdir(), 'rm-marks-'));
    chmodSync(marks, 0o1777);
    // Each command marks that it runs, then waits for a release file: A's commands are still running when
    // sshd A is killed (the test saw their markers), B's finish once released — no timing window.
    const release = join(marks, 'release');
    const runs = [...onA, ...onB].map((t) =>
      settle(
        t.exec(script(`touch ${marks}/${t.host}; until [ -e ${release} ]; do sleep 0.05; done; echo done`)),
      ),
    );
    const running = (h: string) => existsSync(join(marks, h));
    for (let i = 0; i < 3000 && !['a0', 'a1', 'b0', 'b1'].every(running); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(['a0', 'a1', 'b0', 'b1'].every(running), 'all four commands started');
    a.kill();
    writeFileSync(release, '');
    const rs = await Promise.all(runs);
    for (const r of rs.slice(0, 2)) {
      assert.is(r.ok, false);
      if (!r.ok) {
        assert.instance(r.e, ChannelLostError);
        assert.is((r.e as ConnectError).exitCode, ExitCode.UNREACHABLE);
        assert.match(
          r.e.message,
          /connection lost while running: .*echo done.*may or may not have completed/,
        );
      }
    }
    for (const r of rs.slice(2)) assert.equal(r.ok && r.v.stdout, 'done\n');
    // The next task tries one reconnection, which fails: the host is unreachable.
    const next = await settle(onA[0]!.exec(script('true')));
    assert.is(next.ok, false);
    if (!next.ok) {
      assert.instance(next.e, ConnectError);
      assert.match(next.e.message, /cannot connect to .*: connection refused/);
    }
    assert.ok(warnings.some((w) => /a0: connection lost; reconnecting once/.test(w)));
    rmSync(marks, { recursive: true, force: true });
  } finally {
    await f.closeAll();
    await a.stop();
    await b.stop();
  }
});

test('a dropped connection is reopened for the next task', async () => {
  const d = await startSshd();
  const f = createSshTransportFactory();
  try {
    const t = f({ name: 'r', vars: vars(d) });
    const first = await t.exec(script('echo $SSH_CONNECTION'));
    d.dropConnections();
    // Until the transport has seen its connection close.
    for (let i = 0; i < 300 && (t as unknown as { conn?: object }).conn; i++)
      await new Promise((r) => setTimeout(r, 10));
    const second = await t.exec(script('echo $SSH_CONNECTION'));
    assert.is(second.code, 0);
    assert.is.not(second.stdout, first.stdout, 'a new connection (new source port)');
  } finally {
    await f.closeAll();
    await d.stop();
  }
});

test('two-hop ProxyJump chain into a namespace only the second bastion reaches; one bastion connection shared', async () => {
  const ns = createNetns();
  const b1 = await startSshd();
  const b2 = await startSshd({ netns: ns.name, listenAddress: ns.nsAddr, hostKey: undefined });
  const target = await startSshd({ netns: ns.name, listenAddress: '127.0.0.1' });
  const f = createSshTransportFactory({ privateKey: b1.clientKey });
  try {
    for (const s of [b2, target])
      for (const u of Object.values(TEST_USERS)) s.authorize(u, `${b1.clientKey}.pub`);
    const kh = join(b1.dir, 'chain_known_hosts');
    writeFileSync(kh, [b1.knownHostsLine, b2.knownHostsLine, target.knownHostsLine].join('\n') + '\n');
    const chain = `${TEST_USERS.nopasswd}@${b1.host}:${b1.port},${TEST_USERS.nopasswd}@${ns.nsAddr}:22`;
    const mk = (name: string, how: Record<string, unknown>) =>
      f({
        name,
        vars: {
          ansible_host: '127.0.0.1',
          ansible_port: 22,
          ansible_user: TEST_USERS.nopasswd,
          remediate_known_hosts: kh,
          ...how,
        },
      });
    const viaVar = mk('t1', { jump: chain });
    const viaArgs = mk('t2', { ansible_ssh_common_args: `-J ${chain}` });
    const [r1, r2] = await Promise.all([
      viaVar.exec(script('echo $SSH_CONNECTION')),
      viaArgs.exec(script('hostname')),
    ]);
    assert.is(r1.code, 0);
    // The target saw the connection coming from inside the namespace (the second bastion's loopback).
    assert.match(r1.stdout, /^127\.0\.0\.1 \d+ 127\.0\.0\.1 22\n$/);
    assert.is(r2.code, 0);
    const conns = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${b1.port} )`], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter(Boolean);
    assert.is(conns.length, 1, 'one connection to the first bastion, shared by both hosts');
    // The same chain from an ssh_config (-F): the target's ProxyJump names a bastion whose own
    // ProxyJump names the first one.
    const cfg = join(b1.dir, 'ssh_config');
    writeFileSync(
      cfg,
      [
        `Host edge\n  HostName ${b1.host}\n  Port ${b1.port}\n  User ${TEST_USERS.nopasswd}`,
        `Host inner-bastion\n  HostName ${ns.nsAddr}\n  User ${TEST_USERS.nopasswd}\n  ProxyJump edge`,
        `Host master1\n  HostName 127.0.0.1\n  User ${TEST_USERS.nopasswd}\n  ProxyJump inner-bastion`,
        `Host *\n  IdentityFile ${b1.clientKey}\n  UserKnownHostsFile ${kh}`,
      ].join('\n') + '\n',
    );
    const viaCfg = createSshTransportFactory({ sshConfigFile: cfg });
    try {
      const r3 = await viaCfg({ name: 'master1', vars: {} }).exec(script('echo $SSH_CONNECTION'));
      assert.match(r3.stdout, /^127\.0\.0\.1 \d+ 127\.0\.0\.1 22\n$/);
    } finally {
      await viaCfg.closeAll();
    }
    // Each hop is verified: a wrong key for the second bastion stops the chain there.
    const bad = join(b1.dir, 'bad_known_hosts');
    writeFileSync(bad, [b1.knownHostsLine, target.knownHostsLine].join('\n') + '\n');
    const g = createSshTransportFactory({ privateKey: b1.clientKey, connectRetries: 0 });
    try {
      const e = await settle(
        g({
          name: 't3',
          vars: {
            ansible_host: '127.0.0.1',
            ansible_port: 22,
            ansible_user: TEST_USERS.nopasswd,
            remediate_known_hosts: bad,
            jump: chain,
          },
        }).connect(),
      );
      assert.is(e.ok, false);
      if (!e.ok)
        assert.match(
          e.e.message,
          new RegExp(`jump host for t3.*host key for ${ns.nsAddr.replace(/\./g, '\\.')}:22 is unknown`),
        );
    } finally {
      await g.closeAll();
    }
  } finally {
    await f.closeAll();
    await target.stop();
    await b2.stop();
    await b1.stop();
    ns.destroy();
  }
});

test.run();
