/**
 * `x509_info`: read a certificate on the target (its PEM travels, never a private key) and parse it on the
 * controller: subject, issuer, serial, validity, SANs, key usage, public-key fingerprint, and — given
 * `ca_path` — whether it is signed by that CA. Never changes anything.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { certFileFact } from '../facts/x509';
import { isCurrentlyValid, isSignedBy, parseCertificate, type CertInfo } from '../x509/cert';
import { factsOf } from './ask-facts';
import { defineModule } from './types';

const args = z.object({
  path: z.string().min(1).describe('Certificate file (PEM) on the target.'),
  ca_path: z
    .string()
    .min(1)
    .optional()
    .describe('CA certificate file on the target; the result then says whether `path` is signed by it.'),
  missing_ok: z
    .boolean()
    .default(false)
    .describe('Return `exists: false` instead of failing when `path` does not exist.'),
});

type Facts = { cert?: CertInfo; ca?: CertInfo; exists: boolean };

/** The registered result for a parsed certificate (snake_case, Ansible-like). */
export function certResult(c: CertInfo, now = new Date()): Record<string, unknown> {
  return {
    subject: c.subject,
    common_name: c.subjectCN,
    issuer: c.issuer,
    issuer_common_name: c.issuerCN,
    serial: c.serial,
    not_before: c.notBefore,
    not_after: c.notAfter,
    valid_now: isCurrentlyValid(c, now),
    sans: c.sans,
    subject_alt_names: [...c.sans.dns.map((d) => `DNS:${d}`), ...c.sans.ip.map((i) => `IP:${i}`)],
    key_usage: c.keyUsage,
    extended_key_usage: c.extendedKeyUsage,
    is_ca: c.isCA,
    public_key_sha256: c.publicKeySha256,
    fingerprint_sha256: c.fingerprintSha256,
  };
}

export default defineModule({
  name: 'x509_info',
  aliases: ['x509_certificate_info'],
  description: 'Parse a certificate on the target (SANs, validity, issuer, key fingerprint, CA signature).',
  args,
  async probe(ctx, a): Promise<Facts> {
    // the certificate and its CA in one exec
    const [f, c] = a.ca_path
      ? await factsOf(ctx, [certFileFact(a.path), certFileFact(a.ca_path)] as const)
      : [await ctx.fact(certFileFact(a.path)), undefined];
    if (!f.exists) return { exists: false };
    const cert = parseCertificate(f.pem, `${ctx.host}:${a.path}`);
    let ca: CertInfo | undefined;
    if (a.ca_path && c) {
      if (!c.exists) throw new ModuleError(`CA certificate ${a.ca_path} does not exist`);
      ca = parseCertificate(c.pem, `${ctx.host}:${a.ca_path}`);
    }
    return { exists: true, cert, ca };
  },
  plan(a, f) {
    if (!f.exists || !f.cert) {
      if (a.missing_ok) return { changes: [], result: { exists: false, path: a.path } };
      throw new ModuleError(`certificate ${a.path} does not exist`, {
        hint: 'check the path (pki_dir / cert variables), or set missing_ok: true',
      });
    }
    const result: Record<string, unknown> = { exists: true, path: a.path, ...certResult(f.cert) };
    if (f.ca) {
      result.ca_path = a.ca_path;
      result.ca_common_name = f.ca.subjectCN;
      result.signed_by_ca = isSignedBy(f.cert.pem, f.ca.pem);
    }
    return { changes: [], result };
  },
});
