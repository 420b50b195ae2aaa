// test-timeout: 300
/**
 * Issue #10, links with latency and loss: fix-apiserver-sans.yml on a two-cluster `sans` lab whose links
 * are shaped must complete with no false failure (exit 0, no failed or unreachable task) and `lab verify`
 * must pass on every cluster.
 *
 * The shaper is chosen at run time. With `tc netem` (tried on the first cluster's link): 100 ms ± 20 ms of
 * delay and 2 % loss on both ends of every cluster's link. Kernels without netem (sch_netem not built, as
 * on this CI's) get the fallback: a token bucket (`tc tbf`, 4 mbit/s) on both ends of every link, and the
 * SSH connections go through a delaying TCP proxy on the controller (50 ms each way, so 100 ms per round
 * trip, and 2 % of the chunks held 250 ms more, in order — the stall a lost segment's retransmission
 * causes; TCP itself never shows the loss).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labVerify } from '../../src/lab';
import { readState } from '../../src/lab/state';
import { runCli } from '../helpers/cli';
import { labForFile } from './lab-cluster';

const PLAYBOOK = 'playbooks/fix-apiserver-sans.yml';
const CLUSTERS = 2;
const proxies: net.Server[] = [];
const fx = labForFile(
  test,
  'remediate-slowlinks-',
  { clusters: CLUSTERS, faults: `sans=${CLUSTERS}` },
  () => {
    for (const p of proxies) p.close();
  },
);
const { root, dir } = fx;

/** `tc qdisc add` on a link (in namespace `ns`, or here); false when the kernel refuses the qdisc. */
function qdisc(ns: string | undefined, dev: string, spec: string[]): boolean {
  const argv = ['qdisc', 'replace', 'dev', dev, 'root', ...spec];
  try {
    execFileSync('tc', ns ? ['-n', ns, ...argv] : argv, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A small deterministic PRNG (mulberry32): the same stalls on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ShapeStats {
  chunks: number;
  stalls: number;
}

/**
 * Copy `from` to `to` `delayMs` later, some chunks `stallMs` more. One queue per direction, drained in
 * order by one timer (separate timers of different lengths may fire out of order within a millisecond,
 * which would corrupt the SSH stream).
 */
function delayed(
  from: net.Socket,
  to: net.Socket,
  delayMs: number,
  stallMs: number,
  rnd: () => number,
  s: ShapeStats,
) {
  const queue: { at: number; chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const pump = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length && queue[0]!.at <= now) {
      const { chunk } = queue.shift()!;
      if (chunk === null) to.end();
      else if (to.writable) to.write(chunk);
    }
    if (queue.length) timer = setTimeout(pump, queue[0]!.at - now);
  };
  const push = (chunk: Buffer | null, extra: number) => {
    last = Math.max(Date.now() + delayMs + extra, last);
    queue.push({ at: last, chunk });
    timer ??= setTimeout(pump, Math.max(0, queue[0]!.at - Date.now()));
  };
  from.on('data', (chunk: Buffer) => {
    s.chunks++;
    push(chunk, rnd() < 0.02 ? (s.stalls++, stallMs) : 0);
  });
  from.on('end', () => push(null, 0));
  from.on('error', () => to.destroy());
}

/** A delaying TCP proxy on 127.0.0.1 in front of host:port; resolves with its port. */
function delayProxy(host: string, port: number, stats: ShapeStats, seed: number): Promise<number> {
  const rnd = prng(seed);
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    const gone = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => setTimeout(gone, 1000));
    upstream.on('close', () => setTimeout(gone, 1000));
    delayed(client, upstream, 50, 250, rnd, stats);
    delayed(upstream, client, 50, 250, rnd, stats);
  });
  proxies.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

test('latency and loss on every link: the fix completes with no false failure, lab verify passes', async () => {
  const st = readState(path.resolve(dir))!;
  const clusters = st.clusters;
  const netem = ['netem', 'delay', '100ms', '20ms', 'loss', '2%'];
  let inventory = fx.lab.inventory;
  let mode: string;
  const stats: ShapeStats = { chunks: 0, stalls: 0 };
  if (qdisc(clusters[0]!.ns, 'eth0', netem)) {
    mode = 'tc netem: delay 100ms ±20ms, loss 2% on both ends of each link';
    for (const c of clusters) {
      assert.ok(qdisc(c.ns, 'eth0', netem) && qdisc(undefined, c.veth, netem), `netem on ${c.name}`);
    }
  } else {
    mode =
      'no netem in this kernel: tc tbf 4mbit on both ends of each link + delaying proxy (RTT 100 ms, 2% of chunks stalled 250 ms)';
    const tbf = ['tbf', 'rate', '4mbit', 'burst', '32kb', 'latency', '400ms'];
    for (const c of clusters)
      assert.ok(qdisc(c.ns, 'eth0', tbf) && qdisc(undefined, c.veth, tbf), `tbf on ${c.name}: tc refused it`);
    // the SSH connections through the proxies: an inventory and known_hosts naming 127.0.0.1:PORT
    const known = readFileSync(fx.lab.knownHosts, 'utf8');
    let inv = readFileSync(fx.lab.inventory, 'utf8');
    const shapedKnown: string[] = [];
    for (const [i, c] of clusters.entries()) {
      const port = await delayProxy(c.address, 22, stats, 1000 + i);
      const key = known
        .split('\n')
        .find((l) => l.startsWith(`${c.address} `))!
        .split(' ')
        .slice(1)
        .join(' ');
      shapedKnown.push(`[127.0.0.1]:${port} ${key}`);
      inv = inv.replace(`ansible_host=${c.address} `, `ansible_host=127.0.0.1 ansible_port=${port} `);
    }
    const knownFile = path.join(root, 'known_hosts.shaped');
    writeFileSync(knownFile, shapedKnown.join('\n') + '\n');
    inv = inv.split(fx.lab.knownHosts).join(knownFile);
    inventory = path.join(root, 'inventory.shaped.ini');
    writeFileSync(inventory, inv);
  }
  process.stdout.write(`shaping: ${mode}\n`);

  const t0 = Date.now();
  const r = await runCli(['run', PLAYBOOK, '-i', inventory, '--no-retry-file', '--output', 'json'], {
    timeoutMs: 240_000,
  });
  const took = Date.now() - t0;
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const bad = events.filter(
    (e) => e.type === 'task' && (e.status === 'failed' || e.status === 'unreachable'),
  );
  assert.equal(bad, [], 'no false failure');
  assert.is(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const hosts = new Set(events.filter((e) => e.type === 'task').map((e) => e.host));
  assert.is(hosts.size, CLUSTERS, 'every cluster ran');
  const verified = await labVerify({ dir });
  assert.equal(
    verified.map((v) => [v.cluster, v.ok]),
    clusters.map((c) => [c.name, true]),
    verified.map((v) => v.detail).join('\n'),
  );
  if (!mode.startsWith('tc netem')) assert.ok(stats.stalls > 0, 'the proxy did stall some chunks');
  process.stdout.write(
    `fix on ${CLUSTERS} shaped clusters: exit 0 in ${(took / 1000).toFixed(1)} s, lab verify ${verified.length}/${CLUSTERS}` +
      (stats.chunks ? `; proxy: ${stats.chunks} chunks, ${stats.stalls} stalled\n` : '\n'),
  );
});

test.run();
