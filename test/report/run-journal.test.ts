// The run journal's writer: each line is what `redactEvent` gives (minus plan steps), secrets masked,
// lines written in batches within 100 ms (off the event loop, in order), everything on disk after close,
// even with a write in flight.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secret } from '../../src/command';
import type { RunEvent } from '../../src/events';
import { redactEvent } from '../../src/report/journal';
import { journalLine, newRunId, readRun, RunJournal } from '../../src/report/run-journal';
import { sanitizingReplacer } from '../../src/secrets/sanitize';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-journal-test-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const result = (extra: Record<string, unknown> = {}): RunEvent => ({
  kind: 'task-result',
  time: 1,
  host: 'kube01.c001',
  task: 'Re-issue',
  loc: 'pb.yml:3:7',
  module: 'x509_reissue',
  status: 'changed',
  durationMs: 12,
  check: false,
  changes: [
    {
      describe: 'SAN +IP:10.254.0.1',
      steps: [{ kind: 'exec', cmd: { kind: 'exec', display: 'openssl x509 ...' } }],
      diff: { path: '/etc/x', before: 'a\n', after: 'b\n' },
    },
    { describe: 'password file', diff: { path: '/etc/p', before: 'old', after: 'new', secret: true } },
  ] as never,
  result: {
    changed: true,
    password: 'hunter22',
    token: '',
    nested: { api_secret: { a: 1 }, list: ['x', secret('s3cret-value')], buf: Buffer.from('abc') },
    ...extra,
  },
});

function meta() {
  return {
    version: 1 as const,
    id: newRunId(),
    commandLine: ['remediate', 'run', 'pb.yml'],
    cwd: dir,
    playbook: 'pb.yml',
    options: {},
    digests: { playbook: 'p', templates: 't', inventory: 'i' },
    check: false,
    started: new Date().toISOString(),
  };
}

test('a journal line is the redacted event without plan steps', () => {
  const e = result();
  const line = JSON.parse(journalLine(e));
  const steps = (e as Extract<RunEvent, { kind: 'task-result' }>).changes!.map(({ steps: _s, ...c }) => c);
  const want = JSON.parse(JSON.stringify(redactEvent({ ...e, changes: steps } as RunEvent)));
  assert.equal(line, want);
  assert.is(line.result.password, '***');
  assert.is(line.result.token, '');
  assert.is(line.result.nested.api_secret, '***');
  assert.equal(line.result.nested.list, ['x', '***']);
  assert.is(line.result.nested.buf, '<3 bytes>');
  assert.is(line.changes[1].diff.after, '***');
  assert.is(line.changes[0].steps, undefined);
});

test('a cyclic value does not throw (cut as sanitize cuts it)', () => {
  const cyc: Record<string, unknown> = { a: 1 };
  cyc['self'] = cyc;
  const line = journalLine(result({ cyc }));
  assert.ok(line.includes('[too deep]'));
});

test('the plain serialization is taken only where the redacting one gives the same text', () => {
  const clean: RunEvent = {
    kind: 'task-result',
    time: 1,
    host: 'h',
    task: 't',
    loc: 'pb.yml:1:1',
    module: 'kv',
    status: 'ok',
    durationMs: 3,
    check: false,
    attempt: { n: 1, of: 3 },
    changes: [{ describe: 'set k', diff: { path: 'k', before: '', after: 'v\n' } }],
    result: { changed: false, stdout: 'x', token: '', list: [1, { a: null }], when: new Date(0) },
  };
  // every way a value needs masking, anywhere in the event: each must change the line
  const dirty: [string, Record<string, unknown>][] = [
    ['secret-named key', { result: { db_password: 'pw-value-1' } }],
    ['secret-named key, a number', { result: { nested: [{ api_token: 1234 }] } }],
    ['secret-named key, an object', { result: { vault_secret: { a: 1 } } }],
    ['secret() in the result', { result: { x: [secret('s3cret-value')] } }],
    ['secret() in a message', { msg: secret('s3cret-value') }],
    [
      'secret() in a diff',
      { changes: [{ describe: 'd', diff: { before: secret('s3cret-value'), after: '' } }] },
    ],
    ['a buffer', { result: { b: Buffer.from('abc') } }],
  ];
  const plain = journalLine(clean);
  assert.is(plain, JSON.stringify(clean));
  assert.is(plain, JSON.stringify(clean, sanitizingReplacer));
  for (const [what, extra] of dirty) {
    const e = { ...clean, ...extra } as RunEvent;
    const line = journalLine(e);
    assert.is(line, JSON.stringify(e, sanitizingReplacer), what);
    assert.not.ok(/pw-value-1|s3cret-value|1234|"a":1|"type":"Buffer"/.test(line), what);
  }
  // other events: every name is checked (a recap's keys are host names)
  const recap: RunEvent = { kind: 'recap', time: 1, durationMs: 1, hosts: { db_password: {} as never } };
  assert.ok(journalLine(recap).includes('"db_password":"***"'));
});

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), 'timed out');
}

test('lines are written within 100 ms, in order; all of them after close; literal secrets masked', async () => {
  const j = new RunJournal(dir, meta(), ['topsecret-literal']);
  const file = path.join(j.dir, 'events.ndjson');
  j.on({ kind: 'warning', time: 1, msg: 'the value topsecret-literal leaked' });
  j.on(result());
  j.on({ kind: 'host-output', time: 1, host: 'h', stream: 'stdout', chunk: 'not journaled' });
  assert.is(lines(file).length, 0, 'not written inside the turn');
  await until(() => lines(file).length === 2);
  const text = fs.readFileSync(file, 'utf8');
  assert.not.ok(text.includes('topsecret-literal'));
  assert.ok(text.includes('the value *** leaked'));
  for (let t = 0; t < 5; t++) {
    for (let i = 0; i < 100; i++) j.on(result({ t, i }));
    j.on({ kind: 'task-start', time: 2, play: 'p', task: `t${t}`, loc: 'pb.yml:9:7', hosts: [] });
    await new Promise((r) => setImmediate(r));
  }
  await until(() => lines(file).length === 2 + 5 * 101);
  // 2,000 lines are written at once; a close with that write in flight: the file is complete and in order
  for (let i = 0; i < 2000; i++) j.on(result({ last: i }));
  j.on(result({ last: 2000 }));
  j.finish({ exitCode: 0, interrupted: false });
  const back = readRun(j.dir);
  assert.is(back.events.length, 2 + 5 * 101 + 2001);
  assert.is(lines(file).length, back.events.length, 'no cut line');
  const order = back.events.flatMap((e) =>
    e.kind === 'task-result' && e.result?.['last'] !== undefined ? [e.result['last']] : [],
  );
  assert.equal(order, [...Array(2001).keys()]);
  assert.is(back.meta.exitCode, 0);
});

test.run();
