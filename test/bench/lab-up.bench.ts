/**
 * `lab up` cost: wall time for 10 and 200 clusters, and memory per cluster measured two ways —
 * the drop in MemAvailable, and the summed PSS of every process in the lab's namespaces.
 * Run: npx tsx test/bench/lab-up.bench.ts [N...]   (default: 10 200; needs root)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labDown, labUp, labVerify } from '../../src/lab';
import { pidsInNamespaces } from '../../src/lab/netns';
import { readState } from '../../src/lab/state';

function memAvailableKiB(): number {
  return Number(/MemAvailable:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1]);
}

function pssKiB(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      sum += Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* exited */
    }
  }
  return sum;
}

async function bench(n: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lab-bench-${n}-`));
  try {
    const before = memAvailableKiB();
    const t0 = Date.now();
    await labUp({ dir, clusters: n });
    const upMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    const after = memAvailableKiB();
    const st = readState(dir)!;
    const pids = pidsInNamespaces(st.clusters.map((c) => c.ns));
    const pss = pssKiB(pids);
    const t1 = Date.now();
    const v = await labVerify({ dir, cluster: 'c001' });
    const verifyMs = Date.now() - t1;
    const t2 = Date.now();
    await labDown({ dir });
    const downMs = Date.now() - t2;
    const mib = (k: number) => (k / 1024).toFixed(1);
    console.log(
      `clusters=${n} up=${(upMs / 1000).toFixed(1)}s down=${(downMs / 1000).toFixed(1)}s verify(c001)=${verifyMs}ms ` +
        `processes=${pids.length} MemAvailable drop/cluster=${mib((before - after) / n)} MiB ` +
        `PSS/cluster=${mib(pss / n)} MiB (verify ok=${v[0].ok}, expected false: sans)`,
    );
  } finally {
    await labDown({ dir }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  const sizes = process.argv.slice(2).map(Number);
  for (const n of sizes.length ? sizes : [10, 200]) await bench(n);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
