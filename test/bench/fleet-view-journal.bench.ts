/**
 * Cost of the fleet live view and of the run journal, as a share of a 1,000-host run, on the in-memory
 * fake transport (so the share is an upper bound: a real run's tasks take far longer). Rounds interleave
 * baseline / view / journal in one process (ROUNDS, default 9); per mode the median and the min–max of wall
 * time and of the process's CPU time (user+sys, less sensitive to other load on the machine) are printed.
 * The own time is also given per round as a share of the rest of that round's wall time (both are stretched
 * alike when other work on the machine preempts the run: the steadier figure on a loaded machine).
 * DELAY_MS (default 0) adds that much latency to every command on the fake transport, as a network and a
 * target would (0: the controller is CPU-bound, the worst case for the view and the journal).
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
  const cpu: Record<string, number[]> = { baseline: [], view: [], journal: [] };
  const rounds = Number(process.env['ROUNDS'] ?? 9);
  const delay = Number(process.env['DELAY_MS'] ?? 0);
  const devnull = fs.createWriteStream('/dev/null');
  const own: Record<string, number[]> = { baseline: [], view: [], journal: [] };
  // own time as a share of the rest of the same run: other load on the machine stretches both alike
  const share: Record<string, number[]> = { baseline: [], view: [], journal: [] };
  const kinds = ['baseline', 'view', 'journal'] as const;
  for (let round = 0; round < rounds; round++) {
    // the order rotates each round, so no mode always runs first (JIT warm-up, the previous mode's garbage)
    for (const kind of [...kinds.slice(round % 3), ...kinds.slice(0, round % 3)]) {
      const world = new FakeWorld();
      for (const h of Object.keys(hosts)) world.delay.set(h, delay);
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
      // the component's own time on the event loop: its event handler, redraw timer, journal flushes, close
      // (wall time inside those calls: inflated when other work on the machine preempts the run; a CPU
      // profile attributes more exactly: node --cpu-prof)
      let mine = 0;
      let depth = 0;
      if (sub)
        for (const m of ['on', 'redraw', 'flush', 'close']) {
          const o = sub as unknown as Record<string, (...a: unknown[]) => unknown>;
          const f = o[m];
          if (typeof f !== 'function') continue;
          o[m] = (...a: unknown[]) => {
            const t = depth++ === 0 ? performance.now() : 0;
            try {
              return f.apply(sub, a);
            } finally {
              if (--depth === 0) mine += performance.now() - t;
            }
          };
        }
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const s = await runPlaybook(pb, inv, options(world, [], { forks: 50, emit: (e) => sub?.on(e) }));
      await sub?.close?.();
      const ms = performance.now() - t0;
      if (s.exitCode !== 0) throw new Error(`exit ${s.exitCode}`);
      const c = process.cpuUsage(c0);
      times[kind]!.push(ms);
      cpu[kind]!.push((c.user + c.system) / 1000);
      own[kind]!.push(mine);
      share[kind]!.push((mine / (ms - mine)) * 100);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const stat = (xs: number[]) =>
    `median ${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  const over = (xs: number[], base: number[]) =>
    `${(((median(xs) - median(base)) / median(base)) * 100).toFixed(1)}%`;
  const line = (k: string) =>
    `${k.padEnd(8)} wall ${stat(times[k]!)}  cpu ${stat(cpu[k]!)}` +
    (k === 'baseline'
      ? ''
      : `  difference to baseline: wall ${over(times[k]!, times.baseline!)}, cpu ${over(cpu[k]!, cpu.baseline!)}` +
        `\n         own time ${stat(own[k]!)} = ${((median(own[k]!) / median(times.baseline!)) * 100).toFixed(1)}% of the baseline wall;` +
        ` per round, own / rest of that run: median ${median(share[k]!).toFixed(1)}% (${Math.min(...share[k]!).toFixed(1)}–${Math.max(...share[k]!).toFixed(1)})`);
  process.stderr.write(
    [
      `${nHosts} hosts × ${nTasks} tasks, fake transport (${delay} ms per command), forks 50, ${rounds} interleaved rounds each`,
      line('baseline'),
      line('view'),
      line('journal'),
      `cpu per round (baseline / view / journal): ${cpu.baseline!.map((_, i) => ['baseline', 'view', 'journal'].map((k) => cpu[k]![i]!.toFixed(0)).join('/')).join('  ')}`,
    ].join('\n') + '\n',
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
