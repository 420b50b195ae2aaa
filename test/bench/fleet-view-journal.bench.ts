/**
 * Cost of the fleet live view and of the run journal, as a share of a 1,000-host run's wall time, on the
 * in-memory fake transport (so the share is an upper bound: a real run's tasks take far longer). Rounds
 * alternate baseline / view / journal in one invocation; medians are compared.
 * Run in a terminal (the view draws only on a TTY):  npx tsx test/bench/fleet-view-journal.bench.ts [HOSTS] [TASKS]
 * (default 1000 × 10). Under a pipe: script -qc "npx tsx test/bench/fleet-view-journal.bench.ts" /dev/null
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvent } from '../../src/events';
import { FleetView } from '../../src/report/fleet-view';
import { newRunId, RunJournal } from '../../src/report/run-journal';
import { runPlaybook } from '../../src/runner/index';
import { FakeWorld, fakeInventory, options, play, playbook, task } from '../runner/fakes';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const nHosts = Number(process.argv[2] ?? 1000);
  const nTasks = Number(process.argv[3] ?? 10);
  const hosts: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < nHosts; i++) hosts[`kube01.c${String(i).padStart(4, '0')}`] = { idx: i };
  const inv = fakeInventory({ hosts });
  const tasks = Array.from({ length: nTasks }, (_, i) =>
    task('kv', { key: `k${i}`, value: 'v-{{ idx }}' }, { name: `task ${i}` }),
  );
  const pb = playbook(play(tasks));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-bench-'));
  const times: Record<string, number[]> = { baseline: [], view: [], journal: [] };
  const devnull = fs.createWriteStream('/dev/null');
  for (let round = 0; round < 5; round++) {
    for (const kind of ['baseline', 'view', 'journal'] as const) {
      const world = new FakeWorld();
      let sub: { on(e: RunEvent): void; close?(): unknown } | undefined;
      if (kind === 'view')
        sub = new FleetView({
          verbosity: 0,
          diff: false,
          out: devnull,
          err: devnull,
          color: false,
          isTTY: true,
        });
      if (kind === 'journal')
        sub = new RunJournal(dir, {
          version: 1,
          id: newRunId(),
          commandLine: ['bench'],
          cwd: dir,
          playbook: 'pb.yml',
          options: {},
          digests: { playbook: '', templates: '', inventory: '' },
          check: false,
          started: new Date().toISOString(),
        });
      const t0 = performance.now();
      const s = await runPlaybook(pb, inv, options(world, [], { forks: 50, emit: (e) => sub?.on(e) }));
      await sub?.close?.();
      const ms = performance.now() - t0;
      if (s.exitCode !== 0) throw new Error(`exit ${s.exitCode}`);
      times[kind]!.push(ms);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const base = median(times.baseline!);
  const line = (k: string) =>
    `${k.padEnd(8)} median ${median(times[k]!).toFixed(0)} ms (${times[k]!.map((t) => t.toFixed(0)).join(', ')})`;
  process.stderr.write(
    [
      `${nHosts} hosts × ${nTasks} tasks, fake transport, forks 50, 5 rounds each`,
      line('baseline'),
      `${line('view')}  overhead ${(((median(times.view!) - base) / base) * 100).toFixed(1)}%`,
      `${line('journal')}  overhead ${(((median(times.journal!) - base) / base) * 100).toFixed(1)}%`,
    ].join('\n') + '\n',
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
