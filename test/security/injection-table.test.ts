/**
 * Injection table, every module × every string argument (found from the args schemas, so a new argument is
 * covered without editing this file) × hostile values: quotes, `;`, `$()`, backticks and a newline in one
 * value, a bare `$(...)`, and a leading dash. Each case runs the module for real on the local transport
 * inside a temp dir (probe + plan, and apply for the modules that only touch files there). Nothing may
 * escape into a shell (a canary file would appear) and no value may land as an option of another program:
 * a word `--help` in a command that ran or was planned must follow a `--` end-of-options marker.
 * Free-form shell by design (`shell`/`raw` commands, `executable`, kubectl's `kubectl` binary) is excluded.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { modules } from '../../src/modules/index';
import { shellWords } from '../../src/modules/shell-words';
import { makeContext, runModule } from '../modules/context';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'inject-')));
const CANARY = path.join(dir, 'CANARY');
const DASH = '--help';
export const PAYLOADS = [
  `x'"; touch ${CANARY}; $(touch ${CANARY}) \`touch ${CANARY}\`\ntouch ${CANARY} #`,
  `$(touch ${CANARY})`,
  DASH,
];

/** Arguments that are shell or a program by design. */
const BY_DESIGN: Record<string, string[]> = {
  shell: ['_raw_params', 'cmd', 'executable'],
  raw: ['_raw_params', 'executable'],
  command: ['_raw_params', 'cmd', 'argv'], // the command's own words: passed as words, checked below apart
  kubectl: ['kubectl'],
  meta: ['_raw_params'],
  unarchive: ['extra_opts'], // options for tar/unzip by design, as in Ansible
  reboot: ['test_command', 'boot_time_command', 'reboot_command'], // shell by design, as in Ansible
  // the script and its arguments are a command line (Ansible runs them through a shell); the job is cron's
  script: ['_raw_params', 'cmd', 'executable'],
  cron: ['job'],
};
/** Modules whose apply only touches the temp dir: run for real, not just probed and planned. */
const APPLY = new Set([
  'copy',
  'file',
  'lineinfile',
  'template',
  'fetch',
  'stat',
  'slurp',
  'command',
  'unit_flag',
  'kubeconfig_server',
  'replace',
  'blockinfile',
  'unarchive',
  'include_vars',
  'find',
  'tempfile',
  'cron',
  'pause',
  'script',
  'assemble',
  'known_hosts',
]);
/** Modules with no argument that reaches a target (controller-side or runner keywords). */
const NOTHING_TO_INJECT = ['set_fact', 'fail', 'meta', 'wait_for_connection', 'set_stats'];

fs.writeFileSync(path.join(dir, 'in.txt'), 'hello\n');
fs.writeFileSync(path.join(dir, 'tpl.j2'), 'v={{ 1 }}\n');
fs.writeFileSync(path.join(dir, 'vars.yml'), 'a: 1\n');
fs.mkdirSync(path.join(dir, 'unpacked'));
spawnSync('tar', ['-czf', path.join(dir, 'in.tgz'), '-C', dir, 'in.txt']);
fs.writeFileSync(path.join(dir, 'script.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
fs.mkdirSync(path.join(dir, 'frags'));
fs.writeFileSync(path.join(dir, 'frags', '01-a'), 'a\n');
fs.writeFileSync(path.join(dir, 'frags', '02-b'), 'b\n');
const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx1bGx5LWZha2Uta2V5LWZvci10ZXN0aW5nLW9ubHk';
const UNIT = '[Service]\nExecStart=/usr/bin/kubelet --cluster-dns=10.0.0.10 --v=2\n';
const KUBECONFIG =
  'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://172.16.0.1:6443\n';
const base: Record<string, Record<string, unknown>> = {
  command: { argv: ['true'] },
  shell: { cmd: 'true' },
  raw: { _raw_params: 'true' },
  copy: { content: 'x\n', dest: `${dir}/copy.txt` },
  template: { src: `${dir}/tpl.j2`, dest: `${dir}/t.txt` },
  file: { path: `${dir}/f.txt`, state: 'touch' },
  stat: { path: `${dir}/in.txt` },
  lineinfile: { path: `${dir}/l.txt`, line: 'a', create: true },
  slurp: { src: `${dir}/in.txt` },
  fetch: { src: `${dir}/in.txt`, dest: `${dir}/fetched/` },
  systemd: { name: 'remediate-no-such-unit.service', state: 'started' },
  wait_for: { path: `${dir}/in.txt`, timeout: 1 },
  uri: { url: 'http://127.0.0.1:9/' },
  assert: { that: ['true'] },
  debug: { msg: 'x' },
  x509_info: { path: `${dir}/in.txt` },
  x509_key_match: { cert: `${dir}/in.txt`, key: `${dir}/in.txt` },
  x509_sans: { path: `${dir}/in.txt`, service_cidr: '10.254.0.0/24', node_ip: '192.168.0.1', hostname: 'k' },
  x509_reissue: {
    cert: `${dir}/in.txt`,
    key: `${dir}/in.txt`,
    ca_cert: `${dir}/in.txt`,
    ca_key: `${dir}/in.txt`,
    service_cidr: '10.254.0.0/24',
    node_ip: '192.168.0.1',
    hostname: 'k',
  },
  tls_check: { host: '127.0.0.1', port: 9, timeout: 1 },
  kubectl: { state: 'delete', kind: 'pod', name: 'p' },
  unit_flag: {
    path: `${dir}/kubelet.service`,
    flag: '--cluster-dns',
    value: '10.254.0.10',
    section: 'Service',
  },
  kubeconfig_server: { path: `${dir}/kubeconfig`, server: 'https://192.168.0.1:6443' },
  replace: { path: `${dir}/kubelet.service`, regexp: '10\\.0\\.0\\.10', replace: '10.254.0.10' },
  blockinfile: { path: `${dir}/block.txt`, block: 'x', create: true },
  get_url: { url: 'http://127.0.0.1:9/x', dest: `${dir}/got.txt` },
  unarchive: { src: `${dir}/in.tgz`, dest: `${dir}/unpacked`, remote_src: true },
  include_vars: { file: `${dir}/vars.yml` },
  reboot: { boot_time_command: 'echo boot-1' },
  service: { name: 'remediate-no-such-service', state: 'started', enabled: true },
  // accounts and packages: probe and plan only (never applied here); names nothing on this machine has
  user: { name: 'rmt-inject-user', comment: 'c', home: `${dir}/home`, shell: '/bin/sh', group: 'root' },
  group: { name: 'rmt-inject-group' },
  package: { name: 'rmt-inject-no-such-package' },
  apt: { name: 'rmt-inject-no-such-package' },
  dnf: { name: 'rmt-inject-no-such-package' },
  find: { paths: dir, patterns: ['*.txt'], contains: 'x' },
  tempfile: { path: dir, prefix: 'tmp.', suffix: '.x' },
  cron: { name: 'job', job: 'true', minute: '5', cron_file: `${dir}/cron.txt`, user: 'root' },
  pause: { seconds: 0, prompt: 'p' },
  script: { cmd: `${dir}/script.sh`, chdir: dir, creates: `${dir}/no-such-file` },
  assemble: { src: `${dir}/frags`, dest: `${dir}/assembled.txt`, delimiter: '#' },
  known_hosts: { name: 'h.example', key: `h.example ${HOST_KEY}`, path: `${dir}/known_hosts` },
  setup: { gather_subset: 'min' },
  add_host: { name: 'web9', groups: 'dyn' },
  group_by: { key: 'os_linux' },
};

/** The string arguments of a module, from its zod schema (input side). */
function stringArgs(def: { args: unknown }): string[] {
  const js = z.toJSONSchema(def.args as z.ZodType, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
  };
  return Object.entries(js.properties ?? {})
    .filter(([, p]) => JSON.stringify(p).includes('"string"'))
    .map(([k]) => k);
}

/** The shell text of every exec in planned steps (waits included). */
function displays(steps: readonly unknown[] | undefined): string[] {
  const out: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 4) return;
    const o = v as { kind?: string; display?: unknown };
    if (o.kind === 'exec' && typeof o.display === 'string') out.push(o.display);
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  for (const s of steps ?? []) walk(s, 0);
  return out;
}

/**
 * Words after which `--help` is not an option: operands of `test`/`[`, redirections, `for x in`, and the
 * value of an option that takes one (`openssl -in F`, `kubectl -n NS`: the next word is the value).
 */
const VALUE_BEFORE = new Set(
  ['-e', '-f', '-L', '-d', '-r', '-s', '-h', '<', '>', '>>', 'in'].concat(
    ['-in', '-out', '-CAfile', '-CA', '-CAkey', '-key', '-config', '-extfile', '-passin', '-connect'],
    ['-n', '--namespace', '--kubeconfig', '-l', '--selector', '-o', '-c', '-f'],
  ),
);

/** `sh -c SCRIPT NAME`: NAME (word i) is the script's $0, not an option of sh. */
function shellName(words: string[], i: number): boolean {
  return words[i - 2] === '-c' && /(^|\/)(ba|da)?sh$/.test(words[i - 3] ?? '');
}

/** A `--help` word taken as an option: not after `--` in its command, not the value of an option. */
export function dashHole(display: string): boolean {
  let words: string[];
  try {
    words = shellWords(display.replace(/\s*(;|&&|\|\||\|)\s+/g, ' ; '));
  } catch {
    return false;
  }
  let ended = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === ';') ended = false;
    else if (w === '--') ended = true;
    else if (w === DASH && !ended && !VALUE_BEFORE.has(words[i - 1] ?? '') && !shellName(words, i))
      return true;
  }
  return false;
}

interface Case {
  module: string;
  arg: string;
  payload: string;
}
const cases: Case[] = [];
for (const [name, def] of Object.entries(modules)) {
  if (!base[name]) continue;
  for (const arg of stringArgs(def)) {
    if (BY_DESIGN[name]?.includes(arg)) continue;
    for (const payload of PAYLOADS) cases.push({ module: name, arg, payload });
  }
}
// the words of `command` are passed to the program as they are, but never through a shell
for (const payload of PAYLOADS.slice(0, 2)) cases.push({ module: 'command', arg: 'argv', payload });

const holes: string[] = [];
const prevCwd = process.cwd();

test.before(() => process.chdir(dir));
test.after(() => {
  process.chdir(prevCwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every registered module is in the table (or has nothing that reaches a target)', () => {
  assert.equal(
    Object.keys(modules).filter((m) => !base[m] && !NOTHING_TO_INJECT.includes(m)),
    [],
    'add base arguments for the new module to this table',
  );
});

test(`every module × string argument × hostile value (${cases.length} cases): nothing reaches a shell`, async () => {
  for (const c of cases) {
    const def = (modules as Record<string, (typeof modules)[keyof typeof modules]>)[c.module]!;
    const args =
      c.module === 'command' && c.arg === 'argv'
        ? { argv: ['echo', c.payload] }
        : { ...base[c.module], [c.arg]: c.payload };
    // the files the file-editing modules change start the same for every case
    fs.writeFileSync(path.join(dir, 'kubelet.service'), UNIT);
    fs.writeFileSync(path.join(dir, 'kubeconfig'), KUBECONFIG);
    for (const check of APPLY.has(c.module) ? [true, false] : [true]) {
      const ctx = makeContext({ check, diff: true });
      let planned: string[] = [];
      try {
        const out = await Promise.race([
          runModule(def, args, ctx),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 15_000)),
        ]);
        planned = displays([
          ...out.plan.changes.flatMap((ch) => ch.steps),
          ...(out.plan.prelude ?? []),
          ...(out.plan.observe ?? []),
        ]);
      } catch {
        // refused or failed: fine, as long as nothing escaped
      }
      const where = `${c.module} ${c.arg}=${JSON.stringify(c.payload)}${check ? ' (check)' : ''}`;
      if (fs.existsSync(CANARY)) {
        fs.rmSync(CANARY);
        holes.push(`shell injection: ${where}`);
      }
      if (c.payload === DASH && !(c.module === 'command' && c.arg === 'argv'))
        for (const d of [...ctx.execs, ...planned])
          if (dashHole(d)) holes.push(`option injection: ${where}: ${d}`);
    }
  }
  assert.equal([...new Set(holes)], []);
});

test('the option detector finds what it looks for', () => {
  assert.ok(dashHole('chown --help /x'));
  assert.ok(dashHole('cat --help'));
  assert.ok(dashHole('stat -c x -- /a; chown --help /x'));
  assert.ok(dashHole('kubectl get --help p'));
  assert.not.ok(dashHole('chown -- --help /x'));
  assert.not.ok(dashHole('test -e --help || exit 3; cat -- --help'));
  assert.not.ok(dashHole('openssl pkey -in --help -pubout'));
  assert.not.ok(dashHole('kubectl -n --help get pod p'));
  assert.not.ok(dashHole(`xargs -0 sh -c 'grep -e "$0" -- "$@"' --help`), 'sh -c SCRIPT NAME: NAME is $0');
  assert.ok(dashHole('cd --help; ls'));
});

test.run();
