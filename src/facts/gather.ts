/**
 * `gather_facts: true` and the `setup` module: Ansible's usual `ansible_*` facts, as far as a POSIX shell
 * reads them, in one exec (no Python on the target: there is no `ansible_python`). The script prints
 * sections between `@@name` markers; `parseGatheredFacts` turns them into facts with Ansible's names and
 * shapes (test/facts/golden/setup-shapes.json records those of a real `ansible -m setup`).
 */
import { script } from '../command';
import type { Vars } from '../inventory/types';

export const GATHER_SCRIPT = script(
  [
    'echo "@@hostname"; hostname 2>/dev/null || uname -n',
    'echo "@@fqdn"; hostname -f 2>/dev/null || hostname 2>/dev/null',
    'echo "@@uname"; uname -srm 2>/dev/null',
    'echo "@@kernel_version"; uname -v 2>/dev/null',
    'echo "@@os"; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
    'echo "@@debian_version"; cat /etc/debian_version 2>/dev/null',
    'echo "@@lsb"; lsb_release -a 2>/dev/null || cat /etc/lsb-release 2>/dev/null',
    'echo "@@user"; id -un 2>/dev/null; id -u 2>/dev/null; id -g 2>/dev/null; id -ru 2>/dev/null; id -rg 2>/dev/null',
    'echo "@@passwd"; getent passwd "$(id -un 2>/dev/null)" 2>/dev/null || grep "^$(id -un 2>/dev/null):" /etc/passwd 2>/dev/null',
    'echo "@@env"; env',
    'echo "@@link"; ip -o link show 2>/dev/null',
    'echo "@@addr"; ip -o addr show 2>/dev/null || { echo "@@hostnameI"; hostname -I 2>/dev/null; }',
    'echo "@@route4"; ip -4 route get 8.8.8.8 2>/dev/null',
    'echo "@@route6"; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null',
    // the mounts Ansible lists (a device path or a network source, not fstype none), then one stat -f for all
    'echo "@@mounts"; set --',
    'while read -r dev mnt fs opts rest; do',
    '  case "$dev" in /*|\\\\*|*:/*) ;; *) continue ;; esac',
    '  [ "$fs" = none ] && continue',
    '  printf \'%s %s %s %s\\n\' "$dev" "$mnt" "$fs" "$opts"; set -- "$@" "$mnt"',
    'done < /proc/mounts 2>/dev/null',
    'echo "@@statfs"; [ $# -gt 0 ] && stat -f -c \'%S %b %a %c %d %s %n\' -- "$@" 2>/dev/null',
    'echo "@@meminfo"; cat /proc/meminfo 2>/dev/null',
    'echo "@@cpuinfo"; cat /proc/cpuinfo 2>/dev/null',
    'echo "@@nproc"; nproc 2>/dev/null',
    'echo "@@date"; date "+%Y|%m|%d|%H|%M|%S|%s|%Z|%z|%A|%w|%W|%u|%N" 2>/dev/null',
    'echo "@@utc"; date -u "+%Y-%m-%dT%H:%M:%S|%Y%m%dT%H%M%S" 2>/dev/null',
    'echo "@@init"; cat /proc/1/comm 2>/dev/null',
    'echo "@@systemd"; [ -d /run/systemd/system ] && echo yes',
    'echo "@@pkg"; for p in apt-get dnf yum zypper apk pacman pkg; do command -v "$p" >/dev/null 2>&1 && echo "$p"; done',
    'echo "@@uptime"; cat /proc/uptime 2>/dev/null',
    'echo "@@machine_id"; cat /etc/machine-id 2>/dev/null',
    'echo "@@resolv"; cat /etc/resolv.conf 2>/dev/null',
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

/** `ansible_<iface>` as Ansible names it: `-` and `:` become `_`. */
export function ifaceFactName(dev: string): string {
  return dev.replace(/[-:.]/g, '_');
}

function ipv4Netmask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function ipv4Network(addr: string, prefix: number): string {
  const parts = addr.split('.').map(Number);
  const mask = ipv4Netmask(prefix).split('.').map(Number);
  return parts.map((p, i) => p & mask[i]!).join('.');
}

interface Iface {
  device: string;
  active: boolean;
  promisc: boolean;
  type: string;
  mtu?: number;
  macaddress?: string;
  ipv4?: Vars;
  ipv4_secondaries?: Vars[];
  ipv6?: Vars[];
}

/** `ip -o link show` and `ip -o addr show` into Ansible's per-interface facts. */
function parseInterfaces(link: string[], addr: string[]): Map<string, Iface> {
  const ifaces = new Map<string, Iface>();
  const get = (dev: string) => {
    let i = ifaces.get(dev);
    if (!i) ifaces.set(dev, (i = { device: dev, active: false, promisc: false, type: 'unknown' }));
    return i;
  };
  for (const line of link) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>(.*)$/.exec(line.trim());
    if (!m) continue;
    const i = get(m[1]!);
    const flags = m[2]!.split(',');
    i.active = flags.includes('UP');
    i.promisc = flags.includes('PROMISC');
    const mtu = /\bmtu (\d+)/.exec(m[3]!);
    if (mtu) i.mtu = Number(mtu[1]);
    const l = /link\/(\S+)(?:\s+([0-9a-f:]{17}))?/.exec(m[3]!);
    if (l) {
      i.type =
        l[1] === 'ether'
          ? 'ether'
          : l[1] === 'loopback'
            ? 'loopback'
            : l[1] === 'none'
              ? 'tunnel'
              : 'unknown';
      if (l[2] && l[1] !== 'loopback') i.macaddress = l[2];
    }
  }
  for (const line of addr) {
    const m = /^\d+:\s+([^\s@]+)\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)(.*)$/.exec(line.trim());
    if (!m) continue;
    const i = get(m[1]!);
    const [, , family, address, p, rest] = m;
    const prefix = Number(p);
    const scope = /\bscope (\w+)/.exec(rest!)?.[1] ?? 'global';
    if (family === 'inet') {
      const brd = /\bbrd ([0-9.]+)/.exec(rest!)?.[1] ?? '';
      const v4: Vars = {
        address,
        broadcast: brd,
        netmask: ipv4Netmask(prefix),
        network: ipv4Network(address!, prefix),
        prefix: String(prefix),
      };
      if (!i.ipv4) i.ipv4 = v4;
      else (i.ipv4_secondaries ??= []).push(v4);
    } else (i.ipv6 ??= []).push({ address, prefix: String(prefix), scope });
  }
  return ifaces;
}

/** `ip route get`: the interface, source address and gateway of the default route. */
function parseRoute(lines: string[]): { interface?: string; address?: string; gateway?: string } {
  const text = lines.join(' ');
  const dev = /\bdev (\S+)/.exec(text)?.[1];
  const src = /\bsrc (\S+)/.exec(text)?.[1];
  const via = /\bvia (\S+)/.exec(text)?.[1];
  return {
    ...(dev ? { interface: dev } : {}),
    ...(src ? { address: src } : {}),
    ...(via ? { gateway: via } : {}),
  };
}

/** /proc/cpuinfo as Ansible's LinuxHardware.get_cpu_facts counts it (sockets, cores, threads). */
function parseCpu(lines: string[], arch: string, nproc: string): Vars {
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let physid = '';
  let coreid = '';
  let i = 0;
  let vendor = 0;
  let model = 0;
  let procs = 0;
  for (const line of lines) {
    const at = line.indexOf(':');
    const key = (at < 0 ? line : line.slice(0, at)).trim();
    const val = at < 0 ? '' : line.slice(at + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendor++;
      if (key === 'model name') model++;
      if (key === 'processor') procs++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(val));
    else if (key === 'siblings') cores.set(coreid, Number(val));
  }
  if (processor.length === 0) return {};
  if (vendor > 0 && vendor === model) i = vendor;
  if (/^(armv|aarch|ppc)/.test(arch)) i = procs;
  const count = sockets.size ? sockets.size : i;
  const sv = [...sockets.values()];
  const processorCores = sv.length && sv[0] ? sv[0] : 1;
  const cv = [...cores.values()];
  const threads = cv.length ? Math.floor(cv[0]! / processorCores) : Math.floor(1 / processorCores);
  const n = Number(nproc.trim());
  return {
    processor,
    processor_count: count,
    processor_cores: processorCores,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * processorCores,
    processor_nproc: Number.isInteger(n) && n > 0 ? n : procs,
  };
}

/** /proc/mounts lines (device, mount point, fstype, options) and `stat -f` of each mount point. */
function parseMounts(lines: string[], statfs: string[]): Vars[] {
  const octal = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const sizes = new Map<string, number[]>();
  for (const line of statfs) {
    const m = /^(\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (.*)$/.exec(line);
    if (m) sizes.set(m[7]!, m.slice(1, 7).map(Number));
  }
  const out: Vars[] = [];
  for (const line of lines) {
    const w = line.trim().split(/\s+/);
    if (w.length < 4) continue;
    const m: Vars = { mount: octal(w[1]!), device: octal(w[0]!), fstype: w[2]!, options: w[3]! };
    const st = sizes.get(w[1]!);
    if (st) {
      const [frsize, blocks, bavail, files, ffree, bsize] = st as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      Object.assign(m, {
        size_total: frsize * blocks,
        size_available: frsize * bavail,
        block_size: bsize,
        block_total: blocks,
        block_available: bavail,
        block_used: blocks - bavail,
        inode_total: files,
        inode_available: ffree,
        inode_used: files - ffree,
      });
    }
    out.push(m);
  }
  return out;
}

function parseDate(date: string, utc: string): Vars {
  const d = date.split('|');
  if (d.length < 13) return {};
  const [year, month, day, hour, minute, second, epoch, tz, tzOffset, weekday, wday, weeknumber] =
    d as string[];
  const [iso, isoBasic] = utc.split('|');
  const nanos = d[13] && /^\d+$/.test(d[13]) ? d[13] : '000000000';
  const micro = nanos.slice(0, 6);
  return {
    year,
    month,
    weekday,
    weekday_number: wday,
    weeknumber,
    day,
    hour,
    minute,
    second,
    epoch,
    epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${iso}.${micro}Z`,
    iso8601: `${iso}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: isoBasic ?? `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_dst: tz,
    tz_offset: tzOffset,
  };
}

function parseEnv(lines: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  let last: string | undefined;
  for (const line of lines) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[(last = m[1]!)] = m[2]!;
    else if (last !== undefined) env[last] += `\n${line}`;
  }
  if (last !== undefined) env[last] = env[last]!.replace(/\n+$/, '');
  return env;
}

function parseLsb(lines: string[]): Vars {
  const lsb: Vars = {};
  for (const line of lines) {
    const m = /^([^:=]+)[:=]\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const [k, v] = [m[1]!.trim(), unquote(m[2]!)];
    if (k === 'Distributor ID' || k === 'DISTRIB_ID') lsb['id'] = v;
    else if (k === 'Release' || k === 'DISTRIB_RELEASE') lsb['release'] = v;
    else if (k === 'Codename' || k === 'DISTRIB_CODENAME') lsb['codename'] = v;
    else if (k === 'Description' || k === 'DISTRIB_DESCRIPTION') lsb['description'] = v;
  }
  if (typeof lsb['release'] === 'string') lsb['major_release'] = lsb['release'].split('.')[0];
  return lsb;
}

/** Ansible's service_mgr: PID 1's name, systemd when it manages the host, else the generic `service`. */
function serviceMgr(init: string, systemd: boolean): string {
  const comm = init.trim();
  if (comm === 'systemd' || systemd) return 'systemd';
  if (comm === 'runit' || comm === 'runit-init') return 'runit';
  if (comm === 'openrc-init') return 'openrc';
  if (comm && comm !== 'init' && !comm.endsWith('sh') && comm !== 'COMMAND') return comm;
  return 'service';
}

function pkgMgr(found: string[], family: string): string {
  const has = new Set(found.map((l) => l.trim()).filter(Boolean));
  if (has.has('apt-get')) return 'apt';
  if (has.has('dnf')) return 'dnf';
  if (has.has('yum')) return 'yum';
  if (has.has('zypper')) return 'zypper';
  if (has.has('apk')) return 'apk';
  if (has.has('pacman')) return 'pacman';
  if (has.has('pkg')) return 'pkgng';
  return family === 'Debian' ? 'apt' : 'unknown';
}

/** Parse the gather script's output into `ansible_facts` (keys without the `ansible_` prefix). */
export function parseGatheredFacts(stdout: string): Vars {
  const s = sections(stdout);
  const lines = (k: string) => s.get(k) ?? [];
  const first = (k: string) =>
    lines(k)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  const hostname = first('hostname');
  const [system = '', kernel = '', machine = ''] = first('uname').split(/\s+/);
  const os: Record<string, string> = {};
  for (const line of lines('os')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) os[m[1]!] = unquote(m[2]!);
  }
  const ifaces = parseInterfaces(lines('link'), lines('addr'));
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  for (const i of ifaces.values()) {
    for (const a of [...(i.ipv4 ? [i.ipv4] : []), ...(i.ipv4_secondaries ?? [])]) {
      const address = String(a['address']);
      if (!address.startsWith('127.')) ipv4.push(address);
    }
    for (const a of i.ipv6 ?? []) if (a['address'] !== '::1') ipv6.push(String(a['address']));
  }
  for (const w of lines('hostnameI').join(' ').split(/\s+/)) {
    if (!w) continue;
    (w.includes(':') ? ipv6 : ipv4).push(w);
  }
  const family = familyOf(os['ID'] ?? '', os['ID_LIKE'] ?? '');
  // Debian's point release is in /etc/debian_version (12.11), not os-release (12), as Ansible reads it
  const debian = first('debian_version');
  const version = os['ID'] === 'debian' && /^\d+(\.\d+)+$/.test(debian) ? debian : (os['VERSION_ID'] ?? '');
  const fqdn = first('fqdn') || hostname;
  const facts: Vars = {
    hostname: hostname.split('.')[0],
    nodename: hostname,
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    system,
    kernel,
    kernel_version: first('kernel_version'),
    machine,
    architecture: machine,
    distribution: os['NAME'] ? distributionName(os['ID'] ?? '', os['NAME']) : system,
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_minor_version: version.split('.')[1] ?? '',
    distribution_release: os['VERSION_CODENAME'] ?? '',
    os_family: family,
    all_ipv4_addresses: ipv4,
    all_ipv6_addresses: ipv6,
    interfaces: [...ifaces.keys()],
  };
  if (ifaces.size === 0 && ipv4.length) facts['default_ipv4'] = { address: ipv4[0] };
  for (const i of ifaces.values()) facts[ifaceFactName(i.device)] = { ...i };
  for (const [fam, key] of [
    ['ipv4', 'route4'],
    ['ipv6', 'route6'],
  ] as const) {
    const r = parseRoute(lines(key));
    const i = r.interface ? ifaces.get(r.interface) : undefined;
    if (!r.interface) {
      if (!facts[`default_${fam}`]) facts[`default_${fam}`] = {};
      continue;
    }
    const base: Vars = { interface: r.interface, ...(r.address ? { address: r.address } : {}) };
    if (r.gateway) base['gateway'] = r.gateway;
    if (i) {
      if (fam === 'ipv4') {
        const own =
          [...(i.ipv4 ? [i.ipv4] : []), ...(i.ipv4_secondaries ?? [])].find(
            (a) => a['address'] === r.address,
          ) ?? i.ipv4;
        Object.assign(base, own ?? {}, { alias: i.device });
      } else {
        const own = (i.ipv6 ?? []).find((a) => a['address'] === r.address);
        Object.assign(base, own ?? {});
      }
      if (i.macaddress) base['macaddress'] = i.macaddress;
      if (i.mtu !== undefined) base['mtu'] = i.mtu;
      base['type'] = i.type;
    }
    facts[`default_${fam}`] = base;
  }
  const user = lines('user').map((l) => l.trim());
  if (user[0]) {
    facts['user_id'] = user[0];
    const pw = first('passwd').split(':');
    if (pw.length >= 7) {
      facts['user_uid'] = Number(pw[2]);
      facts['user_gid'] = Number(pw[3]);
      facts['user_gecos'] = pw[4];
      facts['user_dir'] = pw[5];
      facts['user_shell'] = pw[6];
    }
    if (user[1]) facts['effective_user_id'] = Number(user[1]);
    if (user[2]) facts['effective_group_id'] = Number(user[2]);
    if (user[3]) facts['real_user_id'] = Number(user[3]);
    if (user[4]) facts['real_group_id'] = Number(user[4]);
  }
  if (s.has('env')) facts['env'] = parseEnv(lines('env'));
  const lsb = parseLsb(lines('lsb'));
  if (Object.keys(lsb).length) facts['lsb'] = lsb;
  if (s.has('mounts')) facts['mounts'] = parseMounts(lines('mounts'), lines('statfs'));
  const mem: Record<string, number> = {};
  for (const line of lines('meminfo')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) mem[m[1]!] = Number(m[2]);
  }
  if (mem['MemTotal'] !== undefined) {
    facts['memtotal_mb'] = Math.floor(mem['MemTotal'] / 1024);
    facts['memfree_mb'] = Math.floor((mem['MemFree'] ?? 0) / 1024);
    facts['swaptotal_mb'] = Math.floor((mem['SwapTotal'] ?? 0) / 1024);
    facts['swapfree_mb'] = Math.floor((mem['SwapFree'] ?? 0) / 1024);
  }
  Object.assign(facts, parseCpu(lines('cpuinfo'), machine, first('nproc')));
  const date = parseDate(first('date'), first('utc'));
  if (Object.keys(date).length) facts['date_time'] = date;
  if (s.has('init') || s.has('systemd'))
    facts['service_mgr'] = serviceMgr(first('init'), first('systemd') === 'yes');
  if (s.has('pkg')) facts['pkg_mgr'] = pkgMgr(lines('pkg'), family);
  const up = first('uptime').split(/\s+/)[0];
  if (up) facts['uptime_seconds'] = Math.floor(Number(up));
  if (first('machine_id')) facts['machine_id'] = first('machine_id');
  if (s.has('resolv')) {
    const dns: Vars = {};
    const ns: string[] = [];
    for (const line of lines('resolv')) {
      const w = line.trim().split(/\s+/);
      if (w[0] === 'nameserver' && w[1]) ns.push(w[1]);
      else if (w[0] === 'search') dns['search'] = w.slice(1);
      else if (w[0] === 'domain' && w[1]) dns['domain'] = w[1];
    }
    if (ns.length) dns['nameservers'] = ns;
    facts['dns'] = dns;
  }
  return facts;
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

/** Ansible's gather_subset: which subset each fact belongs to (everything else is `min`). */
const SUBSET_OF: Record<string, 'hardware' | 'network'> = {
  mounts: 'hardware',
  memtotal_mb: 'hardware',
  memfree_mb: 'hardware',
  swaptotal_mb: 'hardware',
  swapfree_mb: 'hardware',
  processor: 'hardware',
  processor_count: 'hardware',
  processor_cores: 'hardware',
  processor_threads_per_core: 'hardware',
  processor_vcpus: 'hardware',
  processor_nproc: 'hardware',
  uptime_seconds: 'hardware',
  interfaces: 'network',
  all_ipv4_addresses: 'network',
  all_ipv6_addresses: 'network',
  default_ipv4: 'network',
  default_ipv6: 'network',
};

/** Ansible's valid gather_subset names (min's own parts are always gathered with min). */
const MIN_PARTS = `apparmor caps cmdline date_time distribution dns env fips local lsb pkg_mgr platform python
selinux service_mgr ssh_pub_keys user`.split(/\s+/);
const SUBSETS = ['hardware', 'network', 'virtual', 'facter', 'ohai', ...MIN_PARTS];

/**
 * gather_subset (`all`, `min`, `hardware`, `network`, `!name`...) as Ansible's get_collector_names reads
 * it (min always first; an explicitly named subset wins over an exclusion), and filter (shell-style
 * patterns on the `ansible_` names), over parsed facts. Throws an Error naming a subset Ansible does not know.
 */
export function selectFacts(facts: Vars, subset: string[] = ['all'], filter: string[] = []): Vars {
  const add = new Set<string>();
  const exclude = new Set<string>();
  const explicit = new Set<string>();
  const nonMin = ['hardware', 'network', 'virtual', 'facter', 'ohai'];
  for (const raw of ['min', ...subset].map((x) => x.trim())) {
    if (raw === 'min') add.add('min');
    else if (raw === 'all') for (const n of ['min', ...nonMin]) add.add(n);
    else if (raw.startsWith('!')) {
      const n = raw.slice(1);
      if (n === 'all') for (const x of nonMin) exclude.add(x);
      else exclude.add(n);
    } else if (!SUBSETS.includes(raw))
      throw new Error(
        `Bad subset '${raw}' given to Ansible. gather_subset options allowed: all, ${[...SUBSETS, 'min'].sort().join(', ')}`,
      );
    else {
      explicit.add(raw);
      add.add(raw);
    }
  }
  for (const x of exclude) if (!explicit.has(x)) add.delete(x);
  const ifaceNames = new Set(
    (Array.isArray(facts['interfaces']) ? facts['interfaces'] : []).map((d) => ifaceFactName(String(d))),
  );
  const out: Vars = {};
  for (const [k, v] of Object.entries(facts)) {
    const sub: string = ifaceNames.has(k) ? 'network' : (SUBSET_OF[k] ?? 'min');
    if (!add.has(sub)) continue;
    if (filter.length && !filter.some((p) => globMatch(p, `ansible_${k}`))) continue;
    out[k] = v;
  }
  return out;
}

/** fnmatch: `*`, `?` and `[...]`. */
function globMatch(pattern: string, s: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  try {
    return new RegExp(`^${re}$`).test(s);
  } catch {
    return pattern === s;
  }
}

/**
 * The variables gathered facts set: `ansible_facts` plus every fact as `ansible_<name>`, as Ansible injects
 * them. `facts` may name them with or without the `ansible_` prefix (setup's result has it); `current` are
 * the facts the host had (a later gathering adds to them).
 */
export function factVars(facts: Vars, current: Vars = {}): Vars {
  const plain: Vars = { ...current };
  for (const [k, v] of Object.entries(facts)) plain[k.startsWith('ansible_') ? k.slice(8) : k] = v;
  const out: Vars = { ansible_facts: plain };
  for (const [k, v] of Object.entries(plain)) out[`ansible_${k}`] = v;
  return out;
}
