/**
 * Local transport and first-set module costs: exec round trip, atomic put (changed / unchanged), and a
 * whole idempotent copy task (probe + plan: one stat+sha256 exec) and a stat task.
 * Run: npx tsx test/bench/local-transport.bench.ts [N]   (default N=200)
 */
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { script } from '../../src/command';
import copy from '../../src/modules/copy';
import stat from '../../src/modules/stat';
import { LocalTransport } from '../../src/transport/local';
import { makeContext, runModule } from '../modules/context';

async function time(label: string, n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  await fn(0);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = (performance.now() - t0) / n;
  console.log(`${label.padEnd(44)} ${ms.toFixed(2)} ms/op  (n=${n})`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'remediate-bench-local-'));
  try {
    const t = new LocalTransport();
    const f = path.join(dir, 'f');
    const body = Buffer.alloc(64 * 1024, 'x');
    await time('exec `true`', n, () => t.exec(script('true')));
    await time('put 64 KiB, content changes each time', n, (i) =>
      t.put(f, Buffer.concat([body, Buffer.from(String(i))])),
    );
    await time('put 64 KiB, unchanged (hash compare only)', n, () => t.put(f, body));
    await fsp.writeFile(f, body);
    await time('copy task, already in place (ok)', n, () =>
      runModule(copy, { content: body.toString(), dest: f }, makeContext()),
    );
    await time('stat task (stat -c + sha256sum, one exec)', n, () =>
      runModule(stat, { path: f }, makeContext()),
    );
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

void main();
