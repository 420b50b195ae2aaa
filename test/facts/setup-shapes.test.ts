/**
 * `setup` (and gather_facts, the same script) against real Ansible: the facts' names and value shapes
 * must be those `ansible -m setup` gives (golden/setup-shapes.json, recorded by
 * golden/regenerate-setup.sh), on localhost through the local transport and through a real OpenSSH sshd
 * on loopback. Values are checked against what this machine says itself (uname, /proc, id, ip route).
 * Also: gather_subset and filter, and both the `ansible_distribution` and `ansible_facts.distribution` forms.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import setup from '../../src/modules/setup';
import { factVars } from '../../src/runner/gather-facts';
import { createTransportFactory, type ClosableTransportFactory } from '../../src/transport/index';
import { loginVars, startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';
import { makeContext, runModule } from '../modules/context';

type Shape = string | Shape[] | { [k: string]: Shape };
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'setup-shapes.json'), 'utf8')) as {
  shapes: Record<string, Shape> & { absent: string[] };
};

/** The list: every one of these must be produced (ansible_lsb only where lsb_release exists). */
const REQUIRED = `hostname fqdn nodename env user_id system kernel architecture machine distribution
distribution_version distribution_major_version distribution_release os_family pkg_mgr service_mgr
interfaces default_ipv4 default_ipv6 all_ipv4_addresses all_ipv6_addresses mounts memtotal_mb
processor_vcpus processor_cores date_time`
  .split(/\s+/)
  .map((k) => `ansible_${k}`);

function shape(v: unknown, name = ''): Shape {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) {
    if (v.length === 0) return ['list'];
    if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const merged: Record<string, Shape> = {};
      for (const x of v) Object.assign(merged, shape(x) as object);
      return [merged];
    }
    return [shape(v[0])];
  }
  if (name === 'env') return { '*': 'str' };
  const out: Record<string, Shape> = {};
  for (const [k, x] of Object.entries(v as object)) out[k] = shape(x);
  return out;
}

/** Every part remediate produces has Ansible's type (remediate may leave out some keys of a dict). */
function assertFits(mine: Shape, theirs: Shape, at: string): void {
  if (typeof theirs === 'string' || typeof mine === 'string') {
    assert.equal(mine, theirs, `${at}: type`);
    return;
  }
  if (Array.isArray(theirs)) {
    assert.ok(Array.isArray(mine), `${at}: a list in Ansible`);
    const [m] = mine as Shape[];
    if (m === 'list' || theirs[0] === 'list') return; // an empty list on one side
    assertFits(m!, theirs[0]!, `${at}[]`);
    return;
  }
  assert.ok(!Array.isArray(mine), `${at}: a dict in Ansible`);
  if ('*' in theirs) {
    for (const [k, v] of Object.entries(mine)) assertFits(v, theirs['*']!, `${at}.${k}`);
    return;
  }
  for (const [k, v] of Object.entries(mine)) {
    assert.ok(k in theirs, `${at}.${k}: not a key Ansible has`);
    assertFits(v, theirs[k]!, `${at}.${k}`);
  }
}

function checkShapes(facts: Record<string, unknown>): void {
  const loopback = (facts['ansible_interfaces'] as string[]).find((i) => i === 'lo');
  const dflt = (facts['ansible_default_ipv4'] as { interface?: string }).interface;
  for (const k of REQUIRED) assert.ok(k in facts, `${k} is gathered`);
  for (const k of golden.shapes.absent) assert.not.ok(k in facts, `${k} is absent (no Python)`);
  for (const [k, v] of Object.entries(facts)) {
    let name = k;
    if (loopback && k === `ansible_${loopback}`) name = 'ansible_<loopback>';
    else if (dflt && k === `ansible_${dflt.replace(/[-:.]/g, '_')}`) name = 'ansible_<default_ipv4>';
    const theirs = golden.shapes[name];
    if (theirs === undefined) continue; // an interface Ansible's run was not recorded for
    assertFits(shape(v, k.slice('ansible_'.length)), theirs, k);
  }
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

/** What the machine says itself, for the facts whose value does not depend on the login user. */
function checkValues(facts: Record<string, unknown>): void {
  assert.is(facts['ansible_nodename'], os.hostname());
  assert.is(facts['ansible_system'], 'Linux');
  assert.is(facts['ansible_kernel'], os.release());
  assert.is(facts['ansible_architecture'], sh('uname', ['-m']));
  const mem = /MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))!;
  assert.is(facts['ansible_memtotal_mb'], Math.floor(Number(mem[1]) / 1024));
  assert.ok((facts['ansible_processor_vcpus'] as number) >= 1);
  const route = sh('sh', ['-c', 'ip -4 route get 8.8.8.8 2>/dev/null || true']);
  const dev = /\bdev (\S+)/.exec(route)?.[1];
  const d4 = facts['ansible_default_ipv4'] as Record<string, unknown>;
  if (dev) {
    assert.is(d4['interface'], dev);
    assert.is(d4['address'], /\bsrc (\S+)/.exec(route)?.[1]);
    const via = /\bvia (\S+)/.exec(route)?.[1];
    if (via) assert.is(d4['gateway'], via);
    assert.ok((facts['ansible_all_ipv4_addresses'] as string[]).includes(String(d4['address'])));
  }
  const mounts = facts['ansible_mounts'] as Record<string, unknown>[];
  const root = mounts.find((m) => m['mount'] === '/');
  if (root) {
    const st = fs.statfsSync('/');
    assert.is(root['size_total'], st.bsize * st.blocks);
  }
  const osr = fs.readFileSync('/etc/os-release', 'utf8');
  let ver = /^VERSION_ID="?([^"\n]*)"?$/m.exec(osr)?.[1] ?? '';
  // Debian: the point release of /etc/debian_version, as Ansible reports it
  if (/^ID=debian$/m.test(osr) && fs.existsSync('/etc/debian_version')) {
    const dv = fs.readFileSync('/etc/debian_version', 'utf8').trim();
    if (/^\d+(\.\d+)+$/.test(dv)) ver = dv;
  }
  assert.is(facts['ansible_distribution_version'], ver);
  assert.is(facts['ansible_distribution_major_version'], ver.split('.')[0]);
  const dt = facts['ansible_date_time'] as Record<string, string>;
  assert.ok(Math.abs(Number(dt['epoch']) - Date.now() / 1000) < 120, 'date_time.epoch is now');
}

test('setup on localhost (local transport): Ansible shapes, values this machine has', async () => {
  const t = createTransportFactory({})({ name: 'localhost', vars: { ansible_connection: 'local' } });
  await t.connect();
  try {
    const r = await runModule(setup, {}, makeContext({ transport: t }));
    assert.is(r.changed, false);
    const facts = r.result['ansible_facts'] as Record<string, unknown>;
    checkShapes(facts);
    checkValues(facts);
    assert.is(facts['ansible_user_id'], os.userInfo().username);
    assert.equal(facts['ansible_env'], { ...(facts['ansible_env'] as object), PATH: process.env.PATH });
    // as Ansible injects them: ansible_distribution and ansible_facts.distribution
    const v = factVars(facts);
    assert.is(v['ansible_distribution'], facts['ansible_distribution']);
    assert.is((v['ansible_facts'] as Record<string, unknown>)['distribution'], facts['ansible_distribution']);
    assert.not.ok('ansible_ansible_distribution' in v);
  } finally {
    await t.close();
  }
});

test('gather_subset and filter', async () => {
  const t = createTransportFactory({})({ name: 'localhost', vars: { ansible_connection: 'local' } });
  await t.connect();
  try {
    const min = (await runModule(setup, { gather_subset: '!all' }, makeContext({ transport: t }))).result[
      'ansible_facts'
    ] as Record<string, unknown>;
    assert.ok('ansible_distribution' in min && 'ansible_env' in min);
    assert.not.ok('ansible_mounts' in min || 'ansible_interfaces' in min || 'ansible_memtotal_mb' in min);
    const net = (
      await runModule(setup, { gather_subset: ['!all', 'network'] }, makeContext({ transport: t }))
    ).result['ansible_facts'] as Record<string, unknown>;
    assert.ok('ansible_interfaces' in net && 'ansible_default_ipv4' in net && 'ansible_lo' in net);
    assert.not.ok('ansible_mounts' in net);
    const f = (
      await runModule(
        setup,
        { filter: ['ansible_distribution*', 'ansible_os_family'] },
        makeContext({ transport: t }),
      )
    ).result['ansible_facts'] as Record<string, unknown>;
    assert.equal(Object.keys(f).sort(), [
      'ansible_distribution',
      'ansible_distribution_major_version',
      'ansible_distribution_minor_version',
      'ansible_distribution_release',
      'ansible_distribution_version',
      'ansible_os_family',
    ]);
    const bad = await runModule(setup, { gather_subset: 'hardwar' }, makeContext({ transport: t })).catch(
      (e: Error) => e,
    );
    assert.ok(bad instanceof Error && /Bad subset 'hardwar'/.test(bad.message));
  } finally {
    await t.close();
  }
});

let d: Sshd | undefined;
let factory: ClosableTransportFactory | undefined;
test.after(async () => {
  await factory?.closeAll();
  await d?.stop();
});

test('setup over a real sshd: the same shapes, as the login user', async () => {
  d = await startSshd();
  factory = createTransportFactory({ knownHostsFile: d.knownHostsFile });
  const t = factory({ name: 'sshhost', vars: loginVars(d) });
  await t.connect();
  const r = await runModule(setup, {}, makeContext({ transport: t }));
  const facts = r.result['ansible_facts'] as Record<string, unknown>;
  checkShapes(facts);
  checkValues(facts);
  assert.is(facts['ansible_user_id'], TEST_USERS.nopasswd);
  assert.is(facts['ansible_user_uid'], Number(sh('id', ['-u', TEST_USERS.nopasswd])));
  assert.is(facts['ansible_user_shell'], '/bin/sh');
  assert.is((facts['ansible_env'] as Record<string, string>)['USER'], TEST_USERS.nopasswd);
});

test.run();
