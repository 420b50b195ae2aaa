/**
 * The raw ssh2 floor for plan-8task.bench.ts: the 8 steps of fixtures/plan-8task/playbook.yml done by
 * hand, one connection per host, one exec per step (the template's content on the exec's stdin), the
 * host key checked against known_hosts, `forks` hosts at a time, at most 8 handshakes at once against
 * the one sshd (its default MaxStartups 10:30:100 drops more, as remediate's pool also respects). What a
 * minimal, careful script costs.
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

async function oneHost(s: Spec, name: string, hostKey: string): Promise<void> {
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
  const d = `${s.dir}/${name}`;
  const must = async (cmd: string, stdin?: string) => {
    const r = await exec(c, cmd, stdin);
    if (r.code !== 0) throw new Error(`${name}: ${cmd}: exit ${r.code}`);
    return r;
  };
  await must(`[ -d ${q(d)} ] || mkdir -p -- ${q(d)}`);
  await must(`[ -e ${q(d + '/marker')} ] || touch -- ${q(d + '/marker')}`);
  await must('cat /etc/hostname');
  const conf = `# rendered for ${name}\nlisten = 0.0.0.0:8080\nname = ${name}\n`;
  await must(`t=$(mktemp ${q(d + '/.conf.XXXXXX')}) && cat > "$t" && mv -f "$t" ${q(d + '/conf')}`, conf);
  await must(`echo ${q(name)}`);
  await must(`stat -c '%s %a %U' -- ${q(d + '/conf')}`);
  await must('echo a | wc -c');
  await must(`test -f ${q(d + '/conf')}`);
  c.end();
}

async function main(): Promise<void> {
  const s: Spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
  const hostKey = s.knownHostsLine.trim().split(/\s+/)[2]!;
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < s.hosts.length) {
      const name = s.hosts[next++]!;
      try {
        await oneHost(s, name, hostKey);
      } catch (e) {
        failed++;
        console.error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.forks, s.hosts.length) }, worker));
  console.log(`floor: ${s.hosts.length - failed}/${s.hosts.length} hosts done`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
