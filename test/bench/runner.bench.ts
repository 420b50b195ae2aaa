/**
 * Runner overhead per host-task, without any real I/O: in-memory fake transport and modules, so what is
 * measured is scheduling, variables, templating, events. Linear vs free, forks 50.
 * Run: npx tsx test/bench/runner.bench.ts [HOSTS] [TASKS]   (default 500 hosts × 20 tasks)
 */
import type { RunEvent } from '../../src/events';
import { runPlaybook } from '../../src/runner/index';
import { FakeWorld, fakeInventory, options, play, playbook, task } from '../runner/fakes';

async function main(): Promise<void> {
  const nHosts = Number(process.argv[2] ?? 500);
  const nTasks = Number(process.argv[3] ?? 20);
  const hosts: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < nHosts; i++) hosts[`h${i}`] = { ansible_host: `10.0.${i >> 8}.${i & 255}`, idx: i };
  const inv = fakeInventory({ hosts });
  const vars: Record<string, unknown> = { base: '/etc/pki' };
  for (let i = 0; i < 30; i++) vars[`v${i}`] = i % 3 ? `plain-${i}` : `{{ base }}/f${i}`;
  const tasks = [];
  for (let i = 0; i < nTasks; i++) {
    tasks.push(
      i % 2
        ? task('kv', { key: `k${i}`, value: '{{ v3 }}-{{ idx }}' }, { name: `kv ${i}` })
        : task(
            'echo',
            { msg: '{{ inventory_hostname }} {{ v6 }}' },
            { name: `echo ${i}`, when: ['idx >= 0'] },
          ),
    );
  }
  for (const strategy of ['linear', 'free'] as const) {
    for (const round of [1, 2]) {
      const world = new FakeWorld();
      let events = 0;
      const pb = playbook(play(tasks, { strategy, vars }));
      const t0 = performance.now();
      const s = await runPlaybook(
        pb,
        inv,
        options(world, [] as RunEvent[], { forks: 50, emit: () => void events++ }),
      );
      const ms = performance.now() - t0;
      if (s.exitCode !== 0) throw new Error(`exit ${s.exitCode}`);
      const ht = nHosts * nTasks;
      console.log(
        `${strategy.padEnd(6)} round ${round}: ${nHosts} hosts × ${nTasks} tasks in ${ms.toFixed(0)} ms = ${((ms * 1000) / ht).toFixed(1)} µs/host-task, ${events} events`,
      );
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
