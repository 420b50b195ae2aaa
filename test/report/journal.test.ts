import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secret } from '../../src/command';
import type { RunEvent } from '../../src/events';
import { createJournal, readJournal } from '../../src/report/journal';
import { SECRET, scriptedEvents } from './scripted-events';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-journal-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('journal: every event, in order, one JSON per line, secrets redacted', () => {
  const file = path.join(dir, 'sub', 'run.ndjson');
  const j = createJournal(file, { secrets: ['hunter22'] });
  const events = scriptedEvents();
  const extra: RunEvent = { kind: 'log', time: 1, level: 1, msg: 'become password is hunter22' };
  for (const e of [...events, extra]) j.on(e);
  j.on({
    kind: 'task-result',
    time: 2,
    host: 'h',
    task: 't',
    loc: 'f:1:1',
    module: 'm',
    status: 'ok',
    durationMs: 0,
    check: false,
    result: { token: secret('xyz-secret-value') as unknown as string, nested: { api_password: 'plain-pw' } },
    changes: [{ describe: 'd', diff: { before: 'old-key-material', after: 'new', secret: true }, steps: [] }],
  });
  j.close();
  const text = fs.readFileSync(file, 'utf8');
  const back = readJournal(file);
  assert.is(back.length, events.length + 2);
  assert.equal(
    back.map((e) => e.kind).slice(0, events.length),
    events.map((e) => e.kind),
  );
  for (const s of [SECRET, 'hunter22', 'xyz-secret-value', 'plain-pw', 'old-key-material'])
    assert.not.ok(text.includes(s), s);
  assert.is((fs.statSync(file).mode & 0o777).toString(8), '600');
});

test.run();
