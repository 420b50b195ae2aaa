/**
 * The 8-task fix-shaped playbook (fixtures/plan-8task/playbook.yml: file directory, command+creates,
 * read-only command, template, command, stat, shell, command check) on N host aliases of ONE OpenSSH sshd
 * on loopback, cold (fresh processes, fresh directories), forks 50, in one invocation:
 *
 *   remediate   node dist/cli/main.js run ... (built first with `npm run build`)
 *   floor       plan-8task-floor.ts (run as JS): raw ssh2, one connection per host, one exec per step,
 *               same forks
 *   ansible     ansible-playbook with pipelining (only at N <= ANSIBLE_MAX_N, default 20; when installed)
 *
 * Prints wall time, controller CPU seconds, peak RSS, exec/SFTP channels per host (counted in the
 * controller by test/bench/usage-hook.js) and the ratios. Targets (issue #8): remediate <= 1.3x the floor
 * at N=100 and 1,000; >= 20x faster than ansible at N=20; <= 9 exec channels/host, no SFTP channel; peak
 * RSS at 1,000 hosts < 250 MiB.
 *
 * Run: npx tsx test/bench/plan-8task.bench.ts [N ...]   (default: 20 100; needs root for the test users)
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
  const spec = path.join(work, `floor-${n}.json`);
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
  for (const p of ['rem', 'floor', 'ans'])
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

async function main(): Promise<void> {
  const ns = process.argv.slice(2).map(Number);
  const sizes = ns.length ? ns : [20, 100];
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`npm run build failed: ${b.stdout}${b.stderr}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-8task-bench-'));
  // MaxStartups raised so ansible-playbook (which does not pace handshakes) loses no host; remediate and
  // the floor pace theirs to 8 per server anyway.
  const d = await startSshd({ users: [TEST_USERS.nopasswd], maxStartups: '100:30:200' });
  const rows: string[] = [];
  try {
    console.log(
      `loadavg at start: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}; cores: ${os.cpus().length}`,
    );
    for (const n of sizes) {
      const r = await one(n, d, work);
      const rem = r.remediate!;
      const fl = r.floor!;
      const an = r.ansible;
      const ratio = rem.wallSec / fl.wallSec;
      rows.push(
        [
          String(n),
          `${f1(rem.wallSec)} s`,
          `${f1(fl.wallSec)} s`,
          `${ratio.toFixed(2)}x`,
          an ? `${f1(an.wallSec)} s (${(an.wallSec / rem.wallSec).toFixed(1)}x)` : '-',
          `${f1(rem.cpuSec)} / ${f1(fl.cpuSec)} (${(rem.cpuSec / fl.cpuSec).toFixed(2)}x)`,
          `${rem.maxRssMiB.toFixed(0)} / ${fl.maxRssMiB.toFixed(0)} MiB`,
          `${((rem.exec ?? NaN) / n).toFixed(1)} / ${((fl.exec ?? NaN) / n).toFixed(1)}`,
          `${((rem.sftp ?? 0) / n).toFixed(1)}`,
          `${rem.code}/${fl.code}${an ? `/${an.code}` : ''}`,
        ].join(' | '),
      );
      console.log(`N=${n} done: ${rows[rows.length - 1]}`);
      const io = (u: Usage) =>
        `user ${f1(u.userSec ?? NaN)} s, sys ${f1(u.sysSec ?? NaN)} s, socket writes/reads per host ${((u.sockWrites ?? NaN) / n).toFixed(1)}/${((u.sockReads ?? NaN) / n).toFixed(1)}, first connection at ${u.firstConnectMs ?? '-'} ms`;
      console.log(`  remediate: ${io(rem)}\n  floor:     ${io(fl)}`);
    }
  } finally {
    await d.stop();
    if (!process.env.CPU_PROF) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`profiles in ${path.join(work, 'prof')}`);
  }
  console.log(
    '\n| N | remediate | raw ssh2 floor | ratio | ansible-playbook (pipelining) | controller CPU s (rem / floor) | peak RSS (rem / floor) | exec channels/host (rem / floor) | SFTP/host | exit codes |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r} |`);
  console.log(`loadavg at end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
