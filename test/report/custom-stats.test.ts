/**
 * set_stats' statistics after the recap: remediate's plain reporter prints the block ansible-playbook's
 * default callback prints with show_custom_stats (golden/ansible-custom-stats.txt, recorded by
 * golden/regenerate-custom-stats.sh from the differential case set-stats.yml, whose statistics
 * test/ansible-diff/golden/set-stats.json holds); the JSON report carries them in its recap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonReporter } from '../../src/report/json';
import { PlainReporter } from '../../src/report/plain';
import { emptyCounts } from '../../src/runner/host-state';
import { sink } from './scripted-events';

const text = fs.readFileSync(path.join(__dirname, 'golden', 'ansible-custom-stats.txt'), 'utf8');
const stats = (
  JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'ansible-diff', 'golden', 'set-stats.json'), 'utf8'),
  ) as { customStats: Record<string, Record<string, unknown>> }
).customStats;
const opts = (out: ReturnType<typeof sink>) => ({
  verbosity: 0,
  diff: false,
  out,
  err: sink(),
  color: false,
});
const hosts = { d1: emptyCounts(), w1: emptyCounts(), w2: emptyCounts() };

test('plain: the CUSTOM STATS block is the one ansible-playbook printed', () => {
  const s = sink();
  const r = new PlainReporter(opts(s));
  r.on({ kind: 'recap', time: 0, hosts, durationMs: 1, customStats: stats });
  const out = s.text;
  assert.ok(out.endsWith(text), out);
});

test('plain: no block without set_stats', () => {
  const s = sink();
  new PlainReporter(opts(s)).on({ kind: 'recap', time: 0, hosts, durationMs: 1 });
  assert.not.ok(s.text.includes('CUSTOM STATS'));
});

test('json: the recap line carries custom_stats', () => {
  const s = sink();
  const r = new JsonReporter(opts(s));
  r.on({ kind: 'recap', time: 0, hosts, durationMs: 1, customStats: stats });
  r.on({ kind: 'run-end', time: 0, exitCode: 0 });
  const recap = s.text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; custom_stats?: unknown })
    .find((o) => o.type === 'recap');
  assert.equal(recap?.custom_stats, stats);
});

test.run();
