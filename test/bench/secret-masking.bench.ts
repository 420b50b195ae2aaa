/**
 * What masking secrets by value costs: the runner with the plain reporter (-v, every result printed) to a
 * null sink, with no secret values, then with 50 and 500 (a run that learned many), in one invocation.
 * Also the bare `mask()` per output line. Ratios against the no-secret baseline of the same invocation.
 * Run: npx tsx test/bench/secret-masking.bench.ts [HOSTS] [TASKS]   (default 300 hosts × 20 tasks)
 */
import { createReporter } from '../../src/report';
import { runPlaybook } from '../../src/runner/index';
import { SecretValues } from '../../src/secrets/secret-values';
import { Templar } from '../../src/template/index';
import { FakeWorld, fakeInventory, options, play, playbook, task } from '../runner/fakes';

function secretsOf(n: number): SecretValues {
  const s = new SecretValues();
  for (let i = 0; i < n; i++) s.add(`s3cr3t-value-${i}-${(i * 7919).toString(36)}`);
  return s;
}

/** `secrets` undefined: no tracking at all (the templar without a secret set, reporters without masking). */
async function runOnce(nHosts: number, nTasks: number, secrets: SecretValues | undefined): Promise<number> {
  const hosts: Record<string, Record<string, unknown>> = {};
  for (let i = 0; i < nHosts; i++) hosts[`h${i}`] = { ansible_host: `10.0.${i >> 8}.${i & 255}`, idx: i };
  const inv = fakeInventory({ hosts });
  const vars: Record<string, unknown> = { base: '/etc/pki', db_password: 's3cr3t-value-0-0' };
  const tasks = [];
  for (let i = 0; i < nTasks; i++)
    tasks.push(
      i % 2
        ? task('kv', { key: `k${i}`, value: '{{ base }}-{{ idx }}' }, { name: `kv ${i}` })
        : task(
            'echo',
            { msg: '{{ inventory_hostname }} {{ db_password | b64encode }}' },
            { name: `echo ${i}` },
          ),
    );
  const sink = { write: () => true };
  const reporter = createReporter('plain', {
    verbosity: 1,
    diff: false,
    out: sink,
    err: sink,
    color: false,
    secrets,
  });
  const t0 = performance.now();
  const s = await runPlaybook(
    playbook(play(tasks, { vars })),
    inv,
    options(new FakeWorld(), [], {
      forks: 50,
      emit: (e) => reporter.on(e),
      secrets,
      templar: secrets ? new Templar({ secrets }) : new Templar(),
    }),
  );
  await reporter.close?.();
  if (s.exitCode !== 0) throw new Error(`exit ${s.exitCode}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const nHosts = Number(process.argv[2] ?? 300);
  const nTasks = Number(process.argv[3] ?? 20);
  const line =
    'ok: [web-042.example.net] => {"changed": false, "msg": "web-042 /etc/pki/apiserver.crt valid"}';
  for (const n of [0, 50, 500]) {
    const s = secretsOf(n);
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) s.mask(line);
    console.log(`mask(): ${n} secrets: ${((performance.now() - t0) / 100).toFixed(3)} µs/line (100k lines)`);
  }
  await runOnce(nHosts, nTasks, new SecretValues()); // warm-up
  const none: number[] = [];
  const base: number[] = [];
  const with50: number[] = [];
  const with500: number[] = [];
  for (let round = 0; round < 3; round++) {
    none.push(await runOnce(nHosts, nTasks, undefined));
    base.push(await runOnce(nHosts, nTasks, new SecretValues()));
    with50.push(await runOnce(nHosts, nTasks, secretsOf(50)));
    with500.push(await runOnce(nHosts, nTasks, secretsOf(500)));
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[1]!;
  const b = med(none);
  console.log(`runner + plain reporter, ${nHosts} hosts × ${nTasks} tasks, median of 3:`);
  console.log(`  no tracking  ${b.toFixed(0)} ms (baseline)`);
  console.log(`  0 secrets    ${med(base).toFixed(0)} ms (×${(med(base) / b).toFixed(2)})`);
  console.log(`  50 secrets   ${med(with50).toFixed(0)} ms (×${(med(with50) / b).toFixed(2)})`);
  console.log(`  500 secrets  ${med(with500).toFixed(0)} ms (×${(med(with500) / b).toFixed(2)})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
