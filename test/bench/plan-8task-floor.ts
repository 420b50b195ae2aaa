/**
 * The raw ssh2 floor for plan-8task.bench.ts: the 8 steps of fixtures/plan-8task/playbook.yml done by
 * hand, one connection per host, one exec per step (the template's content on the exec's stdin), the
 * host key checked against known_hosts, `forks` hosts at a time, at most 8 handshakes at once against
 * the one sshd (its default MaxStartups 10:30:100 drops more, as remediate's pool also respects). What a
 * minimal, careful script costs. With `"lockstep": true`, the same steps as Ansible's linear strategy runs
 * them: every host finishes a step before any starts the next (the connections made in the first step
 * stay open for the others).
 *
 * Run (by the benchmark): node -r tsx/cjs test/bench/plan-8task-floor.ts HOSTS_JSON
 *   HOSTS_JSON: {"hosts": ["h0001", ...], "host": "127.0.0.1", "port": 22, "user": "...", "key": "...",
 *                "knownHostsLine": "[127.0.0.1]:22 ssh-ed25519 AAAA...", "dir": "/tmp/...", "forks": 50}
 */
import * as fs from 'node:fs';
import { Client } from 'ssh2';

interface Spec {
  hosts: string[];
  host: string;
  port: number;
  user: string;
  key: string;
  knownHostsLine: string;
  dir: string;
  forks: number;
  /** Step by step across all hosts (Ansible's linear strategy) instead of host by host. */
  lockstep?: boolean;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function exec(c: Client, cmd: string, stdin?: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let stdout = '';
      ch.on('data', (d: Buffer) => (stdout += d.toString()));
      ch.stderr.on('data', () => undefined);
      ch.on('close', (code: number) => resolve({ code, stdout }));
      if (stdin !== undefined) ch.end(stdin);
      else ch.end();
    });
  });
}

let handshaking = 0;
const waiting: (() => void)[] = [];
async function handshakeSlot(): Promise<() => void> {
  if (handshaking < 8) handshaking++;
  else await new Promise<void>((r) => waiting.push(r));
  return () => {
    const next = waiting.shift();
    if (next) next();
    else handshaking--;
  };
}

/** The 8 steps on one host, as commands (the template's content goes on the 4th one's stdin). */
function steps(s: Spec, name: string): { cmd: string; stdin?: string }[] {
  const d = `${s.dir}/${name}`;
  const conf = `# rendered for ${name}\nlisten = 0.0.0.0:8080\nname = ${name}\n`;
  return [
    { cmd: `[ -d ${q(d)} ] || mkdir -p -- ${q(d)}` },
    { cmd: `[ -e ${q(d + '/marker')} ] || touch -- ${q(d + '/marker')}` },
    { cmd: 'cat /etc/hostname' },
    {
      cmd: `t=$(mktemp ${q(d + '/.conf.XXXXXX')}) && cat > "$t" && mv -f "$t" ${q(d + '/conf')}`,
      stdin: conf,
    },
    { cmd: `echo ${q(name)}` },
    { cmd: `stat -c '%s %a %U' -- ${q(d + '/conf')}` },
    { cmd: 'echo a | wc -c' },
    { cmd: `test -f ${q(d + '/conf')}` },
  ];
}

async function must(c: Client, name: string, step: { cmd: string; stdin?: string }): Promise<void> {
  const r = await exec(c, step.cmd, step.stdin);
  if (r.code !== 0) throw new Error(`${name}: ${step.cmd}: exit ${r.code}`);
}

async function connectHost(s: Spec, hostKey: string): Promise<Client> {
  const c = new Client();
  const release = await handshakeSlot();
  await new Promise<void>((resolve, reject) => {
    c.once('ready', resolve).once('error', reject);
    c.connect({
      host: s.host,
      port: s.port,
      username: s.user,
      privateKey: fs.readFileSync(s.key),
      hostVerifier: (key: Buffer) => key.toString('base64') === hostKey,
    });
    // Nagle off, as remediate does (design.md: 5 ms vs 53 ms per exec)
    c.setNoDelay(true);
  }).finally(release);
  return c;
}

async function oneHost(s: Spec, name: string, hostKey: string): Promise<void> {
  const c = await connectHost(s, hostKey);
  for (const step of steps(s, name)) await must(c, name, step);
  c.end();
}

/** `forks` workers over `items`, in order; failures counted, not thrown. */
async function pool<T>(items: T[], forks: number, fn: (x: T) => Promise<void>): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < items.length) {
      const x = items[next++]!;
      try {
        await fn(x);
      } catch (e) {
        failed++;
        console.error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(forks, items.length) }, worker));
  return failed;
}

/**
 * Lockstep (Ansible's linear strategy): every host finishes a step before any starts the next; the first
 * step connects each host, whose connection stays open for the later steps.
 */
async function lockstep(s: Spec, hostKey: string): Promise<number> {
  const conns = new Map<string, Client>();
  let live = s.hosts;
  for (let i = 0; i < 8; i++) {
    const failedHosts = new Set<string>();
    await pool(live, s.forks, async (name) => {
      try {
        if (i === 0) conns.set(name, await connectHost(s, hostKey));
        await must(conns.get(name)!, name, steps(s, name)[i]!);
      } catch (e) {
        failedHosts.add(name);
        throw e;
      }
    });
    live = live.filter((h) => !failedHosts.has(h));
  }
  for (const c of conns.values()) c.end();
  return s.hosts.length - live.length;
}

async function main(): Promise<void> {
  const s: Spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
  const hostKey = s.knownHostsLine.trim().split(/\s+/)[2]!;
  const failed = s.lockstep
    ? await lockstep(s, hostKey)
    : await pool(s.hosts, s.forks, (name) => oneHost(s, name, hostKey));
  console.log(
    `floor${s.lockstep ? ' (lockstep)' : ''}: ${s.hosts.length - failed}/${s.hosts.length} hosts done`,
  );
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
