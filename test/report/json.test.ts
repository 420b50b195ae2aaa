import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReporter } from '../../src/report/index';
import { SECRET, scriptedEvents, sink } from './scripted-events';

function golden(name: string, actual: string): void {
  const file = path.join(__dirname, 'golden', name);
  if (process.env['UPDATE_GOLDEN'] === '1' || !fs.existsSync(file)) fs.writeFileSync(file, actual);
  assert.fixture(actual, fs.readFileSync(file, 'utf8'));
}

test('json: NDJSON task results then one recap with the exit code; humans on stderr', () => {
  const out = sink();
  const err = sink();
  const r = createReporter('json', { verbosity: 0, diff: true, out, err, color: false });
  for (const e of scriptedEvents()) r.on(e);
  golden('json.ndjson', out.text);
  const lines = out.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.is(lines.length, 11);
  assert.ok(lines.slice(0, -1).every((l) => l['type'] === 'task'));
  const recap = lines.at(-1)!;
  assert.is(recap['type'], 'recap');
  assert.is(recap['exitCode'], 2);
  assert.not.ok(out.text.includes(SECRET));
  assert.not.ok(out.text.includes('PLAY'));
  assert.match(err.text, /PLAY RECAP/);
  assert.match(err.text, /\[WARNING\]: kube02: something odd/);
});

test.run();
