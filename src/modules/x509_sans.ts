/**
 * `x509_sans`: the SAN set a kube-apiserver serving certificate needs (first IP of `service_cidr`, node
 * addresses, host name, the kubernetes.* names, `extra_sans`), and — given `path` — what the current
 * certificate is `missing`, which entries are `stale` (dropped on re-issue) and which are `kept` (unwanted
 * but kept, per `keep_sans` / `stale_cidrs`), with the reason for each. Never changes anything.
 */
import { z } from 'zod';
import { certFileFact } from '../facts/x509';
import { parseCertificate, type CertInfo, type SanSet } from '../x509/cert';
import {
  KEEP_SANS,
  describeKept,
  describeSanDiff,
  diffSans,
  firstServiceIp,
  wantedApiserverSans,
  type SanDiff,
} from '../x509/sans';
import { defineModule } from './types';

const stringList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

export const apiserverSanArgs = {
  service_cidr: z
    .string()
    .min(1)
    .describe('Service cluster IP range (--service-cluster-ip-range), e.g. 10.254.0.0/24.'),
  node_ip: stringList.describe('Node address(es) of the master (a list or comma-separated).'),
  hostname: stringList
    .default([])
    .describe('Host name(s) of the master to include as DNS SANs (default: none).'),
  cluster_domain: z.string().default('cluster.local').describe('Cluster DNS domain.'),
  extra_sans: stringList.default([]).describe('More DNS names or IP addresses to include.'),
  keep_sans: z
    .enum(KEEP_SANS)
    .default('dns')
    .describe(
      'SANs the certificate carries but are not wanted: `dns` (default) keeps DNS names (a load ' +
        "balancer's, a public name) and drops unwanted IP addresses (only those inside stale_cidrs when " +
        'given); `none` drops every one (the certificate gets exactly the wanted set); `all` keeps them ' +
        'all and only adds. Kept entries are no reason to re-issue.',
    ),
  stale_cidrs: stringList
    .default([])
    .describe(
      'Pre-migration address ranges (CIDRs), e.g. [172.16.0.0/24, 192.168.0.0/24]: with keep_sans ' +
        'dns an unwanted IP is dropped only when inside one of them, IPs outside are kept. A wanted ' +
        'address inside one (the new node IP) is always kept. Ignored by keep_sans none/all.',
    ),
};

/** The parsed `apiserverSanArgs` of a task (x509_sans, x509_reissue). */
export type ApiserverSanArgs = z.infer<z.ZodObject<typeof apiserverSanArgs>>;

/** The SANs wanted by a task's `apiserverSanArgs`: one mapping for every module that takes them. */
export function wantedSansOf(a: ApiserverSanArgs): SanSet {
  return wantedApiserverSans({
    serviceCidr: a.service_cidr,
    nodeIps: a.node_ip,
    hostnames: a.hostname,
    clusterDomain: a.cluster_domain,
    extraSans: a.extra_sans,
  });
}

/**
 * The current certificate's SANs against the task's wanted set under its `keep_sans` / `stale_cidrs`:
 * missing, stale (dropped), kept, the reasons, and the target set a re-issue writes.
 */
export function sanDiffOf(a: ApiserverSanArgs, current: SanSet): SanDiff {
  return diffSans(current, wantedSansOf(a), { keep: a.keep_sans, staleCidrs: a.stale_cidrs });
}

/** `SAN +IP:10.254.0.1 -IP:172.16.0.1 (kept DNS:api.example.com)`. */
export function sanSummary(d: SanDiff): string {
  const kept = describeKept(d);
  return describeSanDiff(d) + (kept ? ` (${kept})` : '');
}

const args = z.object({
  ...apiserverSanArgs,
  path: z.string().min(1).optional().describe('Current certificate on the target to compare with.'),
});

export default defineModule({
  name: 'x509_sans',
  aliases: ['apiserver_sans'],
  description: 'Compute the SANs kube-apiserver needs and compare them with a certificate (missing / stale).',
  args,
  async probe(ctx, a): Promise<{ cert: CertInfo | null }> {
    if (!a.path) return { cert: null };
    const f = await ctx.fact(certFileFact(a.path));
    return { cert: f.exists ? parseCertificate(f.pem, `${ctx.host}:${a.path}`) : null };
  },
  plan(a, f) {
    const wanted = wantedSansOf(a);
    const result: Record<string, unknown> = {
      wanted,
      service_ip: firstServiceIp(a.service_cidr),
    };
    if (a.path) {
      const d = sanDiffOf(a, f.cert?.sans ?? { dns: [], ip: [] });
      Object.assign(result, {
        exists: f.cert !== null,
        current: f.cert?.sans ?? null,
        missing: d.missing,
        stale: d.stale,
        kept: d.kept,
        reasons: d.reasons,
        target: d.target,
        covered: f.cert !== null && d.covered,
        summary: sanSummary(d),
      });
    }
    return { changes: [], result };
  },
});
