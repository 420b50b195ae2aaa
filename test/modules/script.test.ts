/** script: upload, run, remove — for real on the local transport, with creates, arguments and failure. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import script from '../../src/modules/script';
import { makeContext, runModule } from './context';

let dir = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-script-'));
  writeFileSync(path.join(dir, 'mk.sh'), '#!/bin/sh\necho "args: $*"; echo made > "$1"\n');
  writeFileSync(path.join(dir, 'fail.sh'), '#!/bin/sh\necho boom >&2; exit 3\n');
});
test.after(() => rmSync(dir, { recursive: true, force: true }));
const leftovers = () =>
  readdirSync('/tmp').filter((n) => n.startsWith('.remediate-script.') && /mk\.sh|fail\.sh/.test(n));

test('runs the uploaded script with its arguments, removes it; creates makes the second run a skip', async () => {
  const out = path.join(dir, 'out');
  const a = { _raw_params: `mk.sh ${out} "two words"`, creates: out };
  const ctx = () => makeContext({ playbookDir: dir });
  const chk = await runModule(script, a, makeContext({ playbookDir: dir, check: true }));
  assert.equal(
    chk.plan.changes[0]!.steps.map((s) => s.kind),
    ['upload', 'exec', 'exec'],
  );
  assert.not.ok(existsSync(out));
  const r = await runModule(script, a, ctx());
  assert.ok(r.changed);
  assert.is(r.result['stdout'], `args: ${out} two words`);
  assert.is(readFileSync(out, 'utf8'), 'made\n');
  assert.equal(leftovers(), []);
  const again = await runModule(script, a, ctx());
  assert.not.ok(again.changed);
  assert.match(String(again.result['stdout']), /skipped, since .* exists/);
});

test('a failing script fails the task with rc and stderr, and is still removed; executable runs it', async () => {
  await runModule(script, { cmd: 'fail.sh' }, makeContext({ playbookDir: dir })).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /non-zero return code 3: boom/),
  );
  assert.equal(leftovers(), []);
  const r = await runModule(
    script,
    { _raw_params: 'fail.sh', executable: '/bin/true' },
    makeContext({ playbookDir: dir }),
  );
  assert.is(r.result['rc'], 0);
  for (const bad of [{ _raw_params: 'nope.sh' }, { _raw_params: 'mk.sh', executable: 'bash' }, {}])
    await runModule(script, bad, makeContext({ playbookDir: dir })).then(
      () => assert.unreachable(JSON.stringify(bad)),
      (e) => assert.match(String(e), /could not find|absolute path|give the script/),
    );
});

test.run();
