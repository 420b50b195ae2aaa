import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReporter } from '../../src/report/index';
import { PlainReporter } from '../../src/report/plain';
import { ansibleParityEvents } from './ansible-events';
import { diffHunks, golden, imitatedLines, readGolden } from './goldens';
import { SECRET, scriptedEvents, sink } from './scripted-events';

function render(verbosity: number, diff: boolean, events = scriptedEvents()) {
  const out = sink();
  const err = sink();
  const r = createReporter('plain', { verbosity, diff, out, err, color: false, secrets: [SECRET] });
  for (const e of events) r.on(e);
  return { out: out.text, err: err.text };
}

test('plain: banners, status lines, retries, debug block and PLAY RECAP are what ansible-playbook printed', () => {
  // golden/ansible-plain.txt: ansible-playbook --diff on golden/ansible/site.yml (golden/regenerate.sh);
  // ansible-events.ts is the same run as remediate's events.
  const ansible = readGolden('ansible-plain.txt');
  const { out } = render(0, true, ansibleParityEvents());
  const want = imitatedLines(ansible);
  assert.ok(want.length >= 20, `the Ansible golden holds the run (${want.length} lines)`);
  assert.ok(
    want.some((l) => l.startsWith('kube02                     : ok=4')),
    'the recap is in the golden',
  );
  assert.equal(imitatedLines(out), want);
});

test('plain: --diff hunks are the ones ansible-playbook printed', () => {
  const ansible = diffHunks(readGolden('ansible-plain.txt'));
  assert.is(ansible.length, 1, 'the golden run shows one diff');
  assert.equal(diffHunks(render(0, true, ansibleParityEvents()).out), ansible);
  assert.equal(diffHunks(render(0, false, ansibleParityEvents()).out), [], 'no diff without --diff');
});

test('plain: golden output with --diff', () => {
  const { out, err } = render(0, true);
  golden('plain-diff.txt', out);
  assert.is(err, '[WARNING]: kube02: something odd\n');
});

test('plain: the recap is exactly Ansible’s', () => {
  const { out } = render(0, false);
  assert.ok(
    out.includes('\nPLAY RECAP *********************************************************************\n'),
  );
  assert.ok(
    out.includes(
      'kube01                     : ok=3    changed=3    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   \n',
    ),
  );
  // hosts sorted, as ansible-playbook does
  assert.ok(out.indexOf('kube01      ') < out.indexOf('kube02      '));
  assert.not.match(out, /^--- before/m);
});

test('plain: -v shows results and skip reasons, never the secret', () => {
  const { out } = render(1, true);
  golden('plain-v.txt', out);
  assert.match(out, /skipping: \[kube01\] => \(item=b\) => Conditional result was False: x/);
  assert.not.ok(out.includes(SECRET));
  assert.not.match(out, /before: \/etc\/key/);
});

test('plain: secret diffs are never printed, literal secrets are masked', () => {
  const out = sink();
  const r = new PlainReporter({
    verbosity: 3,
    diff: true,
    out,
    err: sink(),
    color: false,
    secrets: ['hunter22'],
  });
  r.on({
    kind: 'task-result',
    time: 0,
    host: 'h',
    task: 't',
    loc: 'f:1:1',
    module: 'copy',
    status: 'changed',
    durationMs: 0,
    check: false,
    changes: [
      {
        describe: 'write pw',
        diff: { path: '/p', before: 'old hunter22', after: 'new', secret: true },
        steps: [],
      },
    ],
    result: { note: 'pw hunter22' },
  });
  r.on({ kind: 'host-output', time: 0, host: 'h', stream: 'stdout', chunk: 'echo hunter22\n' });
  assert.not.ok(out.text.includes('hunter22'));
  assert.match(out.text, /write pw/);
});

test('plain: a wave banner counts its hosts in words', () => {
  for (const [hosts, words] of [
    [['a'], '(wave 1/2: 1 host)'],
    [['a', 'b'], '(wave 1/2: 2 hosts)'],
  ] as const) {
    const out = sink();
    const r = new PlainReporter({ verbosity: 0, diff: false, out, err: sink(), color: false, secrets: [] });
    r.on({ kind: 'play-start', time: 0, play: 'p', hosts: [...hosts], wave: { index: 1, count: 2 } });
    assert.match(out.text, `PLAY [p] ${words} *`);
  }
});

test('plain: a failed include_tasks (no task-start of its own) gets one TASK banner', () => {
  const out = sink();
  const r = new PlainReporter({ verbosity: 0, diff: false, out, err: sink(), color: false, secrets: [] });
  const loc = '/pb/site.yml:8:7';
  r.on({
    kind: 'task-start',
    time: 0,
    play: 'p',
    task: 'before',
    loc: '/pb/site.yml:4:7',
    hosts: ['a', 'b'],
  });
  for (const host of ['a', 'b'])
    r.on({
      kind: 'task-result',
      time: 0,
      host,
      task: 'include_tasks: missing.yml',
      loc,
      module: 'include_tasks',
      status: 'failed',
      durationMs: 0,
      msg: 'cannot read task file /pb/missing.yml: no such file',
      check: false,
    });
  const banners = out.text.split('\n').filter((l) => l.startsWith('TASK ['));
  assert.equal(
    banners.map((b) => b.replace(/ \*+$/, '')),
    ['TASK [before]', 'TASK [include_tasks: missing.yml]'],
  );
  assert.match(
    out.text,
    /TASK \[include_tasks: missing\.yml\] \*+\nfatal: \[a\]: FAILED! => \{[^\n]*"msg": "cannot read task file/,
  );
});

test("plain: a result arriving under another task's banner (strategy free) gets its own banner again", () => {
  const out = sink();
  const r = new PlainReporter({ verbosity: 0, diff: false, out, err: sink(), color: false, secrets: [] });
  const res = (host: string, task: string, loc: string) =>
    r.on({
      kind: 'task-result',
      time: 0,
      host,
      task,
      loc,
      module: 'debug',
      status: 'ok',
      durationMs: 0,
      check: false,
    });
  r.on({ kind: 'task-start', time: 0, play: 'p', task: 'slow', loc: 'pb.yml:4:7', hosts: ['a'] });
  res('b', 'slow', 'pb.yml:4:7');
  r.on({ kind: 'task-start', time: 0, play: 'p', task: 'next', loc: 'pb.yml:6:7', hosts: ['b'] });
  res('b', 'next', 'pb.yml:6:7');
  res('a', 'slow', 'pb.yml:4:7');
  res('a', 'next', 'pb.yml:6:7');
  const lines = out.text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/ \*+$/, ''));
  assert.equal(lines, [
    'TASK [slow]',
    'ok: [b]',
    'TASK [next]',
    'ok: [b]',
    'TASK [slow]',
    'ok: [a]',
    'TASK [next]',
    'ok: [a]',
  ]);
});

test('plain: color paints statuses', () => {
  const out = sink();
  const r = createReporter('plain', { verbosity: 0, diff: false, out, err: sink(), color: true });
  for (const e of scriptedEvents()) r.on(e);
  assert.match(out.text, /\u001b\[33mchanged: \[kube01\]/);
  assert.match(out.text, /\u001b\[31mfatal: \[kube01\]/);
});

test('pretty falls back to plain when not a TTY', () => {
  const out = sink();
  const r = createReporter('pretty', {
    verbosity: 0,
    diff: false,
    out,
    err: sink(),
    color: false,
    isTTY: false,
  });
  for (const e of scriptedEvents()) r.on(e);
  assert.match(out.text, /^TASK \[write csr\.conf\]/m);
});

test('plain on a pipe: task results go out together (at most every 100 ms), in the same order', async () => {
  const events = scriptedEvents();
  // a shared log: which stream wrote what, in order (as `2>&1` would show it)
  const log: string[] = [];
  const writes: string[] = [];
  const out = { fd: 99, isTTY: false, write: (s: string) => (writes.push(s), log.push(`out:${s}`)) };
  const err = { write: (s: string) => log.push(`err:${s}`) };
  const batched = new PlainReporter({ verbosity: 0, diff: true, out, err, color: false, secrets: [SECRET] });
  const plain = render(0, true, events);
  for (const e of events) {
    batched.on(e);
    await new Promise((r) => setImmediate(r));
  }
  const text = log
    .filter((l) => l.startsWith('out:'))
    .map((l) => l.slice(4))
    .join('');
  assert.is(text, plain.out, 'the same text as line by line');
  assert.ok(log.filter((l) => l.startsWith('err:')).length === 1);
  // the warning comes after every result line printed before it
  const warnAt = log.findIndex((l) => l.startsWith('err:'));
  const outBefore = log
    .slice(0, warnAt)
    .map((l) => l.slice(4))
    .join('');
  const warning = events.findIndex((e) => e.kind === 'warning');
  const before = render(0, true, events.slice(0, warning)).out;
  assert.is(outBefore, before, 'stdout written before the warning is everything printed before it');

  // results of one turn are one write; close() writes what is left
  const w0 = writes.length;
  const results = events.filter((e) => e.kind === 'task-result');
  for (const e of results) batched.on(e);
  assert.is(writes.length, w0, 'nothing written within the turn');
  batched.close();
  assert.is(writes.length, w0 + 1, 'one write for all of them');
  await new Promise((r) => setImmediate(r));
  assert.is(writes.length, w0 + 1, 'no write left scheduled with nothing pending');
  // results over several turns wait together, and go out within 100 ms without close()
  const w1 = writes.length;
  for (const e of results) {
    batched.on(e);
    await new Promise((r) => setImmediate(r));
  }
  assert.is(writes.length, w1, 'several turns: still pending');
  await new Promise((r) => setTimeout(r, 150));
  assert.is(writes.length, w1 + 1, 'one write for them, without close()');
  batched.close();
  assert.is(writes.length, w1 + 1);
});

test.run();
