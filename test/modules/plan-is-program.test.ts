/**
 * Plans are the program: for every module and a table of cases, the steps `--check` shows are exactly
 * the steps a real run executes. Both runs go through the production pipeline (createTaskContext →
 * runModuleCall → the applier) over a recording transport around the real local transport; the real
 * run's -vv trace (one line per step, `describeStep`) and what reached the transport after each step
 * are compared with the checked plan.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExecCommand } from '../../src/command';
import { modules } from '../../src/modules/index';
import type { ModuleDefinition, Plan } from '../../src/modules/types';
import { describeStep, planSteps, type Step } from '../../src/plan/steps';
import { FactsCache } from '../../src/runner/facts-cache';
import { runModuleCall } from '../../src/runner/module-call';
import { realClock } from '../../src/runner/options';
import { createTaskContext } from '../../src/runner/task-context';
import { Templar } from '../../src/template/index';
import { putScript, sha256 } from '../../src/transport/file-transfer';
import { LocalTransport } from '../../src/transport/local';
import type { ExecOptions, PutOptions, Transport } from '../../src/transport/types';
import { installAccountStandins } from './accounts-standin';
import { makePki, OLD_SANS, reissueArgs, type Pki } from '../x509/fake-context';

/** What happened, in order: `STEP <describeStep>` from the applier's -vv trace, `T <op>` at the transport. */
class Recorder implements Transport {
  readonly host = 'localhost';
  private readonly inner = new LocalTransport('localhost');
  constructor(readonly seq: string[]) {}
  async connect() {}
  async close() {}
  exec(cmd: ExecCommand, opts?: ExecOptions) {
    this.seq.push(`T ${cmd.display}`);
    return this.inner.exec(cmd, opts);
  }
  put(p: string, c: Buffer, o?: PutOptions) {
    this.seq.push(`T put ${p}`);
    return this.inner.put(p, c, o);
  }
  get(p: string) {
    this.seq.push(`T get ${p}`);
    return this.inner.get(p);
  }
}

let dir = '';
let bin = '';
const templar = new Templar();

function context(seq: string[], noFusion = true, diff = true) {
  return createTaskContext({
    noFusion,
    host: 'localhost',
    vars: { inventory_hostname: 'kube01', ansible_verbosity: 0 },
    diff,
    noLog: false,
    playbookDir: dir,
    // g, run, c, x, r, f: the names a fused guard could set in the exec's shell; the command sees these
    env: {
      PATH: `${bin}:${path.join(dir, 'acct-bin')}:${process.env.PATH}`,
      ...Object.fromEntries(['g', 'run', 'c', 'x', 'r', 'f'].map((k) => [k, `env-${k}`])),
    },
    transport: async () => new Recorder(seq),
    facts: new FactsCache(),
    templar,
    emit: (e) => {
      if (e.kind === 'log' && e.level === 2 && !e.msg.startsWith('exec: ')) seq.push(`STEP ${e.msg}`);
    },
    now: () => Date.now(),
    clock: realClock,
    verbosity: 2,
    signal: new AbortController().signal,
  });
}

/** The transport operations a step performs (a wait: its probe, once or more). */
function expectedOps(step: Step): string[] {
  switch (step.kind) {
    case 'exec':
      return [`T ${step.cmd.display}`];
    case 'upload':
      return [
        `T ${putScript(step.dest, sha256(step.content), step.content.length, { mode: step.mode, owner: step.owner, group: step.group, statLine: true }).display}`,
      ];
    case 'fetch':
      return [`T get ${step.src}`];
    case 'wait':
      return step.probe.kind === 'exec' ? [`T ${step.probe.cmd.display}`] : [];
    default:
      return [];
  }
}

/** Random parts of a plan (temp dir names, serials, backup times) differ between two plans. */
const norm = (s: string) =>
  s
    .replace(/remediate-x509\.[0-9a-f]{12}\.[0-9a-f]{12}/g, 'remediate-x509.K.R')
    .replace(/RMD-[0-9a-f]{12}/g, 'RMD-TAG')
    .replace(/0x[0-9a-f]{32}/g, '0xSERIAL')
    .replace(/\d{8}T\d{6}Z/g, 'STAMP')
    .replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~/g, '.N.STAMP~')
    .replace(/want=[0-9a-f]{64}/g, 'want=SHA');

const stepsOf = (p: Plan, check: boolean): Step[] => [
  ...(check ? [] : [...(p.prelude ?? []), ...planSteps(p.changes)]),
  ...(p.observe ?? []),
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function same(def: ModuleDefinition<any, any, any>, raw: unknown, label: string): Promise<number> {
  const args = def.args.parse(raw);
  const cseq: string[] = [];
  const chk = await runModuleCall(def, args, context(cseq), true);
  const shown = [...(chk.plan.prelude ?? []), ...planSteps(chk.plan.changes), ...(chk.plan.observe ?? [])];
  const rseq: string[] = [];
  const run = await runModuleCall(def, args, context(rseq), false).catch((e) => {
    throw new Error(`${label}: ${String(e)}`);
  });
  // 1. the -vv trace of the real run is the checked plan, step for step
  const traced = rseq.filter((l) => l.startsWith('STEP ')).map(norm);
  assert.equal(
    traced,
    shown.map((s) => norm(`STEP ${describeStep(s)}`)),
    `${label}: trace`,
  );
  // 2. after each traced step, the transport saw exactly that step's operations
  const ranSteps = stepsOf(run.plan, false);
  const first = rseq.findIndex((l) => l.startsWith('STEP '));
  const probe = first < 0 ? rseq : rseq.slice(0, first);
  const checkProbe = cseq.slice(0, cseq.findIndex((l) => l.startsWith('STEP ')) >>> 0);
  assert.equal(probe.map(norm), (first < 0 ? cseq : checkProbe).map(norm), `${label}: same probe`);
  let i = first;
  for (const step of ranSteps) {
    if (i < 0) break;
    assert.is(norm(rseq[i]!), norm(`STEP ${describeStep(step)}`), `${label}: step`);
    const ops: string[] = [];
    for (i++; i < rseq.length && !rseq[i]!.startsWith('STEP '); i++) ops.push(rseq[i]!);
    const want = expectedOps(step);
    if (step.kind === 'wait') {
      assert.ok(ops.length >= want.length && ops.every((o) => o === want[0]), `${label}: wait ops`);
    } else assert.equal(ops.map(norm), want.map(norm), `${label}: ops of ${describeStep(step)}`);
  }
  assert.is(run.status, chk.status === 'skipped' ? run.status : chk.status, `${label}: status`);
  return shown.length;
}

let pki: Pki;
let httpServer: http.Server;
let tlsServer: tls.Server;
let httpPort = 0;
let tlsPort = 0;

test.before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-pip-'));
  bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // a stand-in systemctl: unit state in files under $dir/units
  writeFileSync(
    path.join(bin, 'systemctl'),
    `#!/bin/sh\nd=${dir}/units; mkdir -p "$d"\ncase $1 in\n` +
      `  is-active) cat "$d/$3.active" 2>/dev/null || echo inactive ;;\n` +
      `  is-enabled) cat "$d/$3.enabled" 2>/dev/null || echo disabled ;;\n` +
      `  show) echo LoadState=loaded ;;\n` +
      `  start|restart) echo active > "$d/$3.active" ;;\n  stop) echo inactive > "$d/$3.active" ;;\n` +
      `  enable) echo enabled > "$d/$3.enabled" ;;\n  daemon-reload) : ;;\nesac\n`,
  );
  writeFileSync(
    path.join(bin, 'kubectl'),
    `#!/bin/sh\ncase $1 in get) [ -e ${dir}/obj ] && echo deployment.apps/web; exit 0 ;;\n` +
      `create) touch ${dir}/obj; echo created ;; delete) rm -f ${dir}/obj; echo deleted ;;\n` +
      `diff) [ -e ${dir}/obj ] && exit 0; exit 1 ;; apply) touch ${dir}/obj; echo configured ;;\n` +
      `wait) echo 'condition met' ;; esac\n`,
  );
  installAccountStandins(dir);
  chmodSync(path.join(bin, 'systemctl'), 0o755);
  chmodSync(path.join(bin, 'kubectl'), 0o755);
  pki = makePki();
  pki.issue(`${OLD_SANS},IP:127.0.0.1`);
  httpServer = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.method === 'POST' ? 201 : 200).end('{"ok":true}'));
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  httpPort = (httpServer.address() as net.AddressInfo).port;
  const { readFileSync } = await import('node:fs');
  tlsServer = tls.createServer(
    {
      cert: readFileSync(path.join(pki.dir, 'server.crt')),
      key: readFileSync(path.join(pki.dir, 'server.key')),
    },
    (s) => s.end(),
  );
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tlsPort = (tlsServer.address() as net.AddressInfo).port;
});
test.after(async () => {
  await new Promise((r) => httpServer.close(r));
  await new Promise((r) => tlsServer.close(r));
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const p = (n: string) => path.join(dir, n);

/** [module, args, setup] — setup makes the state the case starts from. */
const cases = (): [keyof typeof modules, Record<string, unknown>, (() => void)?][] => [
  ['command', { _raw_params: 'echo hi' }],
  ['command', { argv: ['touch', p('made')], creates: p('made') }],
  ['command', { _raw_params: 'true', removes: p('nothing-*') }],
  ['shell', { _raw_params: 'echo a | tr a b', chdir: '/tmp', stdin: 'x' }],
  ['raw', { _raw_params: 'echo raw' }],
  ['copy', { content: 'hello\n', dest: p('c1'), mode: '0640' }],
  ['copy', { content: 'new\n', dest: p('c2'), backup: true }, () => writeFileSync(p('c2'), 'old\n')],
  ['copy', { content: 'same\n', dest: p('c3'), mode: '0600' }, () => writeFileSync(p('c3'), 'same\n')],
  [
    'template',
    { src: 'greeting.j2', dest: p('t1') },
    () => writeFileSync(p('greeting.j2'), 'hi {{ inventory_hostname }}\n'),
  ],
  ['file', { path: p('d1/sub'), state: 'directory', mode: '0750' }],
  ['file', { path: p('f1'), state: 'touch' }],
  ['file', { path: p('gone'), state: 'absent' }, () => mkdirSync(p('gone'), { recursive: true })],
  ['file', { path: p('l1'), src: p('f1'), state: 'link' }, () => symlinkSync('/etc', p('l1'))],
  ['lineinfile', { path: p('cfg'), line: 'a=1', regexp: '^a=' }, () => writeFileSync(p('cfg'), 'a=0\nb=2\n')],
  ['lineinfile', { path: p('cfg2'), line: 'x', create: true, backup: true }],
  [
    'replace',
    { path: p('rp'), regexp: '^(a)=0', replace: '\\1=1', backup: true },
    () => writeFileSync(p('rp'), 'a=0\n'),
  ],
  [
    'blockinfile',
    { path: p('bk'), block: 'x=1', insertafter: '^a', mode: '0600' },
    () => writeFileSync(p('bk'), 'a\nb\n'),
  ],
  ['blockinfile', { path: p('bk2'), block: 'y', create: true }],
  ['group', { name: 'web', gid: 1300 }],
  ['user', { name: 'svc', uid: 1700, group: 'web', groups: 'adm', shell: '/bin/false', password: '$6$x' }],
  ['user', { name: 'svc', shell: '/bin/sh', comment: 'Service' }],
  [
    'unit_flag',
    { path: p('dns.conf'), flag: '--cluster-dns', value: '10.254.0.10', section: 'Service', backup: true },
    () =>
      writeFileSync(p('dns.conf'), '# pods\n[Service]\nEnvironment="A=--cluster-dns=192.168.0.10 --x=1"\n'),
  ],
  [
    'kubeconfig_server',
    { path: p('kc'), server: 'https://192.168.0.1:6443', only_in: ['172.16.0.0/24'], backup: true },
    () =>
      writeFileSync(
        p('kc'),
        'clusters:\n- name: k  # main\n  cluster:\n    server: https://172.16.0.1:6443\n',
      ),
  ],
  ['package', { name: 'dpkg' }],
  ['apt', { name: ['dpkg', 'coreutils'], state: 'present' }],
  ['find', { paths: '/etc', patterns: 'host*' }],
  ['tempfile', { path: dir, suffix: '.tmp' }],
  ['cron', { name: 'sync', job: 'true', minute: '0', user: 'svc' }],
  ['cron', { name: 'sync', job: 'true', special_time: 'daily', cron_file: p('cronjobs'), user: 'root' }],
  ['pause', { seconds: 0.01 }],
  [
    'script',
    { _raw_params: `run.sh ${p('script-made')}`, creates: p('script-made') },
    () => writeFileSync(p('run.sh'), '#!/bin/sh\ntouch "$1"\n'),
  ],
  [
    'assemble',
    { src: p('frags'), dest: p('assembled'), delimiter: '#' },
    () => {
      mkdirSync(p('frags'), { recursive: true });
      writeFileSync(p('frags/a'), 'a\n');
      writeFileSync(p('frags/b'), 'b');
    },
  ],
  [
    'known_hosts',
    { name: 'web01', key: 'web01 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx1', path: p('known_hosts') },
  ],
  [
    'get_url',
    {
      url: 'HTTP/pkg.json',
      dest: p('got'),
      mode: '0600',
      checksum: 'sha1:022d91f218046ab2e61cac1eb13d6a718f75df2b',
    },
  ],
  ['get_url', { url: 'HTTP/pkg.json', dest: p('got2') }],
  [
    'unarchive',
    { src: p('app.tgz'), dest: p('unpacked'), list_files: true },
    () => {
      mkdirSync(p('tree/app'), { recursive: true });
      writeFileSync(p('tree/app/a.conf'), 'a=1\n');
      mkdirSync(p('unpacked'), { recursive: true });
      spawnSync('tar', ['-czf', p('app.tgz'), '-C', p('tree'), 'app']);
    },
  ],
  [
    'unarchive',
    { src: p('app.tgz'), dest: p('unpacked2'), remote_src: true },
    () => mkdirSync(p('unpacked2')),
  ],
  ['include_vars', { file: p('iv.yml'), name: 'loaded' }, () => writeFileSync(p('iv.yml'), 'a: 1\n')],
  ['service', { name: 'web.service', state: 'started', enabled: true, use: 'systemd' }],
  ['wait_for_connection', { timeout: 2 }],
  [
    'reboot',
    {
      boot_time_command: `cat BOOT`,
      reboot_command: `echo b2 > BOOT`,
      test_command: 'true',
      reboot_timeout: 10,
    },
    () => writeFileSync(p('boot_id'), 'b1\n'),
  ],
  ['stat', { path: '/etc/hostname' }],
  ['slurp', { src: '/etc/hostname' }],
  ['fetch', { src: '/etc/hostname', dest: p('fetched') }],
  ['systemd', { name: 'web.service', state: 'started', enabled: true, daemon_reload: true }],
  ['systemd', { name: 'web.service', state: 'restarted' }],
  ['wait_for', { path: '/etc/hostname', timeout: 2 }],
  ['uri', { url: `http://127.0.0.1:${0}/`, method: 'GET' }],
  ['uri', { url: 'POST', method: 'POST', body: { a: 1 }, body_format: 'json', status_code: 201 }],
  ['assert', { that: ['1 == 1'] }],
  ['debug', { msg: 'hi' }],
  ['set_fact', { x: 1 }],
  ['setup', { gather_subset: ['!all', 'network'], filter: 'ansible_*' }],
  ['add_host', { name: 'web9:2222', groups: 'dyn', color: 'blue' }],
  ['group_by', { key: 'os_linux', parents: 'by_os' }],
  ['set_stats', { data: { n: 1 }, per_host: true }],
  ['meta', { _raw_params: 'noop' }],
  ['kubectl', { state: 'create', src: '/m.yml' }],
  ['kubectl', { state: 'recreate', src: '/m.yml' }],
  ['kubectl', { state: 'apply', src: '/m.yml' }, () => rmSync(p('obj'), { force: true })],
  ['kubectl', { state: 'wait', kind: 'pod', name: 'web' }],
  ['x509_info', { path: 'PKI/server.crt', ca_path: 'PKI/ca.crt' }],
  ['x509_key_match', { cert: 'PKI/server.crt', key: 'PKI/server.key' }],
  ['x509_sans', { service_cidr: '10.254.0.0/24', node_ip: '192.168.0.1', path: 'PKI/server.crt' }],
  ['x509_reissue', { REISSUE: true }],
  [
    'unit_flag',
    { path: p('kubelet.conf'), flag: '--cluster-dns', value: '10.254.0.10', backup: true },
    () =>
      writeFileSync(
        p('kubelet.conf'),
        '[Service]\nExecStart=/usr/bin/kubelet --cluster-dns=172.16.0.10 --v=2\n',
      ),
  ],
  [
    'kubeconfig_server',
    { path: p('kubeconfig'), server: 'https://192.168.0.1:6443' },
    () =>
      writeFileSync(
        p('kubeconfig'),
        'apiVersion: v1\nkind: Config\nclusters:\n  - name: k\n    cluster:\n      server: https://172.16.0.1:6443\n',
      ),
  ],
  [
    'tls_check',
    { host: '127.0.0.1', port: 0, ca_file: 'PKI/ca.crt', verify_ip: '127.0.0.1', from: 'controller' },
  ],
  ['tls_check', { host: '127.0.0.1', port: 0, ca_file: 'PKI/ca.crt', verify_ip: '127.0.0.1' }],
];

test('every module: the steps --check shows are the steps a real run executes', async () => {
  let withSteps = 0;
  const covered = new Set<string>();
  for (const [name, raw0, setup] of cases()) {
    setup?.();
    let raw: Record<string, unknown> = JSON.parse(JSON.stringify(raw0).replaceAll('PKI/', `${pki.dir}/`));
    if (name === 'uri') raw = { ...raw, url: `http://127.0.0.1:${httpPort}/` };
    if (name === 'reboot') raw = JSON.parse(JSON.stringify(raw).replaceAll('BOOT', p('boot_id')));
    if (name === 'get_url')
      raw = JSON.parse(JSON.stringify(raw).replace('HTTP/', `http://127.0.0.1:${httpPort}/`));
    if (name === 'tls_check') raw = { ...raw, port: tlsPort };
    if (name === 'kubectl') raw = { ...raw, kubectl: path.join(bin, 'kubectl') };
    if (raw['REISSUE'])
      raw = reissueArgs(pki, { csr_template: path.resolve(__dirname, '../../templates/csr.conf.j2') });
    const n = await same(modules[name], raw, `${name} ${JSON.stringify(raw0)}`);
    if (n > 0) withSteps++;
    covered.add(name);
  }
  assert.ok(withSteps >= 25, `cases with steps: ${withSteps}`);
  // dnf: no rpm on this Debian machine (its plans are table-tested in package.test.ts)
  const missing = Object.keys(modules).filter((m) => !covered.has(m) && m !== 'fail' && m !== 'dnf');
  assert.equal(missing, [], 'every module has a case (fail always fails in plan)');
});

/** Fusable cases: [module, args, setup (the state both paths start from)]. */
const fusable = (): [keyof typeof modules, Record<string, unknown>, () => void][] => [
  ['command', { argv: ['touch', p('fx')], creates: p('fx') }, () => rmSync(p('fx'), { force: true })],
  ['command', { _raw_params: 'echo never', creates: p('fx*') }, () => writeFileSync(p('fx'), '')],
  ['shell', { _raw_params: 'echo hi; echo err >&2', removes: p('fy') }, () => writeFileSync(p('fy'), '')],
  ['shell', { _raw_params: 'echo skipped', removes: p('fy') }, () => rmSync(p('fy'), { force: true })],
  ['shell', { _raw_params: 'pwd; exit 3', chdir: '/etc', creates: p('nope') }, () => undefined],
  ['command', { _raw_params: 'true', chdir: p('no-such-dir'), creates: p('nope') }, () => undefined],
  ['shell', { cmd: 'echo $1 $g', creates: p('nope'), removes: '/etc/hostname' }, () => undefined],
  // command's words run in the exec's own shell after one guard: what they see is what two steps see
  ['command', { argv: ['printenv', 'g', 'run', 'c', 'x', 'r', 'f'], creates: p('nope') }, () => undefined],
  [
    'command',
    { argv: ['printenv', 'g', 'run', 'c', 'x', 'r', 'f'], removes: '/etc/hostname' },
    () => undefined,
  ],
  ['shell', { cmd: 'echo "$@" $#; printenv g run c x r f', removes: '/etc/host*' }, () => undefined],
  [
    'command',
    { argv: ['printenv', 'g', 'run', 'c', 'x', 'r', 'f'], creates: p('nope'), removes: '/etc/hostname' },
    () => undefined,
  ],
  ['command', { argv: ['printenv', 'g', 'run'], chdir: '/etc', creates: p('nope') }, () => undefined],
  ['command', { argv: ['shift'], removes: '/etc/hostname' }, () => undefined],
  ['command', { argv: ['exit', '4'], creates: p('nope') }, () => undefined],
  ['command', { argv: ['if', 'true'], creates: p('nope') }, () => undefined],
  ['command', { argv: ['FOO=1', 'printenv', 'FOO'], creates: p('nope') }, () => undefined],
  ['command', { argv: ['no-such-program-x', 'a b'], removes: '/etc/hostname' }, () => undefined],
  ['command', { argv: ['echo', 'never'], removes: p('fz*') }, () => undefined],
  [
    'command',
    { argv: ['echo', 'never'], creates: p('fl') },
    () => {
      rmSync(p('fl'), { force: true });
      symlinkSync('/nonexistent', p('fl'));
    },
  ],
  ['command', { argv: ['echo', 'ran'], creates: p('fm[12]') }, () => rmSync(p('fl'), { force: true })],
  [
    'file',
    { path: p('fd/a/b'), state: 'directory' },
    () => rmSync(p('fd'), { recursive: true, force: true }),
  ],
  ['file', { path: p('fd'), state: 'directory' }, () => mkdirSync(p('fd'), { recursive: true })],
  ['file', { path: p('ff'), state: 'directory' }, () => writeFileSync(p('ff'), '')],
  ['file', { path: '/proc/1/nope/x', state: 'directory' }, () => undefined],
];

const timeless = (r: Record<string, unknown>) => {
  const { start: _s, end: _e, delta: _d, ...rest } = r;
  return rest;
};

test('fused probe-and-apply (command/shell guards): same plan, status, result and error as two steps', async () => {
  for (const [name, raw, setup] of fusable()) {
    const outcome = async (noFusion: boolean) => {
      setup();
      const seq: string[] = [];
      const def = modules[name];
      try {
        const r = await runModuleCall(def, def.args.parse(raw), context(seq, noFusion), false);
        const changes = r.changes.map((c) => c.describe);
        return {
          status: r.status,
          changes,
          result: timeless(r.result),
          execs: seq.filter((l) => l.startsWith('T ')).length,
        };
      } catch (e) {
        return {
          error: String(e).replace(/\(exit \d+, \d+ ms\)/, ''),
          execs: seq.filter((l) => l.startsWith('T ')).length,
        };
      }
    };
    const two = await outcome(true);
    const one = await outcome(false);
    const { execs: e2, ...twoRest } = two;
    const { execs: e1, ...oneRest } = one;
    assert.equal(oneRest, twoRest, `${name} ${JSON.stringify(raw)}`);
    assert.is(e1, 1, 'the fused path is one exec');
    assert.ok(e2 >= 1);
  }
});

/** template without --diff, backup or attributes: a fused stat-and-upload; [args, setup, fused?]. */
const fusablePuts = (): [Record<string, unknown>, () => void, boolean][] => {
  const tpl = () => writeFileSync(p('fp.j2'), 'name = {{ inventory_hostname }}\n');
  const reset =
    (...more: (() => void)[]) =>
    () => {
      rmSync(p('fp'), { recursive: true, force: true });
      mkdirSync(p('fp'));
      tpl();
      for (const m of more) m();
    };
  return [
    [{ src: 'fp.j2', dest: p('fp/new') }, reset(), true],
    [{ src: 'fp.j2', dest: p('fp/same') }, reset(() => writeFileSync(p('fp/same'), 'name = kube01\n')), true],
    [{ src: 'fp.j2', dest: p('fp/old') }, reset(() => writeFileSync(p('fp/old'), 'name = old\n')), true],
    // a directory dest: the file inside it, by the template's name (missing, then different)
    [{ src: 'fp.j2', dest: p('fp/d') }, reset(() => mkdirSync(p('fp/d'))), true],
    [
      { src: 'fp.j2', dest: p('fp/d') },
      reset(
        () => mkdirSync(p('fp/d')),
        () => writeFileSync(p('fp/d/fp'), 'x\n'),
      ),
      true,
    ],
    // refused by the plan: not a regular file (a directory inside the directory dest), nothing written
    [{ src: 'fp.j2', dest: p('fp/d') }, reset(() => mkdirSync(p('fp/d/fp'), { recursive: true })), true],
    // a symlink dest is followed (as the probe's stat -L)
    [
      { src: 'fp.j2', dest: p('fp/link') },
      reset(
        () => writeFileSync(p('fp/target'), 'y\n'),
        () => symlinkSync(p('fp/target'), p('fp/link')),
      ),
      true,
    ],
    // the upload fails (no such directory): the same error as the two-step upload
    [{ src: 'fp.j2', dest: p('fp/missing-dir/x') }, reset(), true],
    // not fused: force false, backup, attributes
    [
      { src: 'fp.j2', dest: p('fp/old'), force: false },
      reset(() => writeFileSync(p('fp/old'), 'o\n')),
      false,
    ],
    [
      { src: 'fp.j2', dest: p('fp/old'), backup: true },
      reset(() => writeFileSync(p('fp/old'), 'o\n')),
      false,
    ],
    [{ src: 'fp.j2', dest: p('fp/m'), mode: '0600' }, reset(), false],
  ];
};

test('fused stat-and-upload (template): same plan, status, result, error and file as two steps', async () => {
  const def = modules['template'];
  for (const [raw, setup, fusable] of fusablePuts()) {
    const outcome = async (noFusion: boolean) => {
      setup();
      const seq: string[] = [];
      const dest = String(raw['dest']);
      const read = () => {
        for (const f of [dest, path.join(dest, 'fp'), p('fp/target')])
          try {
            return `${f}: ${readFileSync(f, 'utf8')}`;
          } catch {
            // not this one
          }
        return 'none';
      };
      try {
        const r = await runModuleCall(def, def.args.parse(raw), context(seq, noFusion, false), false);
        return {
          status: r.status,
          changes: r.changes.map((c) => c.describe),
          // a backup's name holds the time of day (to the second): the two runs may straddle one
          result: JSON.parse(JSON.stringify(r.result).replace(/\.\d+\.\d{4}-\d\d-\d\d@[\d:]+~/g, '.N.TIME~')),
          file: read(),
          execs: seq.filter((l) => l.startsWith('T ')).length,
        };
      } catch (e) {
        return {
          error: String(e).replace(/\(exit \d+, \d+ ms\)/, ''),
          file: read(),
          execs: seq.filter((l) => l.startsWith('T ')).length,
        };
      }
    };
    const two = await outcome(true);
    const one = await outcome(false);
    const { execs: e2, ...twoRest } = two;
    const { execs: e1, ...oneRest } = one;
    assert.equal(oneRest, twoRest, JSON.stringify(raw));
    if (fusable) assert.is(e1, 1, `the fused path is one exec: ${JSON.stringify(raw)}`);
    else assert.is(e1, e2, `not fused: ${JSON.stringify(raw)}`);
  }
  // the cases that write really wrote the rendered content
  fusablePuts()[0]![1]();
  await runModuleCall(
    def,
    def.args.parse({ src: 'fp.j2', dest: p('fp/new') }),
    context([], false, false),
    false,
  );
  assert.is(readFileSync(p('fp/new'), 'utf8'), 'name = kube01\n');
});

test('the stand-ins were really driven: a real run changed the state the check left alone', () => {
  const r = spawnSync(path.join(bin, 'systemctl'), ['is-active', '--', 'web.service'], { encoding: 'utf8' });
  assert.is(r.stdout.trim(), 'active');
});

test('fused command with one guard and no chdir: the words run in the exec shell, without a fork for the guard', () => {
  const script = (raw: Record<string, unknown>) => {
    const def = modules.command;
    const f = def.fused!(def.args.parse(raw) as never, {} as never);
    return f!.cmd.script;
  };
  const inline = script({ argv: ['touch', '/tmp/x y'], creates: '/tmp/x y' });
  assert.not.match(inline, /\/bin\/sh -c|\$\(|\(/, inline);
  assert.match(inline, /; touch '\/tmp\/x y'$/);
  // a reserved or assignment word first, both guards, or chdir: the command goes to a fresh sh
  for (const raw of [
    { argv: ['if', 'true'], creates: '/x' },
    { argv: ['A=1', 'env'], creates: '/x' },
    { argv: ['true'], creates: '/x', removes: '/y' },
    { argv: ['true'], creates: '/x', chdir: '/tmp' },
  ])
    assert.match(script(raw), /exec \/bin\/sh -c /, JSON.stringify(raw));
});

test.run();
