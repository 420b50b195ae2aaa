/**
 * `x509_key_match`: does a private key on the target belong to a certificate? openssl derives the public
 * key of the private key on the target and only its SHA-256 travels; the certificate's public key hash is
 * computed on the controller from its PEM. Never changes anything.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { certFileFact, keyHashFact, type KeyHash } from '../facts/x509';
import { parseCertificate, type CertInfo } from '../x509/cert';
import { factsOf } from './ask-facts';
import { defineModule } from './types';

const args = z.object({
  cert: z.string().min(1).describe('Certificate file (PEM) on the target.'),
  key: z.string().min(1).describe('Private key file on the target (it never leaves the target).'),
  fail_on_mismatch: z
    .boolean()
    .default(false)
    .describe('Fail the task when the key does not match (default: report `match: false`).'),
});

type Facts = { cert: CertInfo | null; key: KeyHash };

export default defineModule({
  name: 'x509_key_match',
  description:
    'Compare the public key of a certificate with that of a private key on the target (hashes only).',
  args,
  async probe(ctx, a): Promise<Facts> {
    const [c, key] = await factsOf(ctx, [certFileFact(a.cert), keyHashFact(a.key)] as const);
    return { cert: c.exists ? parseCertificate(c.pem, `${ctx.host}:${a.cert}`) : null, key };
  },
  plan(a, f) {
    if (!f.cert) throw new ModuleError(`certificate ${a.cert} does not exist`);
    if (!f.key.exists) throw new ModuleError(`private key ${a.key} does not exist`);
    if (!f.key.readable) {
      throw new ModuleError(`private key ${a.key} cannot be read by openssl: ${f.key.error}`, {
        hint: 'an encrypted key or a key in an unknown format cannot be compared',
      });
    }
    const match = f.key.publicKeySha256 === f.cert.publicKeySha256;
    const result = {
      match,
      cert_public_key_sha256: f.cert.publicKeySha256,
      key_public_key_sha256: f.key.publicKeySha256,
    };
    if (!match && a.fail_on_mismatch) {
      throw new ModuleError(`${a.key} does not match ${a.cert} (their public keys differ)`, {
        data: result,
        hint: 'find the key the certificate was issued for, or issue a certificate for this key',
      });
    }
    return { changes: [], result };
  },
});
