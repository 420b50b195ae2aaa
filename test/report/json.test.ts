import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReporter } from '../../src/report/index';
import type { RunEvent } from '../../src/events';
import { ansibleParityEvents } from './ansible-events';
import { golden, readGolden } from './goldens';
import { SECRET, scriptedEvents, sink } from './scripted-events';

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

type Rec = Record<string, unknown>;

function ndjson(events: RunEvent[]): Rec[] {
  const out = sink();
  const r = createReporter('json', { verbosity: 0, diff: true, out, err: sink(), color: false });
  for (const e of events) r.on(e);
  return out.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
}

/** Ansible's status word for one host's result dict, as its default callback and stats derive it. */
function ansibleStatus(r: Rec): string {
  if (r['unreachable']) return 'unreachable';
  if (r['failed']) return 'failed';
  if (r['skipped']) return 'skipped';
  return r['changed'] ? 'changed' : 'ok';
}

// golden/ansible-json.json: the ansible.posix.json callback for golden/ansible/site.yml (golden/regenerate.sh).
// remediate's --output json differs in shape on purpose: one NDJSON record per result (streamable, one per
// loop item, retries included) instead of one document at the end; the recap's counts use remediate's
// recap names (`failed`, where the json callback says `failures`).
const ansible = () =>
  JSON.parse(readGolden('ansible-json.json')) as {
    plays: { play: { name: string }; tasks: { task: { name: string }; hosts: Record<string, Rec> }[] }[];
    stats: Record<string, Record<string, number>>;
  };

test('json: each task result has the status, changed flag and items Ansible recorded for that run', () => {
  const want = ansible();
  const lines = ndjson(ansibleParityEvents()).filter((l) => l['type'] === 'task' && !l['attempt']);
  const pairs: string[] = [];
  for (const play of want.plays)
    for (const t of play.tasks)
      for (const [host, r] of Object.entries(t.hosts)) {
        const mine = lines.filter((l) => l['task'] === t.task.name && l['host'] === host);
        const summary = mine.filter((l) => l['item'] === undefined);
        assert.is(summary.length, 1, `${t.task.name}/${host}: one result record`);
        const s = summary[0]!;
        assert.is(s['status'], ansibleStatus(r), `${t.task.name}/${host}: status`);
        assert.is(s['changed'], r['changed'], `${t.task.name}/${host}: changed`);
        assert.is(s['play'], play.play.name);
        const res = s['result'] as Rec;
        for (const flag of ['changed', 'skipped', 'failed', 'unreachable'] as const)
          if (r[flag] === true || flag === 'changed')
            assert.is(res[flag], r[flag], `${t.task.name}/${host}: ${flag}`);
        const items = (r['results'] as Rec[] | undefined) ?? [];
        assert.equal(
          mine.filter((l) => l['item'] !== undefined).map((l) => [l['item'], l['status']]),
          items.map((i) => [i['item'], ansibleStatus(i)]),
          `${t.task.name}/${host}: loop items`,
        );
        pairs.push(`${t.task.name}/${host}`);
      }
  assert.is(pairs.length, 10, 'every (task, host) of the Ansible run was compared');
  assert.is(lines.length, 14, 'and remediate reported nothing more (10 results and 4 loop items)');
});

test("json: the recap counts are Ansible's stats for the same run", () => {
  const { stats } = ansible();
  const recap = ndjson(ansibleParityEvents()).at(-1)!;
  assert.is(recap['type'], 'recap');
  const renamed = Object.fromEntries(
    Object.entries(stats).map(([h, s]) => {
      const { failures, ...rest } = s;
      return [h, { ...rest, failed: failures }];
    }),
  );
  const hosts = recap['hosts'] as Record<string, Record<string, number>>;
  assert.equal(Object.keys(hosts).sort(), Object.keys(renamed).sort());
  for (const h of Object.keys(renamed)) assert.equal(hosts[h], renamed[h], h);
});

test.run();
