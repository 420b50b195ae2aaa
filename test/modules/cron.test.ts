/**
 * cron against real Ansible: the steps of golden/cron-cases.json run in order on one cron_file, as
 * golden/gen-cron.py ran them through ansible-playbook; changed and the file after each step must match.
 * The user-crontab path runs through a crontab stand-in (`crontab -l`, then the new table on stdin).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import cron from '../../src/modules/cron';
import { AccountsTransport, installAccountStandins } from './accounts-standin';
import { makeContext, runModule } from './context';

const goldens = JSON.parse(readFileSync(path.join(__dirname, 'golden/cron.golden.json'), 'utf8')) as {
  args: Record<string, unknown>;
  changed: boolean;
  content: string;
}[];
let dir = '';
let bin = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-cron-'));
  bin = installAccountStandins(dir);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('cron_file: every step matches ansible-playbook (changed and content)', async () => {
  const file = path.join(dir, 'jobs');
  for (const [i, g] of goldens.entries()) {
    const r = await runModule(cron, { ...g.args, cron_file: file, user: 'root' }, makeContext());
    const label = `step ${i} ${JSON.stringify(g.args)}`;
    assert.is(r.changed, g.changed, label);
    const content = existsSync(file) ? readFileSync(file, 'utf8') : '';
    assert.is(content.replace(/\n$/, ''), g.content, label);
  }
});

test('user crontab: crontab -l probe, the new table on stdin of crontab -, idempotent', async () => {
  const ctx = () => makeContext({ transport: new AccountsTransport(bin) });
  const a = { name: 'sync', job: 'rsync -a /src /dst', minute: '0', user: 'svc' };
  const chk = await runModule(cron, a, makeContext({ transport: new AccountsTransport(bin), check: true }));
  const [step] = chk.plan.changes[0]!.steps;
  assert.is(step!.kind === 'exec' && step!.cmd.display, 'crontab -u svc -');
  assert.is(step!.kind === 'exec' && step!.stdin, '#Ansible: sync\n0 * * * * rsync -a /src /dst\n');
  assert.ok((await runModule(cron, a, ctx())).changed);
  assert.is(
    readFileSync(path.join(dir, 'acct-db/cron.svc'), 'utf8'),
    '#Ansible: sync\n0 * * * * rsync -a /src /dst\n',
  );
  const again = await runModule(cron, a, ctx());
  assert.not.ok(again.changed);
  assert.equal(again.result['jobs'], ['sync']);
});

test('bad input is refused before anything runs', async () => {
  for (const bad of [
    { name: 'x', job: 'y', minute: '1 2' },
    { name: 'x', job: 'a\nb' },
    { name: 'x', job: 'y', user: '-r' },
    { name: 'x', job: 'y', cron_file: 'a.b', user: 'root' },
    { name: 'x', job: 'y', cron_file: 'ok' },
    { name: 'x' },
  ])
    await runModule(cron, bad, makeContext({ transport: new AccountsTransport(bin) })).then(
      () => assert.unreachable(JSON.stringify(bad)),
      (e) => assert.match(String(e), /space|line break|invalid|needs user|required/),
    );
});

test.run();
