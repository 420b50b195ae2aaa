import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import command from '../../src/modules/command';
import raw from '../../src/modules/raw';
import shell from '../../src/modules/shell';
import stat from '../../src/modules/stat';
import { globWord } from '../../src/modules/command-run';
import { shellWords } from '../../src/modules/shell-words';
import { ModuleError } from '../../src/errors';
import { describes, makeContext, runModule } from './context';

let dir = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-cmd-'));
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const exists = (p: string) =>
  fsp.stat(p).then(
    () => true,
    () => false,
  );

test('shellWords splits like shlex, expands nothing', () => {
  const table: [string, string[]][] = [
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    [`echo 'a b' "c d" e\\ f`, ['echo', 'a b', 'c d', 'e f']],
    ['echo $(touch\\ x) `id` *', ['echo', '$(touch x)', '`id`', '*']],
    [`echo "a\\"b" 'it'"'"'s'`, ['echo', 'a"b', "it's"]],
    ['  a   b  ', ['a', 'b']],
    [`echo ''`, ['echo', '']],
  ];
  for (const [line, words] of table) assert.equal(shellWords(line), words, line);
  assert.throws(
    () => shellWords(`echo 'open`),
    (e: unknown) => e instanceof ModuleError,
  );
});

test('globWord quotes the literal parts only', () => {
  assert.is(globWord('/tmp/a b/*.crt'), `'/tmp/a b/'*.crt`);
  assert.is(globWord("/x/$(id)'"), `'/x/$(id)'\\'''`);
});

test('plan table: creates/removes decide; otherwise unknown in check', async () => {
  const have = path.join(dir, 'have');
  await fsp.writeFile(have, '');
  const ctx = makeContext();
  const cases: [Record<string, unknown>, number, boolean][] = [
    [{ _raw_params: 'echo hi' }, 1, true],
    [{ _raw_params: 'echo hi', creates: have }, 0, false],
    [{ _raw_params: 'echo hi', creates: path.join(dir, 'nope') }, 1, false],
    [{ _raw_params: 'echo hi', creates: path.join(dir, 'ha*') }, 0, false],
    [{ _raw_params: 'echo hi', removes: path.join(dir, 'nope*') }, 0, false],
    [{ _raw_params: 'echo hi', removes: have }, 1, false],
  ];
  for (const [args, n, unknown] of cases) {
    const a = command.args.parse(args);
    const plan = await command.plan(a, await command.probe(ctx, a), ctx);
    assert.is(plan.changes.length, n, JSON.stringify(args));
    assert.is(!!plan.unknownInCheck, unknown, JSON.stringify(args));
  }
});

test('command runs argv with results; hostile words are data', async () => {
  const ctx = makeContext();
  const pwned = path.join(dir, 'pwned');
  const r = await runModule(
    command,
    { argv: ['printf', '%s|', `$(touch ${pwned})`, "a'b", 'x\ny', `; touch ${pwned}`] },
    ctx,
  );
  assert.is(r.result.stdout, `$(touch ${pwned})|a'b|x\ny|; touch ${pwned}|`);
  assert.is(r.result.rc, 0);
  assert.ok(typeof r.result.delta === 'string' && /^\d+:\d\d:\d\d\.\d{6}$/.test(r.result.delta as string));
  assert.is(await exists(pwned), false);
  const r2 = await runModule(command, { _raw_params: `echo $(touch ${pwned}) "two words"` }, ctx);
  assert.is(r2.result.stdout, `$(touch ${pwned}) two words`);
  assert.equal(r2.result.stdout_lines, [`$(touch ${pwned}) two words`]);
  assert.is(await exists(pwned), false);
});

test('command: chdir, stdin, non-zero rc fails with the stderr tail', async () => {
  const ctx = makeContext();
  const r = await runModule(command, { cmd: 'pwd', chdir: dir }, ctx);
  assert.is(r.result.stdout, await fsp.realpath(dir));
  const r2 = await runModule(command, { argv: ['cat'], stdin: 'hello' }, ctx);
  assert.is(r2.result.stdout, 'hello');
  try {
    await runModule(command, { argv: ['sh', '-c', 'echo bad thing >&2; exit 4'] }, ctx);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.match((e as ModuleError).message, /non-zero return code 4: bad thing/);
    assert.is((e as ModuleError).data?.rc, 4);
  }
});

test('command with creates runs once, then is skipped (idempotent)', async () => {
  const ctx = makeContext();
  const marker = path.join(dir, 'made');
  const args = { argv: ['touch', marker], creates: marker };
  assert.is((await runModule(command, args, ctx)).changed, true);
  const again = await runModule(command, args, ctx);
  assert.is(again.changed, false);
  assert.match(String(again.result.msg), /exists/);
});

test('check mode never runs the command', async () => {
  const ctx = makeContext({ check: true });
  const marker = path.join(dir, 'check-marker');
  const r = await runModule(shell, { _raw_params: `touch ${marker}` }, ctx);
  assert.is(r.skipped, true);
  const r2 = await runModule(command, { argv: ['touch', marker], creates: marker }, ctx);
  assert.is(r2.changed, true);
  assert.is(await exists(marker), false);
});

test('shell interprets pipes and variables; executable; raw runs as is', async () => {
  const ctx = makeContext();
  const r = await runModule(shell, { _raw_params: 'X=5; echo "$X" | tr 5 6' }, ctx);
  assert.is(r.result.stdout, '6');
  assert.is(r.result.cmd, 'X=5; echo "$X" | tr 5 6');
  const r2 = await runModule(shell, { cmd: 'echo $0', executable: '/bin/sh' }, ctx);
  assert.is(r2.result.stdout, '/bin/sh');
  const r3 = await runModule(raw, { _raw_params: 'echo raw; echo err >&2' }, ctx);
  assert.is(r3.result.stdout, 'raw');
  assert.is(r3.result.stderr, 'err');
  assert.equal(describes(r3.plan), ['run echo raw; echo err >&2']);
});

test('a command invalidates cached facts: a later stat sees its effect', async () => {
  const ctx = makeContext();
  const f = path.join(dir, 'later');
  const before = await runModule(stat, { path: f }, ctx);
  assert.is((before.result.stat as { exists: boolean }).exists, false);
  await runModule(command, { argv: ['touch', f] }, ctx);
  const after = await runModule(stat, { path: f }, ctx);
  assert.is((after.result.stat as { exists: boolean }).exists, true);
});

test('bad args are rejected', async () => {
  const ctx = makeContext();
  await runModule(command, { cmd: 'a', argv: ['b'] }, ctx).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /exactly one/),
  );
  assert.is(command.args.safeParse({ cmd: 'a', bogus: 1 }).success, false);
});

test.run();
