/**
 * The first-set modules are transport-agnostic: the same tasks over the real SSH transport to a real
 * OpenSSH sshd on loopback (non-root login user), then a second run reports no change.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import command from '../../src/modules/command';
import copy from '../../src/modules/copy';
import file from '../../src/modules/file';
import lineinfile from '../../src/modules/lineinfile';
import slurp from '../../src/modules/slurp';
import stat from '../../src/modules/stat';
import { createTransportFactory, type ClosableTransportFactory } from '../../src/transport/index';
import type { Transport } from '../../src/transport/types';
import { startSshd, TEST_USERS, type Sshd, loginVars } from '../helpers/sshd';
import { makeContext, runModule } from './context';

let d: Sshd;
let factory: ClosableTransportFactory;
let t: Transport;
let dir = '';

test.before(async () => {
  d = await startSshd();
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-ssh-mod-'));
  await fsp.chmod(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', TEST_USERS.nopasswd], { encoding: 'utf8' }).trim());
  await fsp.chown(dir, uid, -1);
  factory = createTransportFactory({ knownHostsFile: d.knownHostsFile });
  t = factory({
    name: 'sshhost',
    vars: loginVars(d),
  });
  await t.connect();
});
test.after(async () => {
  await factory?.closeAll();
  await d?.stop();
  await fsp.rm(dir, { recursive: true, force: true });
});

test('file, copy, lineinfile, stat, slurp over ssh; second run changes nothing', async () => {
  const conf = path.join(dir, 'etc', 'app.conf');
  const tasks: [typeof file | typeof copy | typeof lineinfile, Record<string, unknown>][] = [
    [file, { path: path.dirname(conf), state: 'directory', mode: '0750' }],
    [copy, { content: 'a=1\nb=2\n', dest: conf, mode: '0640' }],
    [copy, { content: 'a=1\nb=2\n', dest: conf + '.d', mode: '0600', force: false }],
    [lineinfile, { path: conf + '.d', regexp: '^b=', line: 'b=3' }],
  ];
  for (const [mod, args] of tasks) {
    const r = await runModule(mod, args, makeContext({ transport: t }));
    assert.is(r.changed, true, `${mod.name} first run`);
  }
  for (const [mod, args] of tasks) {
    const r = await runModule(mod, args, makeContext({ transport: t }));
    assert.is(r.changed, false, `${mod.name} second run`);
  }
  assert.is(await fsp.readFile(conf, 'utf8'), 'a=1\nb=2\n');
  const st = (await runModule(stat, { path: conf }, makeContext({ transport: t }))).result.stat as Record<
    string,
    unknown
  >;
  assert.is(st.mode, '0640');
  assert.is(st.pw_name, TEST_USERS.nopasswd);
  const s = await runModule(slurp, { src: conf + '.d' }, makeContext({ transport: t }));
  assert.is(Buffer.from(String(s.result.content), 'base64').toString(), 'a=1\nb=3\n');
});

test('hostile command words stay data over ssh', async () => {
  const pwned = path.join(dir, 'pwned');
  const r = await runModule(
    command,
    { argv: ['echo', `$(touch ${pwned})`, "'; touch " + pwned + "'", 'a\nb'] },
    makeContext({ transport: t }),
  );
  assert.is(r.result.stdout, `$(touch ${pwned}) '; touch ${pwned}' a\nb`);
  assert.is(
    await fsp.stat(pwned).then(
      () => true,
      () => false,
    ),
    false,
  );
});

test('check mode over ssh writes nothing', async () => {
  const f = path.join(dir, 'check.txt');
  const r = await runModule(copy, { content: 'x', dest: f }, makeContext({ transport: t, check: true }));
  assert.is(r.changed, true);
  assert.is(
    await fsp.stat(f).then(
      () => true,
      () => false,
    ),
    false,
  );
});

test.run();
