import { test } from 'uvu';
import * as assert from 'uvu/assert';
import systemd from '../../src/modules/systemd';
import { findModule } from '../../src/modules/index';
import type { UnitState } from '../../src/facts/systemd';
import { ModuleError } from '../../src/errors';
import { LocalTransport } from '../../src/transport/local';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describes, makeContext, runModule } from './context';

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
      plan.changes.flatMap((c) => c.steps.map((x) => (x.kind === 'exec' ? x.cmd.display : x.kind))),
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
    plan.changes[0]!.steps.map((c) => (c.kind === 'exec' ? c.cmd.display : '')),
    ["systemctl restart -- 'a;reboot'"],
  );
});

test('registry: ansible.builtin.systemd_service answers to systemd; service is its own module', () => {
  assert.is.not(findModule('service'), systemd);
  assert.is(findModule('ansible.builtin.service')?.name, 'service');
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

test('probe → apply → probe against a systemctl stand-in (state kept in files)', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-systemd-'));
  try {
    const bin = path.join(dir, 'bin');
    await fsp.mkdir(bin);
    // A tiny systemctl: known unit "web", active/enabled state in files, every call logged.
    await fsp.writeFile(
      path.join(bin, 'systemctl'),
      `#!/bin/sh
S=${dir}
echo "$*" >> "$S/calls"
[ "$1" = "--" ] && shift
verb=$1; shift; [ "$1" = "--" ] && shift
[ "$verb" = daemon-reload ] && exit 0
[ "$verb" = show ] && { shift 2; [ "$1" = "--" ] && shift; }
unit=$1
if [ "$unit" != web ]; then
  case $verb in is-active) echo inactive; exit 3;; is-enabled) exit 1;; show) echo LoadState=not-found; exit 0;; *) exit 5;; esac
fi
case $verb in
  is-active) cat "$S/active" 2>/dev/null || echo inactive; [ "$(cat "$S/active" 2>/dev/null)" = active ];;
  is-enabled) cat "$S/enabled" 2>/dev/null || echo disabled;;
  show) echo LoadState=loaded;;
  start|restart) echo active > "$S/active";;
  stop) echo inactive > "$S/active";;
  enable) echo enabled > "$S/enabled";;
  disable) echo disabled > "$S/enabled";;
  daemon-reload) :;;
esac
`,
      { mode: 0o755 },
    );
    const t = new LocalTransport('stand-in', { baseEnv: { PATH: `${bin}:${process.env.PATH}` } });
    const args = { name: 'web', state: 'started', enabled: true };
    const first = await runModule(systemd, args, makeContext({ transport: t }));
    assert.equal(describes(first.plan), ['enable web (was disabled)', 'start web (was inactive)']);
    const again = await runModule(systemd, args, makeContext({ transport: t }));
    assert.is(again.changed, false);
    assert.is(again.result.enabled, true);
    const check = await runModule(
      systemd,
      { name: 'web', state: 'stopped' },
      makeContext({ transport: t, check: true }),
    );
    assert.is(check.changed, true);
    assert.is((await fsp.readFile(path.join(dir, 'active'), 'utf8')).trim(), 'active');
    // daemon-reload is a planned step, not a probe side effect: never in --check, no change by itself
    const calls = () => fsp.readFile(path.join(dir, 'calls'), 'utf8');
    const reloadArgs = { name: 'web', daemon_reload: true };
    const reloadCheck = await runModule(systemd, reloadArgs, makeContext({ transport: t, check: true }));
    assert.is(reloadCheck.changed, false);
    assert.equal(reloadCheck.plan.prelude?.length, 1);
    assert.not.match(await calls(), /daemon-reload/);
    const reload = await runModule(systemd, reloadArgs, makeContext({ transport: t }));
    assert.is(reload.changed, false);
    assert.match(await calls(), /daemon-reload/);
    const restart = await runModule(
      systemd,
      { name: 'web', state: 'restarted' },
      makeContext({ transport: t }),
    );
    assert.is(restart.changed, true);
    await runModule(systemd, { name: 'nope', state: 'started' }, makeContext({ transport: t })).then(
      () => assert.unreachable(),
      (e) => assert.match(String(e), /Could not find the requested service nope/),
    );
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test.run();
