/**
 * ansible.utils ipaddr-family filters on ipaddr.js: `ipaddr(query)`, `ipv4`, `ipv6`, `ipmath`, `nthhost`,
 * `network_in_network`, `ipsubnet`. Invalid input gives `false` (so `ipaddr` works as a validity test).
 * Registered under both the short name and the `ansible.utils.` FQCN.
 */
import * as ipaddr from 'ipaddr.js';
import type * as nunjucks from 'nunjucks';
import { splitKwargs } from './values';

/** An address with its prefix (`10.0.0.5/24`; a bare address has the full-length prefix). */
export interface IpNet {
  version: 4 | 6;
  ip: bigint;
  prefix: number;
  /** Written with a `/prefix`. */
  cidr: boolean;
}

const bitsOf = (v: 4 | 6) => (v === 4 ? 32 : 128);

function toBig(a: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

export function ipToString(version: 4 | 6, n: bigint): string {
  const bytes: number[] = [];
  for (let i = 0; i < (version === 4 ? 4 : 16); i++) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  const a = ipaddr.fromByteArray(bytes);
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

export function parseIp(value: unknown): IpNet | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 32)
    return { version: 4, ip: BigInt(value), prefix: 32, cidr: false };
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  const [addr, pfx, ...extra] = s.split('/');
  if (extra.length) return undefined;
  let a: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(addr)) a = ipaddr.IPv4.parse(addr);
  else if (ipaddr.IPv6.isValid(addr)) a = ipaddr.IPv6.parse(addr);
  else return undefined;
  const version = a.kind() === 'ipv4' ? 4 : 6;
  let prefix = bitsOf(version);
  if (pfx !== undefined) {
    if (/^\d+$/.test(pfx)) prefix = Number(pfx);
    else if (version === 4 && ipaddr.IPv4.isValidFourPartDecimal(pfx)) {
      const len = ipaddr.IPv4.parse(pfx).prefixLengthFromSubnetMask();
      if (len === null) return undefined;
      prefix = len;
    } else return undefined;
    if (prefix > bitsOf(version)) return undefined;
  }
  return { version, ip: toBig(a), prefix, cidr: pfx !== undefined };
}

const size = (n: IpNet) => 1n << BigInt(bitsOf(n.version) - n.prefix);
const mask = (n: IpNet) => ((1n << BigInt(bitsOf(n.version))) - 1n) ^ (size(n) - 1n);
const network = (n: IpNet) => n.ip & mask(n);
const broadcast = (n: IpNet) => network(n) | (size(n) - 1n);
const str = (n: IpNet, ip: bigint) => ipToString(n.version, ip);
const withPrefix = (n: IpNet, ip: bigint) => `${str(n, ip)}/${n.prefix}`;

function inRange(n: IpNet, names: string[]): boolean {
  const a = ipaddr.parse(str(n, n.ip));
  return names.includes(a.range());
}

function contains(outer: IpNet, inner: IpNet): boolean {
  return (
    outer.version === inner.version &&
    inner.prefix >= outer.prefix &&
    (inner.ip & mask(outer)) === network(outer)
  );
}

function indexQuery(n: IpNet, index: bigint): string | false {
  const sz = size(n);
  const i = index < 0n ? sz + index : index;
  if (i < 0n || i >= sz) return false;
  return withPrefix(n, network(n) + i);
}

/** One ipaddr query on one parsed value (Ansible's query names). */
function query(n: IpNet, q: string, raw: string): unknown {
  const sz = size(n);
  switch (q) {
    case '':
      return raw;
    case 'address':
    case 'ip':
      return sz > 1n && n.ip === network(n) ? false : str(n, n.ip);
    case 'host':
      if (sz === 1n) return `${str(n, n.ip)}/${n.prefix}`;
      return n.ip === network(n) ? false : withPrefix(n, n.ip);
    case 'host/prefix':
    case 'address/prefix':
      return sz > 1n && n.ip !== network(n) ? withPrefix(n, n.ip) : false;
    case 'network':
      return str(n, network(n));
    case 'net':
      return sz > 1n && n.ip === network(n) ? withPrefix(n, network(n)) : false;
    case 'subnet':
    case 'cidr':
    case 'network/prefix':
      return withPrefix(n, network(n));
    case 'netmask':
      return str(n, mask(n));
    case 'hostmask':
      return str(n, sz - 1n);
    case 'broadcast':
      return n.version === 4 && sz > 2n ? str(n, broadcast(n)) : false;
    case 'prefix':
      return n.prefix;
    case 'size':
      return Number(sz);
    case 'version':
      return n.version;
    case 'type':
      return sz > 1n && n.ip === network(n) ? 'network' : 'address';
    case 'bool':
      return true;
    case 'first_usable':
      return sz > 2n ? str(n, network(n) + 1n) : sz === 2n ? str(n, network(n)) : false;
    case 'last_usable':
      return sz > 2n ? str(n, broadcast(n) - 1n) : sz === 2n ? str(n, broadcast(n)) : false;
    case 'range_usable':
      return sz > 2n ? `${str(n, network(n) + 1n)}-${str(n, broadcast(n) - 1n)}` : false;
    case 'ipv4':
    case '4':
      return n.version === 4 ? raw : false;
    case 'ipv6':
    case '6':
      return n.version === 6 ? raw : false;
    case 'private':
      return inRange(n, ['private', 'uniqueLocal']) ? raw : false;
    case 'public':
      return inRange(n, ['unicast']) ? raw : false;
    case 'loopback':
      return inRange(n, ['loopback']) ? raw : false;
    case 'multicast':
      return inRange(n, ['multicast']) ? raw : false;
    case 'link-local':
      return inRange(n, ['linkLocal']) ? raw : false;
    case 'unicast':
      return inRange(n, ['multicast']) ? false : raw;
    default: {
      if (/^-?\d+$/.test(q)) return indexQuery(n, BigInt(q));
      const other = parseIp(q);
      if (other) return contains(other, n) ? raw : false;
      throw new Error(`ipaddr: unknown query '${q}'`);
    }
  }
}

export function ipaddrFilter(value: unknown, q: unknown = '', version?: 4 | 6): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => ipaddrFilter(v, q, version)).filter((r) => r !== false && r !== null);
  }
  const n = parseIp(value);
  if (!n || (version && n.version !== version)) return false;
  const raw = typeof value === 'string' ? value.trim() : str(n, n.ip);
  return query(n, q === undefined || q === null ? '' : String(q), raw);
}

function ipmath(value: unknown, amount: unknown): string {
  const n = parseIp(value);
  if (!n) throw new Error('ipmath: the value is not an IP address');
  const r = n.ip + BigInt(Math.trunc(Number(amount)));
  if (r < 0n || r >= 1n << BigInt(bitsOf(n.version)))
    throw new Error('ipmath: result is out of the address space');
  return str(n, r);
}

function nthhost(value: unknown, nth: unknown): string | false {
  const n = parseIp(value);
  if (!n) return false;
  const r = indexQuery(n, BigInt(Math.trunc(Number(nth))));
  return r === false ? false : r.split('/')[0];
}

function networkInNetwork(outer: unknown, inner: unknown): boolean {
  const a = parseIp(outer);
  const b = parseIp(inner);
  return Boolean(a && b && contains(a, b));
}

/** `ipsubnet(prefix)` → how many /prefix subnets fit; `ipsubnet(prefix, index)` → the index-th one. */
function ipsubnet(value: unknown, q: unknown = '', index?: unknown): unknown {
  const n = parseIp(value);
  if (!n) return false;
  if (q === '' || q === undefined) return withPrefix(n, network(n));
  const p = Number(q);
  if (!Number.isInteger(p) || p < n.prefix || p > bitsOf(n.version)) return false;
  const count = 1n << BigInt(p - n.prefix);
  if (index === undefined) return String(count);
  let i = BigInt(Math.trunc(Number(index)));
  if (i < 0n) i += count;
  else i -= 1n;
  if (i < 0n || i >= count) return false;
  const sub: IpNet = { ...n, prefix: p };
  return withPrefix(sub, network(n) + i * size(sub));
}

export function registerIpFilters(env: nunjucks.Environment): void {
  const filters: Record<string, (v: unknown, ...a: unknown[]) => unknown> = {
    ipaddr: (v, q) => ipaddrFilter(v, q),
    ipv4: (v, q) => ipaddrFilter(v, q, 4),
    ipv6: (v, q) => ipaddrFilter(v, q, 6),
    ipwrap: (v) => {
      const n = parseIp(v);
      return n && n.version === 6 && !n.cidr ? `[${String(v)}]` : v;
    },
    ipmath: (v, a) => ipmath(v, a),
    nthhost: (v, i) => nthhost(v, i),
    network_in_network: (a, b) => networkInNetwork(a, b),
    network_in_usable: (a, b) => {
      const outer = parseIp(a);
      const inner = parseIp(b);
      if (!outer || !inner || !contains(outer, inner)) return false;
      const sz = size(outer);
      return sz <= 2n || (inner.ip !== network(outer) && inner.ip !== broadcast(outer));
    },
    ipsubnet: (v, ...args) => {
      const { pos } = splitKwargs(args);
      return ipsubnet(v, pos[0], pos[1]);
    },
  };
  for (const [name, fn] of Object.entries(filters)) {
    env.addFilter(name, fn);
    env.addFilter(`ansible.utils.${name}`, fn);
    env.addFilter(`ansible.netcommon.${name}`, fn);
  }
}
