/** `gather_facts: true`: a small shell-based facts set in one exec (hostname, OS, kernel, addresses). */
import { script } from '../command';
import type { Vars } from '../inventory/types';

export const GATHER_SCRIPT = script(
  [
    'echo "@@hostname"; hostname 2>/dev/null || uname -n',
    'echo "@@fqdn"; hostname -f 2>/dev/null || hostname 2>/dev/null',
    'echo "@@uname"; uname -srm 2>/dev/null',
    'echo "@@os"; cat /etc/os-release 2>/dev/null',
    'echo "@@addr"; ip -o addr show 2>/dev/null || { echo "@@hostnameI"; hostname -I 2>/dev/null; }',
    'echo "@@end"',
  ].join('\n'),
);

function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const line of stdout.split('\n')) {
    const m = /^@@(\w+)$/.exec(line.trim());
    if (m) {
      cur = m[1]!;
      out.set(cur, []);
    } else if (cur) out.get(cur)!.push(line);
  }
  return out;
}

function unquote(v: string): string {
  const t = v.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

/** Parse the gather script's output into `ansible_facts` (keys without the `ansible_` prefix). */
export function parseGatheredFacts(stdout: string): Vars {
  const s = sections(stdout);
  const first = (k: string) => (s.get(k) ?? []).map((l) => l.trim()).find((l) => l !== '') ?? '';
  const hostname = first('hostname');
  const [system = '', kernel = '', machine = ''] = first('uname').split(/\s+/);
  const os: Record<string, string> = {};
  for (const line of s.get('os') ?? []) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) os[m[1]!] = unquote(m[2]!);
  }
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  const interfaces = new Set<string>();
  for (const line of s.get('addr') ?? []) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+([0-9a-fA-F.:]+)\//.exec(line.trim());
    if (!m) continue;
    interfaces.add(m[1]!);
    const addr = m[3]!;
    if (m[2] === 'inet') {
      if (!addr.startsWith('127.')) ipv4.push(addr);
    } else if (addr !== '::1' && !addr.toLowerCase().startsWith('fe80')) ipv6.push(addr);
  }
  for (const w of (s.get('hostnameI') ?? []).join(' ').split(/\s+/)) {
    if (!w) continue;
    (w.includes(':') ? ipv6 : ipv4).push(w);
  }
  const family = familyOf(os['ID'] ?? '', os['ID_LIKE'] ?? '');
  return {
    hostname: hostname.split('.')[0],
    nodename: hostname,
    fqdn: first('fqdn') || hostname,
    system,
    kernel,
    architecture: machine,
    distribution: os['NAME'] ? distributionName(os['ID'] ?? '', os['NAME']) : system,
    distribution_version: os['VERSION_ID'] ?? '',
    distribution_major_version: (os['VERSION_ID'] ?? '').split('.')[0] ?? '',
    distribution_release: os['VERSION_CODENAME'] ?? '',
    os_family: family,
    all_ipv4_addresses: ipv4,
    all_ipv6_addresses: ipv6,
    interfaces: [...interfaces],
    default_ipv4: ipv4.length ? { address: ipv4[0] } : {},
  };
}

function distributionName(id: string, name: string): string {
  const known: Record<string, string> = {
    debian: 'Debian',
    ubuntu: 'Ubuntu',
    centos: 'CentOS',
    rhel: 'RedHat',
    fedora: 'Fedora',
    rocky: 'Rocky',
    almalinux: 'AlmaLinux',
    alpine: 'Alpine',
    arch: 'Archlinux',
    opensuse: 'openSUSE',
    'opensuse-leap': 'openSUSE Leap',
  };
  return known[id] ?? name.split(' ')[0] ?? name;
}

function familyOf(id: string, like: string): string {
  const all = `${id} ${like}`;
  if (/debian|ubuntu/.test(all)) return 'Debian';
  if (/rhel|fedora|centos|rocky|alma/.test(all)) return 'RedHat';
  if (/suse/.test(all)) return 'Suse';
  if (/alpine/.test(all)) return 'Alpine';
  if (/arch/.test(all)) return 'Archlinux';
  return id || 'Linux';
}

/** The variables gathered facts set: `ansible_facts` plus every fact as `ansible_<name>`. */
export function factVars(facts: Vars): Vars {
  const out: Vars = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[`ansible_${k}`] = v;
  return out;
}
