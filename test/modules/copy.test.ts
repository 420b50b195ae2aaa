import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { promises as fsp, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import copy from '../../src/modules/copy';
import template from '../../src/modules/template';
import { parseMode } from '../../src/modules/file-attrs';
import { describes, makeContext, runModule, type TestContext } from './context';
import { askFacts } from '../../src/runner/facts-batch';
import { FactsCache } from '../../src/runner/facts-cache';
import { LocalTransport } from '../../src/transport/local';
import type { Fact } from '../../src/facts/types';

let dir = '';
let pb = '';
test.before(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-copy-'));
  pb = path.join(dir, 'playbook');
  await fsp.mkdir(path.join(pb, 'files'), { recursive: true });
  await fsp.mkdir(path.join(pb, 'templates'), { recursive: true });
  await fsp.writeFile(path.join(pb, 'files', 'app.conf'), 'port = 80\n');
  await fsp.writeFile(
    path.join(pb, 'templates', 'csr.conf.j2'),
    'CN = {{ cn }}\n{% for ip in ips %}IP.{{ loop.index }} = {{ ip }}\n{% endfor %}',
  );
});
test.after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const mode = async (p: string) => (await fsp.stat(p)).mode & 0o7777;

test('parseMode reads octal strings and YAML numbers', () => {
  assert.is(parseMode('0644'), 0o644);
  assert.is(parseMode('644'), 0o644);
  assert.is(parseMode('0o600'), 0o600);
  assert.is(parseMode(644), 0o644);
  assert.is(parseMode(undefined), undefined);
  assert.throws(() => parseMode('u+x'), /needs the current mode/);
  assert.is(parseMode('u+x', { mode: 0o600, isdir: false, umask: 0o022 }), 0o700);
  assert.throws(() => parseMode('0999'), /mode must be in octal or symbolic form/);
});

test('plan table: same content no change, other mode one change, new file', async () => {
  const f = path.join(dir, 'table.txt');
  await fsp.writeFile(f, 'same\n');
  await fsp.chmod(f, 0o644);
  const ctx = makeContext({ playbookDir: pb });
  const cases: [Record<string, unknown>, string[]][] = [
    [{ content: 'same\n', dest: f }, []],
    [{ content: 'same\n', dest: f, mode: '0644' }, []],
    [{ content: 'same\n', dest: f, mode: '0600' }, [`mode of ${f}: 0644 → 0600`]],
    [
      { content: 'other\n', dest: f },
      [`update content of ${f} (sha256 ${'c0e2e0c7bf0c'} → ${'ee2b2e2a5a3a'})`],
    ],
    [{ content: 'x', dest: path.join(dir, 'new.txt') }, [`create ${path.join(dir, 'new.txt')} (1 byte)`]],
    [{ content: 'xy', dest: path.join(dir, 'new.txt') }, [`create ${path.join(dir, 'new.txt')} (2 bytes)`]],
    [{ content: 'other\n', dest: f, force: false }, []],
  ];
  for (const [args, want] of cases) {
    const a = copy.args.parse(args);
    const plan = await copy.plan(a, await copy.probe(ctx, a), ctx);
    const got = describes(plan).map((d) => d.replace(/sha256 \w+ → \w+/, 'sha256 X → Y'));
    assert.equal(
      got,
      want.map((d) => d.replace(/sha256 \w+ → \w+/, 'sha256 X → Y')),
      JSON.stringify(args),
    );
  }
});

test('copy content: apply, then idempotent; diff before/after', async () => {
  const f = path.join(dir, 'c.txt');
  await fsp.writeFile(f, 'old\n');
  const ctx = makeContext({ playbookDir: pb, diff: true });
  const r = await runModule(copy, { content: 'new\n', dest: f, mode: '0640' }, ctx);
  assert.is(r.changed, true);
  assert.equal(r.plan.changes[0]!.diff, { path: f, before: 'old\n', after: 'new\n' });
  assert.is(await fsp.readFile(f, 'utf8'), 'new\n');
  assert.is(await mode(f), 0o640);
  assert.is(r.result.checksum, createHash('sha256').update('new\n').digest('hex'));
  const again = await runModule(
    copy,
    { content: 'new\n', dest: f, mode: '0640' },
    makeContext({ playbookDir: pb }),
  );
  assert.is(again.changed, false);
  assert.equal(
    readdirSync(dir).filter((n) => n.includes('remediate')),
    [],
  );
});

test('copy src from files/, into a directory dest, with backup', async () => {
  const d = path.join(dir, 'etc');
  await fsp.mkdir(d);
  await fsp.writeFile(path.join(d, 'app.conf'), 'port = 8080\n');
  const ctx = makeContext({ playbookDir: pb });
  const r = await runModule(copy, { src: 'app.conf', dest: d + '/', backup: true }, ctx);
  assert.is(r.changed, true);
  assert.is(r.result.dest, path.join(d, 'app.conf'));
  assert.is(await fsp.readFile(path.join(d, 'app.conf'), 'utf8'), 'port = 80\n');
  const backup = String(r.result.backup_file);
  assert.match(backup, /app\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
  assert.is(await fsp.readFile(backup, 'utf8'), 'port = 8080\n');
  const again = await runModule(
    copy,
    { src: 'app.conf', dest: d, backup: true },
    makeContext({ playbookDir: pb }),
  );
  assert.is(again.changed, false);
  assert.is(again.result.backup_file, undefined);
});

test('only a mode change keeps the inode (chmod in place)', async () => {
  const f = path.join(dir, 'inode.txt');
  await fsp.writeFile(f, 'same\n');
  const before = (await fsp.stat(f)).ino;
  const r = await runModule(copy, { content: 'same\n', dest: f, mode: '0600' }, makeContext());
  assert.is(r.changed, true);
  assert.is(await mode(f), 0o600);
  assert.is((await fsp.stat(f)).ino, before);
});

test('check mode writes nothing', async () => {
  const f = path.join(dir, 'check.txt');
  await fsp.writeFile(f, 'keep\n');
  await fsp.chmod(f, 0o644);
  const r = await runModule(
    copy,
    { content: 'change\n', dest: f, mode: '0600', backup: true },
    makeContext({ check: true }),
  );
  assert.is(r.changed, true);
  assert.is(await fsp.readFile(f, 'utf8'), 'keep\n');
  assert.is(await mode(f), 0o644);
  assert.equal(
    readdirSync(dir).filter((n) => n.startsWith('check.txt.')),
    [],
  );
  const r2 = await runModule(
    copy,
    { content: 'x', dest: path.join(dir, 'never.txt') },
    makeContext({ check: true }),
  );
  assert.is(r2.changed, true);
  assert.equal(
    readdirSync(dir).filter((n) => n === 'never.txt'),
    [],
  );
});

test('no_log hides the diff', async () => {
  const f = path.join(dir, 'secret.txt');
  const ctx = makeContext({ noLog: true, diff: true });
  const a = copy.args.parse({ content: 'hunter2\n', dest: f });
  const plan = await copy.plan(a, await copy.probe(ctx, a), ctx);
  assert.is(plan.changes[0]!.diff, undefined);
  assert.not.match(JSON.stringify(plan), /hunter2/);
});

test('remote_src copies a file on the target, then is idempotent', async () => {
  const src = path.join(dir, 'server.crt');
  const dest = path.join(dir, 'server.crt.bak');
  await fsp.writeFile(src, 'CERT\n');
  const r = await runModule(copy, { src, dest, remote_src: true, mode: '0600' }, makeContext());
  assert.is(r.changed, true);
  assert.is(await fsp.readFile(dest, 'utf8'), 'CERT\n');
  assert.is(await mode(dest), 0o600);
  assert.is(
    (await runModule(copy, { src, dest, remote_src: true, mode: '0600' }, makeContext())).changed,
    false,
  );
  await runModule(copy, { src: path.join(dir, 'nope'), dest, remote_src: true }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /remote src .* does not exist/),
  );
});

/** A context whose batched facts (ctx.facts) run as the runner's do: one exec for the facts not cached. */
function batchedContext(): TestContext {
  const ctx = makeContext({ playbookDir: pb });
  const cache = new FactsCache();
  const t = new LocalTransport('localhost');
  ctx.facts = ((fs: readonly Fact<unknown>[]) =>
    askFacts(cache, fs, (cmd) => {
      ctx.execs.push(cmd.display);
      return t.exec(cmd);
    })) as TestContext['facts'];
  return ctx;
}

test('copy src=<dir>: "dir/" copies the contents, "dir" the directory; one probe exec; then idempotent', async () => {
  const src = path.join(pb, 'files', 'tree');
  await fsp.mkdir(path.join(src, 'sub', 'deep'), { recursive: true });
  await fsp.writeFile(path.join(src, 'a.txt'), 'a\n');
  await fsp.writeFile(path.join(src, 'sub', 'b.txt'), 'b\n');
  await fsp.writeFile(path.join(src, 'sub', 'deep', 'c.txt'), 'c\n');
  const into = path.join(dir, 'into');
  const args = { src: 'tree/', dest: into, mode: '0640', directory_mode: 'u=rwx,g=rx,o=' };
  const r = await runModule(copy, args, batchedContext());
  assert.is(r.changed, true);
  assert.equal(describes(r.plan), [
    `create directory ${into}`,
    `create directory ${into}/sub`,
    `create directory ${into}/sub/deep`,
    `create ${into}/a.txt (2 bytes, mode 0640)`,
    `create ${into}/sub/b.txt (2 bytes, mode 0640)`,
    `create ${into}/sub/deep/c.txt (2 bytes, mode 0640)`,
  ]);
  assert.is(await fsp.readFile(path.join(into, 'sub', 'deep', 'c.txt'), 'utf8'), 'c\n');
  assert.is(await mode(path.join(into, 'sub')), 0o750);
  assert.is(await mode(path.join(into, 'sub', 'b.txt')), 0o640);
  // one changed file: one upload; the probe is one exec for every destination path
  await fsp.writeFile(path.join(into, 'sub', 'b.txt'), 'changed\n');
  const ctx = batchedContext();
  const fix = await runModule(copy, args, ctx);
  assert.equal(describes(fix.plan).length, 1);
  assert.match(describes(fix.plan)[0]!, /^update content of .*sub\/b\.txt/);
  assert.is(await fsp.readFile(path.join(into, 'sub', 'b.txt'), 'utf8'), 'b\n');
  const quiet = batchedContext();
  const again = await runModule(copy, args, quiet);
  assert.is(again.changed, false);
  assert.is(quiet.execs.length, 1, quiet.execs.join('\n---\n'));
  // without the slash: dest/tree
  const itself = path.join(dir, 'itself');
  const r2 = await runModule(copy, { src: 'tree', dest: itself }, batchedContext());
  assert.is(r2.changed, true);
  assert.is(await fsp.readFile(path.join(itself, 'tree', 'a.txt'), 'utf8'), 'a\n');
  assert.is((await runModule(copy, { src: 'tree', dest: itself }, batchedContext())).changed, false);
  // a file where a directory must go is refused before anything changes
  await fsp.writeFile(path.join(dir, 'clash'), 'x');
  const clash = await runModule(copy, { src: 'tree/', dest: path.join(dir, 'clash') }, batchedContext()).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  assert.match(String(clash?.message), /clash exists and is not a directory/);
  assert.is(await fsp.readFile(path.join(dir, 'clash'), 'utf8'), 'x');
});

test('missing src is a clear error', async () => {
  await runModule(
    copy,
    { src: 'nope.conf', dest: path.join(dir, 'x') },
    makeContext({ playbookDir: pb }),
  ).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /could not find src file nope\.conf/),
  );
});

test('template renders on the controller from templates/, then is idempotent', async () => {
  const f = path.join(dir, 'csr.conf');
  const vars = { cn: 'kube01', ips: ['192.168.0.1', '10.254.0.1'] };
  const r = await runModule(
    template,
    { src: 'csr.conf.j2', dest: f, mode: '0600' },
    makeContext({ vars, playbookDir: pb }),
  );
  assert.is(r.changed, true);
  assert.is(await fsp.readFile(f, 'utf8'), 'CN = kube01\nIP.1 = 192.168.0.1\nIP.2 = 10.254.0.1\n');
  assert.is(await mode(f), 0o600);
  const again = await runModule(
    template,
    { src: 'csr.conf.j2', dest: f, mode: '0600' },
    makeContext({ vars, playbookDir: pb }),
  );
  assert.is(again.changed, false);
  const changedVars = await runModule(
    template,
    { src: 'csr.conf.j2', dest: f },
    makeContext({ vars: { ...vars, cn: 'kube02' }, playbookDir: pb, check: true }),
  );
  assert.equal(
    changedVars.plan.changes[0]!.diff?.after,
    'CN = kube02\nIP.1 = 192.168.0.1\nIP.2 = 10.254.0.1\n',
  );
  assert.is(await fsp.readFile(f, 'utf8'), 'CN = kube01\nIP.1 = 192.168.0.1\nIP.2 = 10.254.0.1\n');
});

test.run();
