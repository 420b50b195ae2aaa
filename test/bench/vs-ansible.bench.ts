/**
 * remediate against real Ansible (`ansible-playbook` from Debian's ansible-core) doing the SAME work on the
 * SAME lab hosts in one invocation; prints wall times, ratios ansible/remediate and both tools' changed counts.
 *
 *   generic  ~10 ansible.builtin tasks per host (command, stat, file, copy, lineinfile, template, slurp):
 *            first run, second (idempotent) run, both tools with forks = N, each in its own directory
 *            (bench_dir) on the same hosts so each starts from scratch.
 *   check    the same playbook with --check on the converged hosts.
 *   fix      playbooks/fix-apiserver-sans.yml vs fixtures/vs-ansible/fix-apiserver-sans.ansible.yml (the same
 *            careful steps as ansible.builtin tasks), each tool on a fresh lab; every cluster must then pass
 *            `lab verify`. A second run must change nothing.
 * Ansible runs with its defaults (pipelining off, host key checking on, ControlPersist=60s) and once more
 * with ANSIBLE_PIPELINING=True (the fairer baseline; its --check runs on the files remediate converged, so
 * it also shows equal work: Ansible finds nothing left to change). remediate runs through runCli (tsx, as
 * the tests do, so its times include tsx's start-up).
 *
 * Run: npx tsx test/bench/vs-ansible.bench.ts [N]   (default 20; needs root for the lab)
 *      VS_ANSIBLE_SKIP_GENERIC=1 / VS_ANSIBLE_SKIP_FIX=1 skip a workload; VS_ANSIBLE_SCRIPT=1 adds the fix
 *      done by Ansible as ONE `script` task running FIX_SH of fleet-fix.bench.ts (its fastest form; a lab
 *      more); VS_ANSIBLE_FULL=1 adds that and the fix with pipelining (~7 min at N=20; the default run
 *      stays under ~5 min on 2 busy cores).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labDown, labUp, labVerify, type LabInfo } from '../../src/lab';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { FIX_SH } from './fleet-fix.bench';

const FIXTURES = path.join(__dirname, 'fixtures/vs-ansible');
const FIX_PLAYBOOK = path.join(REPO_ROOT, 'playbooks/fix-apiserver-sans.yml');
const TIMEOUT_MS = 900_000;

/** Totals of the PLAY RECAP lines both tools print (remediate's plain output copies Ansible's format). */
export interface Recap {
  hosts: number;
  changed: number;
  failed: number;
  unreachable: number;
}

export function parseRecap(stdout: string): Recap {
  const r: Recap = { hosts: 0, changed: 0, failed: 0, unreachable: 0 };
  const re = /^\S+\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    r.hosts++;
    r.changed += Number(m[1]);
    r.unreachable += Number(m[2]);
    r.failed += Number(m[3]);
  }
  return r;
}

interface Timed extends Recap {
  ms: number;
  code: number | null;
}

type Tool = 'remediate' | 'ansible' | 'ansible+pipelining';
const TOOLS: Tool[] = ['remediate', 'ansible', 'ansible+pipelining'];

let problems = 0;

function report(label: string, t: Timed, expectHosts: number): Timed {
  const bad = t.code !== 0 || t.hosts !== expectHosts || t.failed > 0 || t.unreachable > 0;
  if (bad) {
    problems++;
    console.error(
      `!! ${label}: exit=${t.code} hosts=${t.hosts}/${expectHosts} failed=${t.failed} unreachable=${t.unreachable}`,
    );
  }
  console.log(`   ${label}: ${secs(t.ms)} changed=${t.changed}${bad ? ' (FAILED)' : ''}`);
  return t;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      if (code !== 0) console.error(stdout.slice(-3000), stderr.slice(-2000));
      resolve({ ms, code, ...parseRecap(stdout) });
    });
  });
}

/** Runs one tool on one lab: remediate through runCli, ansible-playbook with its own settings dir. */
class Runner {
  private readonly varsFile: string;
  constructor(
    private readonly lab: LabInfo,
    private readonly work: string,
    private readonly forks: number,
  ) {
    this.varsFile = path.join(work, 'ansible-vars.yml');
    fs.writeFileSync(
      this.varsFile,
      `ansible_ssh_common_args: "-o UserKnownHostsFile=${lab.knownHosts} -o StrictHostKeyChecking=yes"\n` +
        'ansible_python_interpreter: /usr/bin/python3\n',
    );
  }

  async run(tool: Tool, playbook: string, extra: { check?: boolean; vars?: Record<string, string> } = {}) {
    const ev = Object.entries(extra.vars ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const common = [
      '-i',
      this.lab.inventory,
      '-f',
      String(this.forks),
      ...ev,
      ...(extra.check ? ['--check'] : []),
    ];
    if (tool === 'remediate') {
      const t0 = Date.now();
      const r = await runCli(['run', playbook, ...common, '--no-retry-file', '--output', 'plain'], {
        timeoutMs: TIMEOUT_MS,
      });
      const ms = Date.now() - t0;
      if (r.code !== 0) console.error(r.stdout.slice(-3000), r.stderr.slice(-2000));
      return { ms, code: r.code, ...parseRecap(r.stdout) };
    }
    // A settings home per configuration, so each starts without warm ControlPersist connections.
    const home = path.join(this.work, tool === 'ansible' ? 'ansible-default' : 'ansible-pipelining');
    fs.mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ANSIBLE_HOME: home,
      ANSIBLE_LOCAL_TEMP: path.join(home, 'tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(home, 'cp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
    };
    delete env.ANSIBLE_CONFIG;
    if (tool === 'ansible+pipelining') env.ANSIBLE_PIPELINING = 'True';
    else delete env.ANSIBLE_PIPELINING;
    // cwd = the work dir: no ansible.cfg from the repository or elsewhere is picked up.
    return exec('ansible-playbook', [playbook, ...common, '-e', `@${this.varsFile}`], env, home);
  }
}

async function withLab<T>(
  n: number,
  name: string,
  fn: (lab: LabInfo, work: string) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vs-ansible-${name.replace(/[^\w.-]+/g, '-')}-${n}-`));
  try {
    const t0 = Date.now();
    const lab = await labUp({ dir: path.join(dir, 'lab'), clusters: n });
    console.log(`-- lab ${name}: ${n} clusters up in ${secs(Date.now() - t0)}`);
    return await fn(lab, dir);
  } finally {
    await labDown({ dir: path.join(dir, 'lab') }).catch((e) => console.error('lab down:', e));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const secs = (ms: number) => (ms / 1000).toFixed(1) + 's';

interface Row {
  workload: string;
  results: Partial<Record<Tool, Timed>>;
  note?: string;
}

async function generic(n: number): Promise<Row[]> {
  const rows: Row[] = [
    { workload: 'generic, first run', results: {} },
    { workload: 'generic, second run', results: {} },
    { workload: 'check on converged', results: {} },
  ];
  await withLab(n, 'generic', async (lab, work) => {
    const r = new Runner(lab, work, n);
    for (const tool of TOOLS) {
      const playbook = path.join(
        FIXTURES,
        tool === 'remediate' ? 'generic.remediate.yml' : 'generic.ansible.yml',
      );
      const vars = { bench_dir: `/root/vs-ansible-${tool.replace('+', '-')}` };
      rows[0].results[tool] = report(`${tool} generic first`, await r.run(tool, playbook, { vars }), n);
      rows[1].results[tool] = report(`${tool} generic second`, await r.run(tool, playbook, { vars }), n);
      // With pipelining, --check runs on what remediate converged: the timing and, at the same time,
      // equal work the other way round (Ansible finds nothing to change where remediate converged).
      const checkVars = tool === 'ansible+pipelining' ? { bench_dir: '/root/vs-ansible-remediate' } : vars;
      rows[2].results[tool] = report(
        tool === 'ansible+pipelining' ? `${tool} --check on what remediate converged` : `${tool} --check`,
        await r.run(tool, playbook, { vars: checkVars, check: true }),
        n,
      );
    }
    const cross = rows[2].results['ansible+pipelining']!;
    if (cross.changed !== 0) {
      problems++;
      console.error(`!! ansible would change ${cross.changed} things remediate converged`);
    }
    rows[2].note = `the ans+pipelining --check ran on remediate's converged files: changed=${cross.changed}`;
  });
  return rows;
}

/** The fix on a fresh lab for one tool: first run, second run (must change nothing), `lab verify`. */
async function fixOn(
  n: number,
  tool: Tool,
  label: string,
  rows: [Row, Row],
  playbook: string | ((work: string) => string),
  verified: string[],
  vars?: (work: string) => Record<string, string>,
): Promise<void> {
  await withLab(n, label, async (lab, work) => {
    const r = new Runner(lab, work, n);
    const pb = typeof playbook === 'string' ? playbook : playbook(work);
    const opts = { vars: vars?.(work) };
    rows[0].results[tool] = report(`${label} first`, await r.run(tool, pb, opts), n);
    rows[1].results[tool] = report(`${label} second`, await r.run(tool, pb, opts), n);
    if (rows[1].results[tool]!.changed !== 0) {
      problems++;
      console.error(`!! ${label}: the second run changed ${rows[1].results[tool]!.changed}`);
    }
    const ok = (await labVerify({ dir: lab.dir })).filter((v) => v.ok).length;
    if (ok !== n) problems++;
    verified.push(`${label} ${ok}/${n}`);
    console.log(`   ${label}: lab verify ${ok}/${n} clusters pass`);
  });
}

async function fix(n: number, tools: Tool[], script: boolean): Promise<Row[]> {
  const rows: [Row, Row] = [
    { workload: 'fix-apiserver-sans, first', results: {} },
    { workload: 'fix-apiserver-sans, second', results: {} },
  ];
  const verified: string[] = [];
  for (const tool of tools) {
    const playbook =
      tool === 'remediate' ? FIX_PLAYBOOK : path.join(FIXTURES, 'fix-apiserver-sans.ansible.yml');
    await fixOn(n, tool, `${tool} fix`, rows, playbook, verified);
  }
  rows[0].note = `lab verify: ${verified.join(', ')}`;
  if (!script) return rows;
  // Ansible's fastest honest form of the same fix: FIX_SH (fleet-fix.bench.ts) as ONE `script` task.
  const scriptRows: [Row, Row] = [
    { workload: 'fix as 1 script task, first', results: {} },
    { workload: 'fix as 1 script task, second', results: {} },
  ];
  const scriptVerified: string[] = [];
  await fixOn(
    n,
    'ansible',
    'ansible fix (one script task)',
    scriptRows,
    path.join(FIXTURES, 'fix-apiserver-sans.script.ansible.yml'),
    scriptVerified,
    (work) => {
      const file = path.join(work, 'fix.sh');
      fs.writeFileSync(file, FIX_SH);
      return { fix_sh: file };
    },
  );
  scriptRows[0].results.remediate = rows[0].results.remediate;
  scriptRows[1].results.remediate = rows[1].results.remediate;
  scriptRows[0].note = `remediate column repeated from the playbook rows; lab verify: ${scriptVerified.join(', ')}`;
  return [...rows, ...scriptRows];
}

function table(rows: Row[]): string {
  const head = [
    'workload',
    'remediate',
    'ansible',
    'ratio',
    'ans+pipelining',
    'ratio',
    'changed rem/ans/pip',
  ];
  const lines = rows.map((row) => {
    const m = row.results.remediate;
    const cell = (t?: Timed) => (t ? secs(t.ms) : '-');
    const ratio = (t?: Timed) => (t && m ? (t.ms / m.ms).toFixed(1) + 'x' : '-');
    const a = row.results.ansible;
    const p = row.results['ansible+pipelining'];
    const changed = TOOLS.map((tool) => row.results[tool]?.changed ?? '-').join('/');
    return [row.workload, cell(m), cell(a), ratio(a), cell(p), ratio(p), changed];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cols: (string | number)[]) => cols.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  const out = [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)];
  for (const row of rows) if (row.note) out.push(`  ${row.workload}: ${row.note}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const probe = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.log('skipped: ansible-playbook not installed (apt-get install ansible-core)');
    return;
  }
  const n = Number(process.argv[2] ?? 20);
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, not ${process.argv[2]}`);
  const load0 = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  console.log(`${probe.stdout.split('\n')[0]}; clusters=${n} forks=${n}; loadavg at start: ${load0}`);
  const t0 = Date.now();
  const rows = process.env.VS_ANSIBLE_SKIP_GENERIC ? [] : await generic(n);
  // The fix with pipelining needs a third lab and ~1 min more at N=20: only with VS_ANSIBLE_FULL=1.
  const full = Boolean(process.env.VS_ANSIBLE_FULL);
  const fixTools: Tool[] = full ? TOOLS : ['remediate', 'ansible'];
  const script = full || Boolean(process.env.VS_ANSIBLE_SCRIPT);
  if (!process.env.VS_ANSIBLE_SKIP_FIX) rows.push(...(await fix(n, fixTools, script)));
  const load1 = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  console.log(
    `\nremediate vs ansible-playbook, ${n} hosts, forks ${n} (ratio = ansible time / remediate time)`,
  );
  console.log(table(rows));
  console.log(
    `total ${secs(Date.now() - t0)}; loadavg at end: ${load1}${problems ? `; ${problems} PROBLEM(S)` : ''}`,
  );
  if (problems) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
