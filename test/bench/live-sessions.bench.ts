/**
 * What open sessions cost new handshakes: N connections to ONE OpenSSH sshd on loopback, 8 handshakes at a
 * time (as remediate's pool and the plan-8task floor pace them), raw ssh2, no command run. `close` ends each
 * connection as soon as it is up (at most 8 sessions alive, as a host-by-host run keeps few); `keep` keeps
 * every one open until all N are up (as a linear play keeps each host's connection for its later tasks).
 * Rounds alternate. Prints wall time, sshd's CPU (its reaped session processes, read when every session of
 * the round has ended) and the whole machine's busy CPU, per round and as medians, and keep/close ratios.
 *
 * Why: it explains most of plan-8task's "floor in lockstep" column against its host-by-host floor (issue #8).
 *
 * Run: npx tsx test/bench/live-sessions.bench.ts [N] [ROUNDS]   (default 1000 2; root for the test user)
 */
import * as fs from 'node:fs';
import { Client } from 'ssh2';
import { startSshd, TEST_USERS } from '../helpers/sshd';

/** The machine's busy and total CPU ticks (all cores) from /proc/stat. */
function ticks(): { busy: number; total: number } {
  const a = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = a.reduce((x, y) => x + y, 0);
  return { busy: total - a[3]! - a[4]!, total };
}

/** CPU seconds of a process's reaped children (cutime + cstime). */
function childrenCpu(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const rounds = Number(process.argv[3] ?? 2);
  const d = await startSshd({ users: [TEST_USERS.nopasswd], maxStartups: '100:30:200' });
  const key = fs.readFileSync(d.clientKey);
  const hostKey = d.knownHostsLine.trim().split(/\s+/)[2]!;
  const connect = () =>
    new Promise<Client>((resolve, reject) => {
      const c = new Client();
      c.once('ready', () => resolve(c)).once('error', reject);
      c.connect({
        host: d.host,
        port: d.port,
        username: TEST_USERS.nopasswd,
        privateKey: key,
        hostVerifier: (k: Buffer) => k.toString('base64') === hostKey,
      });
    });
  const res: Record<string, { wall: number[]; sshd: number[]; busy: number[] }> = {};
  console.log(
    `loadavg at start: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}; ${n} connections per round`,
  );
  try {
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['close', 'keep']) {
        const open: Client[] = [];
        const closed: Promise<void>[] = [];
        const end = (c: Client) => closed.push(new Promise<void>((ok) => c.once('close', () => ok()).end()));
        const s0 = childrenCpu(d.pid);
        const c0 = ticks();
        const t0 = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < n) {
              next++;
              const c = await connect();
              if (mode === 'keep') open.push(c);
              else end(c);
            }
          }),
        );
        const wall = (performance.now() - t0) / 1000;
        const c1 = ticks();
        for (const c of open) end(c);
        await Promise.all(closed);
        // sshd reaps a session's processes after its connection closes
        await new Promise((ok) => setTimeout(ok, 2000));
        const sshd = childrenCpu(d.pid) - s0;
        const busy = (c1.busy - c0.busy) / 100;
        const x = (res[mode] ??= { wall: [], sshd: [], busy: [] });
        x.wall.push(wall);
        x.sshd.push(sshd);
        x.busy.push(busy);
        console.log(
          `round ${r + 1} ${mode.padEnd(5)}: ${wall.toFixed(2)} s, sshd CPU ${sshd.toFixed(1)} s (${((sshd / n) * 1000).toFixed(1)} ms per connection), machine busy ${busy.toFixed(1)} CPU-s`,
        );
      }
    }
  } finally {
    await d.stop();
  }
  const m = (mode: string, k: 'wall' | 'sshd' | 'busy') => median(res[mode]![k]);
  console.log(`\nmedians of ${rounds} round(s), ${n} connections, 8 handshakes at a time:`);
  console.log('| sessions | wall | sshd CPU | machine busy CPU |');
  console.log('| --- | --- | --- | --- |');
  for (const mode of ['close', 'keep'])
    console.log(
      `| ${mode === 'close' ? 'each closed when up' : 'all kept open'} | ${m(mode, 'wall').toFixed(2)} s | ${m(mode, 'sshd').toFixed(1)} s | ${m(mode, 'busy').toFixed(1)} s |`,
    );
  console.log(
    `keep / close: wall ${(m('keep', 'wall') / m('close', 'wall')).toFixed(2)}x, sshd CPU ${(m('keep', 'sshd') / m('close', 'sshd')).toFixed(2)}x`,
  );
  console.log(`loadavg at end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
