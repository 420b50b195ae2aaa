/**
 * service: on a host without systemd (this test machine has no /run/systemd/system) it drives the init
 * script through `service` and enables through `chkconfig` — here stand-ins on a PATH that holds only them
 * and a few basics, keeping their state in files — idempotently; `use: systemd` is the systemd module (a
 * stand-in systemctl); the update-rc.d commands are planned as Debian takes them; bad names are refused.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecCommand } from '../../src/command';
import service from '../../src/modules/service';
import { LocalTransport } from '../../src/transport/local';
import type { ExecOptions, Transport } from '../../src/transport/types';
import { makeContext, runModule } from './context';

let dir = '';
const BASICS = ['sh', 'cat', 'rm', 'touch', 'grep', 'mkdir', 'sed'];

function onPath(bin: string): Transport {
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

test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-service-'));
  mkdirSync(path.join(dir, 'basics'));
  for (const t of BASICS) symlinkSync(`/usr/bin/${t}`, path.join(dir, 'basics', t));
  const sysv = path.join(dir, 'sysv');
  mkdirSync(sysv);
  const st = path.join(dir, 'state');
  mkdirSync(st);
  writeFileSync(path.join(st, 'web.known'), '');
  // service NAME start|stop|restart|reload|status: LSB exit codes (0 running, 3 stopped, 1 unknown)
  writeFileSync(
    path.join(sysv, 'service'),
    `#!/bin/sh\nd=${st}; [ -e "$d/$1.known" ] || { echo "$1: unrecognized service" >&2; exit 1; }\n` +
      `echo "$2" >> "$d/$1.log"\ncase $2 in\n  start|restart) touch "$d/$1.running" ;;\n` +
      `  stop) rm -f "$d/$1.running" ;;\n  reload) [ -e "$d/$1.running" ] || exit 7 ;;\n` +
      `  status) [ -e "$d/$1.running" ] && exit 0; exit 3 ;;\nesac\n`,
    { mode: 0o755 },
  );
  writeFileSync(
    path.join(sysv, 'chkconfig'),
    `#!/bin/sh\nd=${st}\nif [ "$1" = --list ]; then [ -e "$d/$2.on" ] && echo "$2 0:off 2:on 3:on" || echo "$2 0:off 2:off"; exit 0; fi\n` +
      `case $2 in on) touch "$d/$1.on" ;; off) rm -f "$d/$1.on" ;; esac\n`,
    { mode: 0o755 },
  );
  const sd = path.join(dir, 'sd');
  mkdirSync(sd);
  writeFileSync(
    path.join(sd, 'systemctl'),
    `#!/bin/sh\nd=${st}\ncase $1 in\n  is-active) cat "$d/sd.$3.active" 2>/dev/null || echo inactive ;;\n` +
      `  is-enabled) echo disabled ;;\n  show) echo LoadState=loaded ;;\n  start) echo active > "$d/sd.$3.active" ;;\nesac\n`,
    { mode: 0o755 },
  );
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const log = () => readFileSync(path.join(dir, 'state/web.log'), 'utf8').trim().split('\n');

test('no systemd: service NAME start/stop by the status exit code, chkconfig for boot; idempotent', async () => {
  const t = () => makeContext({ transport: onPath(path.join(dir, 'sysv')) });
  const a = { name: 'web', state: 'started', enabled: true };
  const r = await runModule(service, a, t());
  assert.ok(r.changed);
  assert.equal(
    r.plan.changes.map((c) => c.describe),
    ['enable web (chkconfig)', 'start web (status exit 3)'],
  );
  assert.ok(existsSync(path.join(dir, 'state/web.running')));
  assert.ok(existsSync(path.join(dir, 'state/web.on')));
  const again = await runModule(service, a, t());
  assert.not.ok(again.changed);
  assert.equal(again.result['status'], { manager: 'sysvinit', status_rc: 0 });
  assert.ok((await runModule(service, { name: 'web', state: 'restarted' }, t())).changed);
  assert.ok((await runModule(service, { name: 'web', state: 'reloaded' }, t())).changed);
  const stop = await runModule(service, { name: 'web', state: 'stopped', enabled: false }, t());
  assert.ok(stop.changed);
  assert.not.ok(existsSync(path.join(dir, 'state/web.running')));
  assert.not.ok(existsSync(path.join(dir, 'state/web.on')));
  assert.not.ok((await runModule(service, { name: 'web', state: 'stopped', enabled: false }, t())).changed);
  assert.equal(
    log().filter((l) => l !== 'status'),
    ['start', 'restart', 'reload', 'stop'],
  );
  // check mode plans and runs nothing
  const chk = await runModule(
    service,
    a,
    makeContext({ check: true, transport: onPath(path.join(dir, 'sysv')) }),
  );
  assert.ok(chk.changed);
  assert.not.ok(existsSync(path.join(dir, 'state/web.running')));
});

test('an unknown service is refused; a bad name never reaches a command', async () => {
  const t = makeContext({ transport: onPath(path.join(dir, 'sysv')) });
  await runModule(service, { name: 'nosuch', state: 'started' }, t).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /Could not find the requested service nosuch/),
  );
  for (const name of ['--help', 'a;b', '../x'])
    await runModule(service, { name, state: 'started' }, makeContext()).then(
      () => assert.unreachable(name),
      (e) => assert.match(String(e), /invalid service name/),
    );
});

test('use: systemd is the systemd module', async () => {
  const t = () => makeContext({ transport: onPath(path.join(dir, 'sd')) });
  const r = await runModule(service, { name: 'api', state: 'started', use: 'systemd' }, t());
  assert.equal(
    r.plan.changes.map((c) => c.describe),
    ['start api (was inactive)'],
  );
  assert.not.ok((await runModule(service, { name: 'api', state: 'started', use: 'systemd' }, t())).changed);
});

test('update-rc.d: enable makes the links then enables them, disable disables', async () => {
  const f = {
    mgr: 'sysv' as const,
    ctl: 'service' as const,
    running: true,
    statusRc: 0,
    enabler: 'update-rc.d' as const,
  };
  const ctx = makeContext();
  const on = await service.plan(
    service.args.parse({ name: 'web', enabled: true }),
    { ...f, enabled: false },
    ctx,
  );
  const off = await service.plan(
    service.args.parse({ name: 'web', enabled: false }),
    { ...f, enabled: true },
    ctx,
  );
  const cmds = (p: typeof on) =>
    p.changes.flatMap((c) => c.steps.map((s) => (s.kind === 'exec' ? s.cmd.display : '')));
  assert.equal(cmds(on), ['update-rc.d web defaults >/dev/null && update-rc.d web enable']);
  assert.equal(cmds(off), ['update-rc.d web disable']);
});

test.run();
