import { test } from 'uvu';
import * as assert from 'uvu/assert';
import systemd from '../../src/modules/systemd';
import { findModule } from '../../src/modules/index';
import type { UnitState } from '../../src/facts/systemd';
import { ModuleError } from '../../src/errors';
import { describes, makeContext } from './context';

const unit = (active: string, enabled: string, load = 'loaded'): UnitState => ({
  active,
  enabled,
  load,
  exists: load !== 'not-found',
});

test('plan table: args + unit state → changes and commands', async () => {
  const ctx = makeContext();
  const n = 'kube-apiserver.service';
  const cases: [Record<string, unknown>, UnitState, string[], string[]][] = [
    [{ name: n, state: 'started' }, unit('active', 'enabled'), [], []],
    [
      { name: n, state: 'started' },
      unit('inactive', 'enabled'),
      [`start ${n} (was inactive)`],
      ['systemctl start -- kube-apiserver.service'],
    ],
    [
      { name: n, state: 'started' },
      unit('failed', 'enabled'),
      [`start ${n} (was failed)`],
      ['systemctl start -- kube-apiserver.service'],
    ],
    [{ name: n, state: 'stopped' }, unit('inactive', 'enabled'), [], []],
    [
      { name: n, state: 'stopped' },
      unit('active', 'enabled'),
      [`stop ${n} (was active)`],
      ['systemctl stop -- kube-apiserver.service'],
    ],
    [
      { name: n, state: 'restarted' },
      unit('active', 'enabled'),
      [`restart ${n}`],
      ['systemctl restart -- kube-apiserver.service'],
    ],
    [
      { name: n, state: 'reloaded' },
      unit('active', 'enabled'),
      [`reload ${n}`],
      ['systemctl reload -- kube-apiserver.service'],
    ],
    [{ name: n, enabled: true }, unit('active', 'enabled'), [], []],
    [{ name: n, enabled: true }, unit('active', 'static'), [], []],
    [
      { name: n, enabled: true },
      unit('active', 'disabled'),
      [`enable ${n} (was disabled)`],
      ['systemctl enable -- kube-apiserver.service'],
    ],
    [
      { name: n, enabled: false },
      unit('active', 'enabled'),
      [`disable ${n}`],
      ['systemctl disable -- kube-apiserver.service'],
    ],
    [
      { name: n, masked: true },
      unit('inactive', 'disabled'),
      [`mask ${n}`],
      ['systemctl mask -- kube-apiserver.service'],
    ],
  ];
  for (const [args, u, want, cmds] of cases) {
    const plan = await systemd.plan(systemd.args.parse(args), u, ctx);
    assert.equal(describes(plan), want, JSON.stringify([args, u]));
    assert.equal(
      plan.changes.flatMap((c) => (c.commands ?? []).map((x) => (x.kind === 'exec' ? x.display : x.kind))),
      cmds,
    );
  }
});

test('unknown unit, missing systemctl and hostile names', async () => {
  const ctx = makeContext();
  const missing = unit('inactive', '', 'not-found');
  assert.throws(
    () => systemd.plan(systemd.args.parse({ name: 'nope', state: 'started' }), missing, ctx),
    (e: unknown) => e instanceof ModuleError && /Could not find the requested service nope/.test(e.message),
  );
  assert.throws(
    () =>
      systemd.plan(
        systemd.args.parse({ name: 'x', state: 'started' }),
        { ...missing, noSystemctl: true },
        ctx,
      ),
    /systemctl not found/,
  );
  const plan = await systemd.plan(
    systemd.args.parse({ name: 'a;reboot', state: 'restarted' }),
    unit('active', 'enabled'),
    ctx,
  );
  assert.equal(
    plan.changes[0]!.commands!.map((c) => (c.kind === 'exec' ? c.display : '')),
    ["systemctl restart -- 'a;reboot'"],
  );
});

test('registry: service and ansible.builtin.systemd_service answer to systemd', () => {
  assert.is(findModule('service'), systemd);
  assert.is(findModule('ansible.builtin.systemd_service'), systemd);
  assert.is(findModule('ansible.builtin.systemd'), systemd);
});

test('probe reads the words of systemctl (fact command runs on the host)', async () => {
  // On a host without systemd the fact says so instead of failing.
  const ctx = makeContext();
  const u = await systemd.probe(ctx, systemd.args.parse({ name: 'remediate-no-such-unit' }));
  assert.ok(u);
  assert.is(u!.exists, false);
});

test.run();
