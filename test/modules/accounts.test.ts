import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import group, { type GroupEntry } from '../../src/modules/group';
import user, { type UserEntry } from '../../src/modules/user';
import { AccountsTransport, installAccountStandins } from './accounts-standin';
import { makeContext, runModule } from './context';

let dir = '';
let bin = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-acct-'));
  bin = installAccountStandins(dir);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = () => makeContext({ transport: new AccountsTransport(bin) });
const cmds = (p: { changes: { steps: { kind: string; cmd?: { display: string } }[] }[] }) =>
  p.changes.flatMap((c) => c.steps.map((s) => s.cmd?.display));

test('group: args + getent entry → exact steps', () => {
  const none: GroupEntry = { exists: false };
  const g: GroupEntry = { exists: true, gid: 1001, members: [] };
  const table: [Record<string, unknown>, GroupEntry, string[]][] = [
    [{ name: 'app' }, none, ['groupadd -- app']],
    [{ name: 'app', gid: 1200, system: true }, none, ['groupadd -g 1200 -r -- app']],
    [{ name: 'app', gid: 1001 }, g, []],
    [{ name: 'app', gid: 1002, non_unique: true }, g, ['groupmod -g 1002 -o -- app']],
    [{ name: 'app', state: 'absent' }, g, ['groupdel -- app']],
    [{ name: 'app', state: 'absent', force: true }, g, ['groupdel -f -- app']],
    [{ name: 'app', state: 'absent' }, none, []],
  ];
  for (const [raw, facts, want] of table) {
    const p = group.plan(group.args.parse(raw), facts, makeContext()) as never;
    assert.equal(cmds(p), want, JSON.stringify(raw));
  }
});

test('user: args + passwd entry → exact steps; the hash is never shown', () => {
  const none: UserEntry = { exists: false };
  const u: UserEntry = {
    exists: true,
    uid: 1001,
    gid: 100,
    comment: 'App',
    home: '/home/app',
    shell: '/bin/sh',
    group: 'users',
    groups: ['adm'],
    hash: '$6$x',
  };
  const table: [Record<string, unknown>, UserEntry, string[]][] = [
    [{ name: 'app' }, none, ['useradd -m -- app']],
    [
      {
        name: 'app',
        uid: 1500,
        group: 'users',
        groups: 'wheel,adm',
        shell: '/bin/bash',
        password: '$6$s$h',
        system: true,
        create_home: false,
      },
      none,
      ['useradd -u 1500 -g users -G wheel,adm -s /bin/bash -M -r -p *** -- app'],
    ],
    [{ name: 'app', uid: 1001, shell: '/bin/sh', groups: ['adm'], password: '$6$x' }, u, []],
    [{ name: 'app', groups: 'wheel', append: true }, u, ['usermod -G adm,wheel -- app']],
    [{ name: 'app', groups: 'adm', append: true }, u, []],
    [{ name: 'app', groups: [] }, u, ["usermod -G '' -- app"]],
    [{ name: 'app', shell: '/bin/bash', comment: 'New' }, u, ['usermod -c New -s /bin/bash -- app']],
    [{ name: 'app', home: '/srv/app', move_home: true }, u, ['usermod -d /srv/app -m -- app']],
    [{ name: 'app', group: '100' }, u, []],
    [{ name: 'app', password: '$6$new' }, u, ['usermod -p *** -- app']],
    [{ name: 'app', password: '$6$new', update_password: 'on_create' }, u, []],
    [{ name: 'app', state: 'absent', remove: true }, u, ['userdel -r -- app']],
  ];
  for (const [raw, facts, want] of table) {
    const p = user.plan(user.args.parse(raw), facts, makeContext()) as never;
    assert.equal(cmds(p), want, JSON.stringify(raw));
  }
});

test('names and fields that could reach options or break passwd lines are refused', async () => {
  for (const raw of [
    { name: '-rf' },
    { name: 'ok', groups: ['--help'] },
    { name: 'ok', shell: 'bin/sh' },
    { name: 'ok', comment: 'a:b' },
    { name: 'ok', group: '-g' },
  ]) {
    await runModule(user, raw, ctx()).then(
      () => assert.unreachable(JSON.stringify(raw)),
      (e) => assert.match(String(e), /invalid/),
    );
  }
  await runModule(group, { name: '--all' }, ctx()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /invalid group name/),
  );
});

test('real runs through the stand-ins: create, then a second run changes nothing; remove', async () => {
  const g1 = await runModule(group, { name: 'web', gid: 1300 }, ctx());
  assert.ok(g1.changed);
  assert.match(readFileSync(path.join(dir, 'acct-db/group'), 'utf8'), /^web:x:1300:$/m);
  assert.not.ok((await runModule(group, { name: 'web', gid: 1300 }, ctx())).changed);
  const want = {
    name: 'svc',
    uid: 1700,
    group: 'web',
    groups: ['adm'],
    shell: '/bin/false',
    password: '$6$abc',
  };
  const u1 = await runModule(user, want, ctx());
  assert.ok(u1.changed);
  assert.match(
    readFileSync(path.join(dir, 'acct-db/passwd'), 'utf8'),
    /^svc:x:1700:1300::\/home\/svc:\/bin\/false$/m,
  );
  const u2 = await runModule(user, want, ctx());
  assert.not.ok(u2.changed, JSON.stringify(u2.plan.changes.map((c) => c.describe)));
  assert.is(u2.result['uid'], 1700);
  assert.is(u2.result['groups'], 'adm');
  const u3 = await runModule(user, { name: 'svc', state: 'absent' }, ctx());
  assert.ok(u3.changed);
  assert.not.ok((await runModule(user, { name: 'svc', state: 'absent' }, ctx())).changed);
});

test.run();
