/**
 * SAN arithmetic for kube-apiserver serving certificates: which names and addresses the certificate must
 * carry (from inventory facts), and how a current certificate differs (missing / stale).
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

export interface SanDiff {
  /** Wanted but not in the certificate, as `IP:x` / `DNS:x`. */
  missing: string[];
  /** In the certificate but not wanted (old-range addresses, retired names). */
  stale: string[];
  /** The certificate already covers everything wanted. */
  covered: boolean;
}

export function sanTokens(s: SanSet): string[] {
  return [...s.ip.map((i) => `IP:${normalizeIp(i)}`), ...s.dns.map((d) => `DNS:${d.toLowerCase()}`)];
}

export function diffSans(current: SanSet, wanted: SanSet): SanDiff {
  const have = new Set(sanTokens(current));
  const want = new Set(sanTokens(wanted));
  const missing = [...want].filter((t) => !have.has(t));
  const stale = [...have].filter((t) => !want.has(t));
  return { missing, stale, covered: missing.length === 0 };
}

/** `SAN +IP:10.254.0.1 -IP:172.16.0.1` (IP first, then DNS). */
export function describeSanDiff(d: SanDiff): string {
  const parts = [...d.missing.map((t) => `+${t}`), ...d.stale.map((t) => `-${t}`)];
  return parts.length ? `SAN ${parts.join(' ')}` : 'SAN unchanged';
}

/** True when `sans` holds exactly the wanted set (order-free). */
export function sameSans(a: SanSet, b: SanSet): boolean {
  const d = diffSans(a, b);
  return d.missing.length === 0 && d.stale.length === 0;
}
