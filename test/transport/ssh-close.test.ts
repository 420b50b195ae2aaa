/**
 * The end of a run leaves nothing open: the runner closes each host's transport (and the CLI the whole
 * pool); a jump host's connection must not outlive the hosts behind it, or it keeps the process alive.
 * Real sshd on loopback: a bastion and a target behind it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../../src/command';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

let bastion: Sshd;
let target: Sshd;
let kh: string;

test.before(async () => {
  bastion = await startSshd();
  target = await startSshd();
  for (const u of Object.values(TEST_USERS)) target.authorize(u, `${bastion.clientKey}.pub`);
  kh = join(bastion.dir, 'both_known_hosts');
  writeFileSync(kh, `${bastion.knownHostsLine}\n${target.knownHostsLine}\n`);
});
test.after(async () => {
  await target?.stop();
  await bastion?.stop();
});

const hostVars = () => ({
  ansible_host: target.host,
  ansible_port: target.port,
  ansible_user: TEST_USERS.nopasswd,
  remediate_known_hosts: kh,
  jump: `${TEST_USERS.nopasswd}@${bastion.host}:${bastion.port}`,
});

function connectionsTo(port: number): number {
  return execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean).length;
}

async function until(cond: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (cond()) return true;
  return cond();
}

test('close without waiting (the CLI at the end of a run) frees the socket at once; the server ends the session', async () => {
  const f = createSshTransportFactory({ privateKey: bastion.clientKey });
  try {
    const direct = {
      ansible_host: bastion.host,
      ansible_port: bastion.port,
      ansible_user: TEST_USERS.nopasswd,
      remediate_known_hosts: kh,
    };
    const hosts = ['c', 'd', 'e'].map((name) => f({ name, vars: direct }));
    await Promise.all(hosts.map((h) => h.exec(script('true'))));
    const sessions = bastion.sessionPids().length;
    assert.ok(sessions > 0);
    // this process's open sockets (descriptors, as `ulimit -n` counts them)
    const sockets = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
        } catch {
          return false;
        }
      }).length;
    const before = sockets();
    await hosts[0]!.close({ wait: false });
    assert.is(sockets(), before - 1, "the descriptor is free when close() returns, before the server's side");
    await f.closeAll({ wait: false });
    assert.is(sockets(), before - 3);
    assert.ok(
      await until(() => bastion.sessionPids().length === 0),
      'the server saw the disconnect and ended every session',
    );
  } finally {
    await f.closeAll();
  }
});

test('closing every host behind a jump host closes the jump host connection too', async () => {
  const f = createSshTransportFactory({ privateKey: bastion.clientKey, jumpIdleMs: 100 });
  try {
    const a = f({ name: 'a', vars: hostVars() });
    const b = f({ name: 'b', vars: hostVars() });
    await Promise.all([a.exec(script('true')), b.exec(script('true'))]);
    assert.is(connectionsTo(bastion.port), 1, 'one shared bastion connection');
    await a.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.is(connectionsTo(bastion.port), 1, 'kept while b still rides on it');
    await b.close();
    assert.ok(await until(() => connectionsTo(bastion.port) === 0), 'the idle bastion connection is closed');
    // A later command reopens the chain.
    assert.is((await a.exec(script('echo again'))).stdout, 'again\n');
  } finally {
    await f.closeAll();
  }
  assert.ok(await until(() => connectionsTo(bastion.port) === 0));
});

test('a process that only closes its hosts (as the runner does) exits by itself', async () => {
  const code = `
    const { createSshTransportFactory } = require(${JSON.stringify(join(__dirname, '../../src/transport/ssh'))});
    const { script } = require(${JSON.stringify(join(__dirname, '../../src/command'))});
    const f = createSshTransportFactory({ privateKey: ${JSON.stringify(bastion.clientKey)} });
    const t = f({ name: 'x', vars: ${JSON.stringify(hostVars())} });
    t.exec(script('echo ran')).then(async (r) => { process.stdout.write(r.stdout); await t.close(); });
  `;
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 15_000);
    child.once('exit', () => (clearTimeout(t), resolve(true)));
  });
  if (!exited) child.kill('SIGKILL');
  assert.ok(exited, `the process stayed alive after closing its host: ${out}`);
  assert.is(out, 'ran\n');
});

test.run();
