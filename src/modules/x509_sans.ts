/**
 * `x509_sans`: the SAN set a kube-apiserver serving certificate needs (first IP of `service_cidr`, node
 * addresses, host name, the kubernetes.* names, `extra_sans`), and — given `path` — what the current
 * certificate is `missing` and which entries are `stale`. Never changes anything.
 */
import { z } from 'zod';
import { certFileFact } from '../facts/x509';
import { parseCertificate, type CertInfo, type SanSet } from '../x509/cert';
import { describeSanDiff, diffSans, firstServiceIp, wantedApiserverSans } from '../x509/sans';
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
      const d = diffSans(f.cert?.sans ?? { dns: [], ip: [] }, wanted);
      Object.assign(result, {
        exists: f.cert !== null,
        current: f.cert?.sans ?? null,
        missing: d.missing,
        stale: d.stale,
        covered: f.cert !== null && d.covered,
        summary: describeSanDiff(d),
      });
    }
    return { changes: [], result };
  },
  async apply() {
    return {};
  },
});
