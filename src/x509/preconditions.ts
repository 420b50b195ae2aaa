/**
 * Why a serving certificate must not be re-issued on a host, as typed refusals: each names what is wrong,
 * that nothing was changed, and what the operator should do. Pure: from parsed facts only.
 */
import { ModuleError } from '../errors';
import type { CertFile, KeyHash } from '../facts/x509';
import { isCurrentlyValid, isSignedBy, type CertInfo } from './cert';

export interface PkiFacts {
  cert: CertFile;
  key: KeyHash;
  caCert: CertFile;
  caKey: KeyHash;
}

export interface PkiPaths {
  cert: string;
  key: string;
  caCert: string;
  caKey: string;
}

export type RefusalReason =
  | 'cert-missing'
  | 'key-missing'
  | 'key-unreadable'
  | 'key-mismatch'
  | 'ca-missing'
  | 'ca-verify'
  | 'ca-expired'
  | 'ca-key-missing'
  | 'ca-key-unreadable'
  | 'ca-key-mismatch';

export class Refusal extends ModuleError {
  constructor(
    public reason: RefusalReason,
    message: string,
    hint: string,
  ) {
    super(`refused (${reason}): ${message}; nothing was changed`, { hint, data: { refused: reason } });
  }
}

const short = (h: string) => h.slice(0, 12);

/** Checks that hold whether or not a re-issue is needed: the pair and its CA must be consistent. */
export function checkServingPair(
  f: PkiFacts,
  p: PkiPaths,
  parse: (pem: string, src: string) => CertInfo,
): { cert: CertInfo; ca: CertInfo; keySha256: string } {
  if (!f.cert.exists) {
    throw new Refusal(
      'cert-missing',
      `${p.cert} does not exist`,
      'check the cert path (pki_dir / apiserver_cert)',
    );
  }
  if (!f.key.exists) {
    throw new Refusal(
      'key-missing',
      `${p.key} does not exist`,
      'check the key path (pki_dir / apiserver_key)',
    );
  }
  if (!f.key.readable) {
    throw new Refusal(
      'key-unreadable',
      `openssl cannot read ${p.key} (${f.key.error})`,
      'an encrypted or damaged key cannot be reused; decrypt it or restore it from backup',
    );
  }
  if (!f.caCert.exists) {
    throw new Refusal(
      'ca-missing',
      `CA certificate ${p.caCert} does not exist`,
      'check the CA path (pki_dir / ca_cert)',
    );
  }
  const cert = parse(f.cert.pem, p.cert);
  const ca = parse(f.caCert.pem, p.caCert);
  if (cert.publicKeySha256 !== f.key.publicKeySha256) {
    throw new Refusal(
      'key-mismatch',
      `${p.key} does not match ${p.cert} (public key sha256 ${short(f.key.publicKeySha256)}… vs ` +
        `${short(cert.publicKeySha256)}…)`,
      `find the key ${p.cert} was issued for (compare \`openssl x509 -noout -pubkey -in ${p.cert}\` with ` +
        `\`openssl pkey -pubout -in KEY\`) or restore the pair from backup, then run again`,
    );
  }
  if (!isSignedBy(cert.pem, ca.pem)) {
    throw new Refusal(
      'ca-verify',
      `${p.cert} (issuer "${cert.issuer}") does not verify against ${p.caCert} ("${ca.subject}")`,
      `point ca_cert at the CA that signed the apiserver certificate (\`openssl verify -CAfile CA ${p.cert}\`)`,
    );
  }
  return { cert, ca, keySha256: f.key.publicKeySha256 };
}

/** Checks that only matter when a new certificate must be signed. */
export function checkCanSign(f: PkiFacts, p: PkiPaths, ca: CertInfo, now: Date): void {
  if (!f.caKey.exists) {
    throw new Refusal(
      'ca-key-missing',
      `CA key ${p.caKey} does not exist, so no certificate can be signed here`,
      `copy the CA key to ${p.caKey} (mode 0600) from where the CA is kept, or set ca_key, then run again`,
    );
  }
  if (!f.caKey.readable) {
    throw new Refusal(
      'ca-key-unreadable',
      `openssl cannot read ${p.caKey} (${f.caKey.error})`,
      'decrypt or restore the CA key',
    );
  }
  if (f.caKey.publicKeySha256 !== ca.publicKeySha256) {
    throw new Refusal(
      'ca-key-mismatch',
      `${p.caKey} is not the key of ${p.caCert}`,
      'put the CA key that belongs to the CA certificate in place',
    );
  }
  if (!isCurrentlyValid(ca, now)) {
    throw new Refusal(
      'ca-expired',
      `CA certificate ${p.caCert} is not valid now (${ca.notBefore} – ${ca.notAfter})`,
      'renew the cluster CA first: certificates it signs would not verify',
    );
  }
}
