/**
 * The 8-task fix-shaped playbook (fixtures/plan-8task/playbook.yml: file directory, command+creates,
 * read-only command, template, command, stat, shell, command check) on N host aliases of ONE OpenSSH sshd
 * on loopback, cold (fresh processes, fresh directories), forks 50, in one invocation:
 *
 *   remediate   node dist/cli/main.js run ... (built first with `npm run build`)
 *   floor       plan-8task-floor.ts (run as JS): raw ssh2, one connection per host, one exec per step,
 *               same forks, host by host
 *   lockstep    the same floor step by step across all hosts, as the linear strategy runs a play: a
 *               reference column (how much of the gap the lockstep itself costs); targets are vs `floor`
 *   ansible     ansible-playbook with pipelining (only at N <= ANSIBLE_MAX_N, default 20; when installed)
 *
 * Prints wall time, controller CPU seconds, peak RSS, exec/SFTP channels per host (counted in the
 * controller by test/bench/usage-hook.js) and the ratios. Targets (issue #8): remediate <= 1.3x the floor
 * at N=100 and 1,000; >= 20x faster than ansible at N=20; <= 9 exec channels/host, no SFTP channel; peak
 * RSS at 1,000 hosts < 250 MiB.
 *
 * Run: npx tsx test/bench/plan-8task.bench.ts [N ...]   (default: 20 100; needs root for the test users)
 *      REPEAT=k runs each size k times (default 3), the sides alternating; the table shows medians.
 *      CPU_PROF=1 adds --cpu-prof to remediate and the floor (profiles in the bench's temp dir, path printed).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const FIXTURES = path.join(__dirname, 'fixtures/plan-8task');
const HOOK = path.join(__dirname, 'usage-hook.js');
const ANSIBLE_MAX_N = Number(process.env.ANSIBLE_MAX_N ?? 20);

interface Usage {
  wallSec: number;
  cpuSec: number;
  maxRssMiB: number;
  exec?: number;
  sftp?: number;
  code: number | null;
  changed?: number;
  userSec?: number;
  sysSec?: number;
  sockWrites?: number;
  sockReads?: number;
  firstConnectMs?: number;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, usageFile?: string): Promise<Usage> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) console.error(out.slice(-2000), err.slice(-2000));
      let u: Partial<Usage> = {};
      if (usageFile && fs.existsSync(usageFile)) u = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
      else {
        // GNU time's last stderr line: "<user> <sys> <maxrss KiB>"
        const m = /(\S+) (\S+) (\d+)\s*$/.exec(err);
        if (m) u = { cpuSec: Number(m[1]) + Number(m[2]), maxRssMiB: Number(m[3]) / 1024 };
      }
      const changed = [...out.matchAll(/changed=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      resolve({ wallSec, cpuSec: u.cpuSec ?? NaN, maxRssMiB: u.maxRssMiB ?? NaN, ...u, code, changed });
    });
  });
}

function inventory(d: Sshd, hosts: string[], file: string): void {
  const lines = ['[all]', ...hosts];
  lines.push(
    '[all:vars]',
    `ansible_host=${d.host}`,
    `ansible_port=${d.port}`,
    `ansible_user=${TEST_USERS.nopasswd}`,
    `ansible_ssh_private_key_file=${d.clientKey}`,
    `remediate_known_hosts=${d.knownHostsFile}`,
    'ansible_python_interpreter=/usr/bin/python3',
    `ansible_ssh_common_args="-o UserKnownHostsFile=${d.knownHostsFile} -o StrictHostKeyChecking=yes"`,
  );
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function one(n: number, d: Sshd, work: string): Promise<Record<string, Usage | undefined>> {
  const hosts = Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(4, '0')}`);
  const inv = path.join(work, `hosts-${n}.ini`);
  inventory(d, hosts, inv);
  const forks = '50';
  const out: Record<string, Usage | undefined> = {};
  const env = { ...process.env, NO_COLOR: '1' };
  const remDir = `/tmp/p8-rem-${process.pid}-${n}`;
  const usage = (name: string) => path.join(work, `${name}-${n}.json`);
  const prof = process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(work, 'prof')}`] : [];
  out.remediate = await run(
    process.execPath,
    [
      ...prof,
      '-r',
      HOOK,
      path.join(REPO_ROOT, 'dist/cli/main.js'),
      'run',
      path.join(FIXTURES, 'playbook.yml'),
      '-i',
      inv,
      '-f',
      forks,
      '-e',
      `bench_dir=${remDir}`,
      '--no-retry-file',
    ],
    { ...env, BENCH_USAGE_FILE: usage('remediate') },
    usage('remediate'),
  );
  const spec = path.join(work, `spec-floor-${n}.json`);
  fs.writeFileSync(
    spec,
    JSON.stringify({
      hosts,
      host: d.host,
      port: d.port,
      user: TEST_USERS.nopasswd,
      key: d.clientKey,
      knownHostsLine: d.knownHostsLine,
      dir: `/tmp/p8-floor-${process.pid}-${n}`,
      forks: 50,
    }),
  );
  out.floor = await run(
    process.execPath,
    [...prof, '-r', HOOK, floorJs(work), spec],
    { ...env, BENCH_USAGE_FILE: usage('floor'), NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
    usage('floor'),
  );
  // the same floor in lockstep (Ansible's linear strategy, which the playbook uses): a reference column
  const lockSpec = path.join(work, `spec-lockstep-${n}.json`);
  const specJson = JSON.parse(fs.readFileSync(spec, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(
    lockSpec,
    JSON.stringify({ ...specJson, dir: `/tmp/p8-lock-${process.pid}-${n}`, lockstep: true }),
  );
  out.lockstep = await run(
    process.execPath,
    ['-r', HOOK, floorJs(work), lockSpec],
    { ...env, BENCH_USAGE_FILE: usage('lockstep'), NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
    usage('lockstep'),
  );
  const ansible = spawnSync('ansible-playbook', ['--version']).status === 0;
  if (ansible && n <= ANSIBLE_MAX_N) {
    const home = path.join(work, `ansible-${n}`);
    fs.mkdirSync(home, { recursive: true });
    out.ansible = await run(
      '/usr/bin/time',
      [
        '-f',
        '%U %S %M',
        'ansible-playbook',
        path.join(FIXTURES, 'playbook.yml'),
        '-i',
        inv,
        '-f',
        forks,
        '-e',
        `bench_dir=/tmp/p8-ans-${process.pid}-${n}`,
      ],
      {
        ...env,
        ANSIBLE_PIPELINING: 'True',
        ANSIBLE_HOME: home,
        ANSIBLE_LOCAL_TEMP: path.join(home, 'tmp'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(home, 'cp'),
        ANSIBLE_NOCOLOR: '1',
      },
    );
  }
  for (const p of ['rem', 'floor', 'lock', 'ans'])
    fs.rmSync(`/tmp/p8-${p}-${process.pid}-${n}`, { recursive: true, force: true });
  return out;
}

/** The floor as plain JS (esbuild, as tsx uses): neither side pays a TypeScript compile at start. */
function floorJs(work: string): string {
  const out = path.join(work, 'plan-8task-floor.js');
  if (!fs.existsSync(out)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const src = fs.readFileSync(path.join(__dirname, 'plan-8task-floor.ts'), 'utf8');
    fs.writeFileSync(out, esbuild.transformSync(src, { loader: 'ts', format: 'cjs', target: 'node20' }).code);
  }
  return out;
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');

const median = (xs: number[]): number => {
  const a = xs.filter(Number.isFinite).sort((x, y) => x - y);
  if (!a.length) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};
/** The median of one field over a side's runs. */
const med = (runs: (Usage | undefined)[], k: keyof Usage): number =>
  median(runs.map((u) => (u ? Number(u[k]) : NaN)));

async function main(): Promise<void> {
  const ns = process.argv.slice(2).map(Number);
  const sizes = ns.length ? ns : [20, 100];
  // Runs per size, remediate and the floor (and ansible) alternating: the table shows medians, the
  // per-run ratios show the spread. A shared machine's load moves single runs by ±20%.
  const reps = Math.max(1, Number(process.env.REPEAT ?? 3));
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`npm run build failed: ${b.stdout}${b.stderr}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-8task-bench-'));
  // MaxStartups raised so ansible-playbook (which does not pace handshakes) loses no host; remediate and
  // the floor pace theirs to 8 per server anyway.
  const d = await startSshd({ users: [TEST_USERS.nopasswd], maxStartups: '100:30:200' });
  const rows: string[] = [];
  try {
    console.log(
      `loadavg at start: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}; cores: ${os.cpus().length}; ${reps} run(s) per size`,
    );
    for (const n of sizes) {
      const runs: Record<string, Usage | undefined>[] = [];
      for (let i = 0; i < reps; i++) {
        const r = await one(n, d, work);
        runs.push(r);
        const an = r.ansible ? `, ansible ${f1(r.ansible.wallSec)} s` : '';
        console.log(
          `N=${n} run ${i + 1}/${reps}: remediate ${f1(r.remediate!.wallSec)} s, floor ${f1(r.floor!.wallSec)} s (${(r.remediate!.wallSec / r.floor!.wallSec).toFixed(2)}x), floor in lockstep ${f1(r.lockstep!.wallSec)} s${an}`,
        );
      }
      const rem = runs.map((r) => r.remediate);
      const fl = runs.map((r) => r.floor);
      const ls = runs.map((r) => r.lockstep);
      const lw = med(ls, 'wallSec');
      const an = runs.map((r) => r.ansible);
      const hasAn = an.some(Boolean);
      const w = med(rem, 'wallSec');
      const fw = med(fl, 'wallSec');
      const aw = med(an, 'wallSec');
      const codes = (k: string) => [...new Set(runs.map((r) => String(r[k]?.code)))].join(',');
      rows.push(
        [
          String(n),
          `${f1(w)} s`,
          `${f1(fw)} s`,
          `${(w / fw).toFixed(2)}x`,
          `${f1(lw)} s (${(w / lw).toFixed(2)}x)`,
          hasAn ? `${f1(aw)} s (${(aw / w).toFixed(1)}x)` : '-',
          `${f1(med(rem, 'cpuSec'))} / ${f1(med(fl, 'cpuSec'))} (${(med(rem, 'cpuSec') / med(fl, 'cpuSec')).toFixed(2)}x)`,
          `${med(rem, 'maxRssMiB').toFixed(0)} / ${med(fl, 'maxRssMiB').toFixed(0)} MiB`,
          `${(med(rem, 'exec') / n).toFixed(1)} / ${(med(fl, 'exec') / n).toFixed(1)}`,
          `${(med(rem, 'sftp') / n || 0).toFixed(1)}`,
          `${codes('remediate')}/${codes('floor')}/${codes('lockstep')}${hasAn ? `/${codes('ansible')}` : ''}`,
        ].join(' | '),
      );
      console.log(`N=${n} medians: ${rows[rows.length - 1]}`);
      console.log(
        `  per-run ratios: ${runs.map((r) => (r.remediate!.wallSec / r.floor!.wallSec).toFixed(2) + 'x').join(' ')}`,
      );
      const io = (u: (Usage | undefined)[]) =>
        `user ${f1(med(u, 'userSec'))} s, sys ${f1(med(u, 'sysSec'))} s, socket writes/reads per host ${(med(u, 'sockWrites') / n).toFixed(1)}/${(med(u, 'sockReads') / n).toFixed(1)}, first connection at ${med(u, 'firstConnectMs').toFixed(0)} ms`;
      console.log(`  remediate: ${io(rem)}\n  floor:     ${io(fl)}`);
    }
  } finally {
    await d.stop();
    if (!process.env.CPU_PROF) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`profiles in ${path.join(work, 'prof')}`);
  }
  console.log(
    `\nMedians of ${reps} run(s) per size:\n| N | remediate | raw ssh2 floor | ratio | floor in lockstep (ratio) | ansible-playbook (pipelining) | controller CPU s (rem / floor) | peak RSS (rem / floor) | exec channels/host (rem / floor) | SFTP/host | exit codes |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r} |`);
  console.log(`loadavg at end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
