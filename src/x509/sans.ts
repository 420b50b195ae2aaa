/**
 * SAN arithmetic for kube-apiserver serving certificates: which names and addresses the certificate must
 * carry (from inventory facts), and how a current certificate differs under a keep policy: missing (to add),
 * stale (to drop) and kept (unwanted but kept: a load balancer's DNS name, an IP outside the old ranges).
 */
import ipaddr from 'ipaddr.js';
import { ModuleError } from '../errors';
import type { SanSet } from './cert';

/** Canonical text of an IP address (IPv4-mapped IPv6 becomes IPv4, IPv6 is compressed). Throws on junk. */
export function normalizeIp(ip: string): string {
  return ipaddr.process(ip.trim()).toString();
}

export function isIp(s: string): boolean {
  return ipaddr.isValid(s.trim());
}

/** The first usable address of a CIDR: what the `kubernetes` Service (the API's Service VIP) gets. */
export function firstServiceIp(cidr: string): string {
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    range = ipaddr.parseCIDR(cidr.trim());
  } catch {
    throw new ModuleError(`service_cidr ${JSON.stringify(cidr)} is not a CIDR`, {
      hint: 'write it as the apiserver flag --service-cluster-ip-range has it, e.g. 10.254.0.0/24',
    });
  }
  const [addr, bits] = range;
  const bytes = addr.toByteArray();
  const total = bytes.length * 8;
  // network address: clear the host bits, then add one
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  if (bits >= total) return addr.toString();
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i]! += 1;
    if (bytes[i]! <= 0xff) break;
    bytes[i] = 0;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

export interface ApiserverSanInput {
  /** `--service-cluster-ip-range`, e.g. 10.254.0.0/24. */
  serviceCidr: string;
  /** Node address(es) of the master. */
  nodeIps: string[];
  /** Host name(s) of the master (inventory hostname / short name). */
  hostnames: string[];
  /** e.g. cluster.local */
  clusterDomain: string;
  /** More names or addresses (load balancer, public name...). */
  extraSans: string[];
}

/** A DNS name (a leading `*.` wildcard allowed), as a SAN may carry it. */
const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** A host name as inventories spell them (underscores happen). */
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/**
 * A name a certificate's DNS SAN may carry and csr.conf may hold again: a DNS name (a leading `*.`
 * allowed) or a host name as inventories spell them (underscores). Never openssl config syntax.
 */
export function isSanName(s: string): boolean {
  return DNS_NAME.test(s) || HOST_NAME.test(s);
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** The SAN set kube-apiserver needs: Service VIP, node addresses, host names and the kubernetes.* names. */
export function wantedApiserverSans(input: ApiserverSanInput): SanSet {
  const domain = input.clusterDomain.replace(/^\.+|\.+$/g, '');
  const dns = [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster',
    `kubernetes.default.svc.${domain}`,
  ];
  const ip = [firstServiceIp(input.serviceCidr)];
  for (const a of input.nodeIps) ip.push(checkedIp(a, 'node_ip'));
  for (const h of input.hostnames) {
    const v = h.trim();
    if (!v || isIp(v)) continue;
    // These names are written into csr.conf: only DNS names, never openssl config syntax.
    if (!HOST_NAME.test(v)) throw new ModuleError(`hostname: ${JSON.stringify(v)} is not a DNS name`);
    dns.push(v.toLowerCase());
  }
  for (const x of input.extraSans) {
    const v = x.trim();
    if (!v) continue;
    if (isIp(v)) ip.push(normalizeIp(v));
    else if (DNS_NAME.test(v)) dns.push(v.toLowerCase());
    else throw new ModuleError(`extra_sans: ${JSON.stringify(v)} is neither an IP address nor a DNS name`);
  }
  return { dns: uniq(dns), ip: uniq(ip) };
}

function checkedIp(a: string, what: string): string {
  if (!isIp(a)) throw new ModuleError(`${what} ${JSON.stringify(a)} is not an IP address`);
  return normalizeIp(a);
}

/**
 * What to do with a SAN the certificate carries but the wanted set lacks:
 * `dns` keeps DNS names (a load balancer's, a public name) and drops unwanted IP addresses — only those
 * inside `staleCidrs` when given; `none` drops every unwanted entry (exact wanted set); `all` keeps them all.
 */
export type KeepSans = 'dns' | 'none' | 'all';
export const KEEP_SANS = ['dns', 'none', 'all'] as const;

export interface SanPolicy {
  keep: KeepSans;
  /** Old address ranges (CIDRs): with `keep: dns`, an unwanted IP is dropped only when inside one. */
  staleCidrs: string[];
}

/** Today's exact-set behaviour: the wanted set, nothing else. */
export const EXACT_SANS: SanPolicy = { keep: 'none', staleCidrs: [] };

export interface SanDiff {
  /** Wanted but not in the certificate, as `IP:x` / `DNS:x`. */
  missing: string[];
  /** In the certificate, not wanted, and dropped by the policy (old-range addresses, retired names). */
  stale: string[];
  /** In the certificate, not wanted, but kept by the policy (a load balancer's name, an outside IP). */
  kept: string[];
  /** Why each stale / kept entry is dropped / kept, by token. */
  reasons: Record<string, string>;
  /** What a re-issued certificate carries: wanted + kept. */
  target: SanSet;
  /** The certificate already carries everything wanted (kept extras are no reason to re-issue). */
  covered: boolean;
}

export function sanTokens(s: SanSet): string[] {
  return [...s.ip.map((i) => `IP:${normalizeIp(i)}`), ...s.dns.map((d) => `DNS:${d.toLowerCase()}`)];
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parse `stale_cidrs`; a typo is a ModuleError naming the entry, never a silent "no range". */
export function parseStaleCidrs(cidrs: string[]): Array<{ text: string; range: Range }> {
  return cidrs.map((c) => {
    try {
      const [net, bits] = ipaddr.parseCIDR(c.trim());
      // ::ffff:a.b.c.d/n names an IPv4 range, as SAN addresses are compared in their IPv4 form
      if (net instanceof ipaddr.IPv6 && net.isIPv4MappedAddress() && bits >= 96)
        return { text: c.trim(), range: [net.toIPv4Address(), bits - 96] as Range };
      return { text: c.trim(), range: [net, bits] as Range };
    } catch {
      throw new ModuleError(`stale_cidrs: ${JSON.stringify(c)} is not a CIDR`, {
        hint: 'list the pre-migration ranges, e.g. [172.16.0.0/24, 192.168.0.0/24]',
      });
    }
  });
}

function inRange(ip: string, [net, bits]: Range): boolean {
  const a = ipaddr.process(ip);
  return a.kind() === net.kind() && a.match(net, bits);
}

function sanSetOf(tokens: string[]): SanSet {
  return {
    ip: tokens.filter((t) => t.startsWith('IP:')).map((t) => t.slice(3)),
    dns: tokens.filter((t) => t.startsWith('DNS:')).map((t) => t.slice(4)),
  };
}

/**
 * The SAN diff under a policy: `missing` (to add), `stale` (to drop), `kept` (unwanted but kept) with the
 * reason for each drop and keep, and the `target` set a re-issued certificate carries. A wanted entry
 * always wins (192.168.0.1 inside an old range but the new node address stays).
 */
export function diffSans(current: SanSet, wanted: SanSet, policy: SanPolicy = EXACT_SANS): SanDiff {
  const ranges = parseStaleCidrs(policy.staleCidrs);
  const have = [...new Set(sanTokens(current))];
  const want = new Set(sanTokens(wanted));
  const missing = [...want].filter((t) => !have.includes(t));
  const stale: string[] = [];
  const kept: string[] = [];
  const reasons: Record<string, string> = {};
  for (const t of have) {
    if (want.has(t)) continue;
    const isAddr = t.startsWith('IP:');
    let keep: boolean;
    let why: string;
    if (policy.keep === 'all') {
      [keep, why] = [true, 'not wanted, kept (keep_sans: all)'];
    } else if (policy.keep === 'none') {
      [keep, why] = [false, 'not wanted (keep_sans: none drops every other SAN)'];
    } else if (!isAddr) {
      [keep, why] = [true, 'a DNS name, not wanted, kept (keep_sans: dns keeps DNS names)'];
    } else if (ranges.length === 0) {
      [keep, why] = [false, 'an IP address not wanted (keep_sans: dns drops unwanted IPs; no stale_cidrs)'];
    } else {
      const hit = ranges.find((r) => inRange(t.slice(3), r.range));
      [keep, why] = hit
        ? [false, `inside stale_cidrs ${hit.text}`]
        : [true, `outside stale_cidrs ${ranges.map((r) => r.text).join(', ')}, kept`];
    }
    (keep ? kept : stale).push(t);
    reasons[t] = why;
  }
  const target = sanSetOf([...sanTokens(wanted), ...kept]);
  return { missing, stale, kept, reasons, target, covered: missing.length === 0 };
}

/** `SAN +IP:10.254.0.1 -IP:172.16.0.1` (IP first, then DNS). */
export function describeSanDiff(d: Pick<SanDiff, 'missing' | 'stale'>): string {
  const parts = [...d.missing.map((t) => `+${t}`), ...d.stale.map((t) => `-${t}`)];
  return parts.length ? `SAN ${parts.join(' ')}` : 'SAN unchanged';
}

/** `kept DNS:api.example.com, IP:203.0.113.7`, or '' when nothing unwanted is kept. */
export function describeKept(d: Pick<SanDiff, 'kept'>): string {
  return d.kept.length ? `kept ${d.kept.join(', ')}` : '';
}

/** One line per dropped / kept SAN with its reason: `-IP:172.16.0.1  inside stale_cidrs 172.16.0.0/24`. */
export function sanReasonLines(d: Pick<SanDiff, 'stale' | 'kept' | 'reasons'>): string[] {
  return [
    ...d.stale.map((t) => `-${t}  ${d.reasons[t] ?? ''}`.trimEnd()),
    ...d.kept.map((t) => `=${t}  ${d.reasons[t] ?? ''}`.trimEnd()),
  ];
}

/** True when `sans` holds exactly the wanted set (order-free). */
export function sameSans(a: SanSet, b: SanSet): boolean {
  const d = diffSans(a, b);
  return d.missing.length === 0 && d.stale.length === 0;
}
