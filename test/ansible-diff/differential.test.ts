/**
 * The differential suite: every playbook of the corpus (corpus.ts) through remediate's CLI (in process,
 * `run --output json`, twice on the same out/), compared with what ansible-playbook did (golden/*.json,
 * recorded by generate.ts). A case listed in differences.json is compared with the golden as amended
 * there, and the entry says why remediate differs (`deliberate`: a documented choice; `gap`: not yet
 * like Ansible). The last test prints how many cases match Ansible exactly. DIFF_DUMP=DIR writes what
 * remediate did per case to DIR (a debugging aid for writing differences.json; goldens come from Ansible);
 * DIFF_ONLY=case,case runs only those cases.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main';
import { CASES, GOLDEN, HERE, listCases, snapshot, type Golden, type Recap, type RunRecord } from './corpus';

interface Difference {
  kind: 'deliberate' | 'gap';
  reason: string;
  /** Replaces parts of the golden: first/second exitCode, recap, and single files (null: absent). */
  first?: { exitCode?: number; recap?: Record<string, Recap>; files?: Record<string, string | null> };
  second?: { exitCode?: number; recap?: Record<string, Recap> };
}
const differences = JSON.parse(fs.readFileSync(path.join(HERE, 'differences.json'), 'utf8')) as Record<
  string,
  Difference
>;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-diff-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function runRemediate(
  file: string,
  inventory: string,
  args: string[],
  out: string,
): Promise<Omit<RunRecord, 'files'> & { customStats?: Record<string, unknown> }> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const sink = new PassThrough();
  sink.resume();
  const stdin = new PassThrough();
  stdin.end();
  const argv = ['node', 'remediate', 'run', file, '-i', inventory, '--output', 'json', '--no-retry-file'];
  argv.push('-e', `out=${out}`, '-e', `workdir=${out}`, ...args);
  const exitCode = await main(argv, {
    out: stdout,
    err: sink,
    stdin,
    cwd: CASES,
    env: { ...process.env, ANSIBLE_CONFIG: path.join(CASES, 'ansible.cfg') },
  });
  const recap: Record<string, Recap> = {};
  let customStats: Record<string, unknown> | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    const o = JSON.parse(line) as {
      type?: string;
      hosts?: Record<string, Recap>;
      custom_stats?: Record<string, unknown>;
    };
    if (o.type === 'recap' && o.hosts) for (const [h, c] of Object.entries(o.hosts)) recap[h] = { ...c };
    if (o.type === 'recap' && o.custom_stats) customStats = o.custom_stats;
  }
  return { exitCode, recap, ...(customStats ? { customStats } : {}) };
}

function expected(g: Golden, d: Difference | undefined): Golden {
  if (!d) return g;
  const files = { ...g.first.files };
  for (const [k, v] of Object.entries(d.first?.files ?? {})) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return {
    ...g,
    first: { ...g.first, ...d.first, files },
    second: { ...g.second, ...d.second },
  };
}

// DIFF_ONLY=a,b runs only those cases (a debugging aid; the suite runs them all)
const only = process.env.DIFF_ONLY?.split(',').filter(Boolean);
const cases = listCases().filter((c) => !only?.length || only.includes(c.name));
const exact: string[] = [];
for (const c of cases) {
  const goldenFile = path.join(GOLDEN, `${c.name}.json`);
  test(`${c.name} behaves as ansible-playbook`, async () => {
    assert.ok(
      fs.existsSync(goldenFile),
      `no golden for ${c.name}: run npx tsx test/ansible-diff/generate.ts`,
    );
    const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8')) as Golden;
    const diff = differences[c.name];
    const want = expected(golden, diff);
    const out = path.join(tmp, c.name);
    fs.mkdirSync(out);
    const { customStats, ...first } = await runRemediate(c.file, c.inventory, c.args, out);
    const files = snapshot(out);
    const { customStats: _again, ...second } = await runRemediate(c.file, c.inventory, c.args, out);
    if (process.env.DIFF_DUMP)
      fs.writeFileSync(
        path.join(process.env.DIFF_DUMP, `${c.name}.json`),
        JSON.stringify({ first: { ...first, files }, second }, null, 2),
      );
    const why = diff ? ` (differs on purpose: ${diff.reason})` : '';
    assert.equal(files, want.first.files, `files${why}`);
    assert.equal(first.recap, want.first.recap, `recap${why}`);
    assert.is(first.exitCode, want.first.exitCode, `exit code${why}`);
    assert.equal(customStats, golden.customStats, `set_stats' custom stats${why}`);
    assert.equal(second.recap, want.second.recap, `second recap${why}`);
    assert.is(second.exitCode, want.second.exitCode, `second exit code${why}`);
    if (!diff) exact.push(c.name);
  });
}

test('every difference names a case of the corpus and a reason', () => {
  const names = new Set(listCases().map((c) => c.name));
  for (const [k, d] of Object.entries(differences)) {
    assert.ok(names.has(k), `differences.json: no case ${k}`);
    assert.ok(d.reason && (d.kind === 'deliberate' || d.kind === 'gap'), `differences.json: ${k}`);
  }
  process.stdout.write(
    `differential corpus: ${cases.length} cases, ${exact.length} match ansible-playbook exactly\n`,
  );
});

test.run();
