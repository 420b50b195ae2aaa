/**
 * SSH exec latency: one command at a time on one pooled ssh2 connection (the transport), against a fresh
 * OpenSSH `ssh` client process per command (connect, key exchange, auth, exec: what a naive runner pays),
 * to the same real sshd on loopback; plus 20 commands in parallel on the pooled connection, and an
 * unchanged `put` (hash compare only). Also an OpenSSH ControlMaster baseline (one master connection,
 * an `ssh -S` client process per command: Ansible's default). Prints the ratios, all measured in this run.
 * Run: npx tsx test/bench/ssh-exec.bench.ts [N]   (default N=100)
 */
import { spawnSync } from 'node:child_process';
import { script } from '../../src/command';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { startSshd, TEST_USERS, loginVars } from '../helpers/sshd';

async function time(
  label: string,
  n: number,
  fn: (i: number) => Promise<unknown> | unknown,
): Promise<number> {
  await fn(0);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = (performance.now() - t0) / n;
  console.log(`${label.padEnd(52)} ${ms.toFixed(2)} ms/op  (n=${n})`);
  return ms;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const d = await startSshd();
  const f = createSshTransportFactory();
  try {
    const t = f({
      name: 'bench',
      vars: loginVars(d),
    });
    await t.connect();
    const pooled = await time('pooled ssh2 connection: exec `true`', n, () => t.exec(script('true')));
    const sshArgs = [
      '-q',
      '-p',
      String(d.port),
      '-i',
      d.clientKey,
      '-o',
      `UserKnownHostsFile=${d.knownHostsFile}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'ControlMaster=no',
      '-F',
      '/dev/null',
      `${TEST_USERS.nopasswd}@${d.host}`,
      'true',
    ];
    const fresh = await time(
      'fresh OpenSSH `ssh` process per command',
      Math.max(10, Math.floor(n / 5)),
      () => {
        const r = spawnSync('ssh', sshArgs, { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`ssh exited ${r.status}`);
      },
    );
    console.log(`ratio fresh/pooled: ${(fresh / pooled).toFixed(1)}x`);
    // What Ansible does by default: one OpenSSH master connection, a multiplexed `ssh` client per command.
    const ctl = `/tmp/remediate-bench-ctl-${process.pid}`;
    const noMux = sshArgs
      .slice(0, -1)
      .filter((a, k, all) => a !== 'ControlMaster=no' && all[k + 1] !== 'ControlMaster=no');
    const master = spawnSync('ssh', ['-M', '-S', ctl, '-fN', '-o', 'ControlPersist=60', ...noMux]);
    if (master.status !== 0) throw new Error(`ssh -M exited ${master.status}: ${master.stderr}`);
    try {
      const muxArgs = ['-S', ctl, ...sshArgs];
      const mux = await time(
        'OpenSSH ControlMaster, one `ssh -S` per command',
        Math.max(10, Math.floor(n / 2)),
        () => {
          const r = spawnSync('ssh', muxArgs, { stdio: 'ignore' });
          if (r.status !== 0) throw new Error(`ssh -S exited ${r.status}`);
        },
      );
      console.log(`ratio controlmaster/pooled: ${(mux / pooled).toFixed(1)}x`);
    } finally {
      spawnSync('ssh', ['-S', ctl, '-O', 'exit', 'x'], { stdio: 'ignore' });
    }
    const batch = await time('pooled: 20 parallel execs (per batch)', Math.max(5, Math.floor(n / 10)), () =>
      Promise.all(Array.from({ length: 20 }, () => t.exec(script('true')))),
    );
    console.log(`  = ${(batch / 20).toFixed(2)} ms per exec when 20 share the connection`);
    const p = `/tmp/remediate-bench-${process.pid}`;
    const body = Buffer.alloc(64 * 1024, 'x');
    await t.put(p, body);
    await time('put 64 KiB unchanged (remote sha256 compare)', n, () => t.put(p, body));
    await time('put 64 KiB changed (SFTP temp + rename)', Math.max(10, Math.floor(n / 2)), (i) =>
      t.put(p, Buffer.concat([body, Buffer.from(String(i))])),
    );
    await t.exec(script(`rm -f ${p}`));
  } finally {
    await f.closeAll();
    await d.stop();
  }
}

void main();
