/**
 * Certificate parsing on the controller. node-forge reads the structure (subject, issuer, extensions);
 * Node's own X509Certificate checks signatures (it handles every key type, forge only RSA). Only
 * certificates and public keys are ever parsed here: private keys never leave the target.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type forgeTypes from 'node-forge';
import { ModuleError } from '../errors';
import { normalizeIp } from './sans';

/** node-forge, loaded on first use: it costs tens of ms of start-up that a run with no certificate work
 * (every playbook without an x509/tls module) should not pay. */
let forgeLib: typeof forgeTypes | undefined;
function forge(): typeof forgeTypes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (forgeLib ??= require('node-forge') as typeof forgeTypes);
}

export interface SanSet {
  dns: string[];
  ip: string[];
}

export interface CertInfo {
  subject: string;
  /** Subject common name ('' when there is none). */
  subjectCN: string;
  issuer: string;
  issuerCN: string;
  /** Hex, lower case, as openssl prints it without colons. */
  serial: string;
  notBefore: string;
  notAfter: string;
  sans: SanSet;
  keyUsage: string[];
  extendedKeyUsage: string[];
  isCA: boolean;
  /** SHA-256 of the DER SubjectPublicKeyInfo: equal to `openssl pkey -pubout -outform DER | sha256sum` of its key. */
  publicKeySha256: string;
  /** SHA-256 of the certificate DER (colon-free hex). */
  fingerprintSha256: string;
  /** The PEM of this certificate alone. */
  pem: string;
}

const PEM_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** All PEM certificate blocks in a text (a bundle or an `openssl s_client -showcerts` transcript). */
export function splitPem(text: string): string[] {
  return text.match(PEM_RE) ?? [];
}

function nameToString(attrs: forgeTypes.pki.CertificateField[]): string {
  return attrs.map((a) => `${a.shortName ?? a.name ?? a.type}=${String(a.value)}`).join(', ');
}

function cnOf(attrs: forgeTypes.pki.CertificateField[]): string {
  const cn = attrs.find((a) => a.shortName === 'CN');
  return cn ? String(cn.value) : '';
}

const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const EKU_NAMES = [
  'serverAuth',
  'clientAuth',
  'codeSigning',
  'emailProtection',
  'timeStamping',
  'OCSPSigning',
] as const;

/** Parse the first certificate of a PEM text. Throws ModuleError naming `source` when it is not one. */
export function parseCertificate(pemText: string, source = 'certificate'): CertInfo {
  const pem = splitPem(pemText)[0];
  if (!pem) {
    throw new ModuleError(`${source}: no PEM certificate found`, {
      hint: 'the file must hold a "-----BEGIN CERTIFICATE-----" block',
    });
  }
  let der: Buffer;
  let asn1: forgeTypes.asn1.Asn1;
  try {
    const msg = forge().pem.decode(pem)[0]!;
    der = Buffer.from(msg.body, 'binary');
    asn1 = forge().asn1.fromDer(msg.body);
  } catch (e) {
    throw new ModuleError(`${source}: unreadable PEM certificate (${(e as Error).message})`);
  }
  const node = new X509Certificate(der);
  const spki = node.publicKey.export({ type: 'spki', format: 'der' });
  let cert: forgeTypes.pki.Certificate | undefined;
  try {
    cert = forge().pki.certificateFromAsn1(asn1);
  } catch {
    // forge only reads RSA public keys; the fields below then come from Node's parser.
  }
  const info: CertInfo = cert ? fromForge(cert) : fromNode(node);
  info.publicKeySha256 = sha256(spki);
  info.fingerprintSha256 = sha256(der);
  info.pem = pem;
  return info;
}

function fromForge(cert: forgeTypes.pki.Certificate): CertInfo {
  const sans: SanSet = { dns: [], ip: [] };
  const keyUsage: string[] = [];
  const eku: string[] = [];
  let isCA = false;
  for (const ext of cert.extensions as Array<Record<string, unknown>>) {
    if (ext.name === 'subjectAltName') {
      for (const n of (ext.altNames as Array<{ type: number; value: string; ip?: string }>) ?? []) {
        if (n.type === 2) sans.dns.push(n.value);
        if (n.type === 7 && n.ip) sans.ip.push(normalizeIp(n.ip));
      }
    } else if (ext.name === 'keyUsage') {
      for (const k of KEY_USAGE_NAMES) if (ext[k]) keyUsage.push(k);
    } else if (ext.name === 'extKeyUsage') {
      for (const k of EKU_NAMES) if (ext[k]) eku.push(k);
    } else if (ext.name === 'basicConstraints') {
      isCA = ext.cA === true;
    }
  }
  return {
    subject: nameToString(cert.subject.attributes),
    subjectCN: cnOf(cert.subject.attributes),
    issuer: nameToString(cert.issuer.attributes),
    issuerCN: cnOf(cert.issuer.attributes),
    serial: cert.serialNumber.replace(/^0+(?=.)/, '').toLowerCase(),
    notBefore: cert.validity.notBefore.toISOString(),
    notAfter: cert.validity.notAfter.toISOString(),
    sans,
    keyUsage,
    extendedKeyUsage: eku,
    isCA,
    publicKeySha256: '',
    fingerprintSha256: '',
    pem: '',
  };
}

function fromNode(c: X509Certificate): CertInfo {
  const sans: SanSet = { dns: [], ip: [] };
  for (const part of (c.subjectAltName ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    if (m?.[1] === 'DNS') sans.dns.push(m[2]!);
    if (m?.[1] === 'IP Address') sans.ip.push(normalizeIp(m[2]!));
  }
  const dn = (s: string) => s.split('\n').filter(Boolean).join(', ');
  const cn = (s: string) => /(?:^|\n)CN=([^\n]*)/.exec(s)?.[1] ?? '';
  const ekuNames: Record<string, string> = {
    '1.3.6.1.5.5.7.3.1': 'serverAuth',
    '1.3.6.1.5.5.7.3.2': 'clientAuth',
  };
  return {
    subject: dn(c.subject),
    subjectCN: cn(c.subject),
    issuer: dn(c.issuer),
    issuerCN: cn(c.issuer),
    serial: c.serialNumber.replace(/^0+(?=.)/, '').toLowerCase(),
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    sans,
    keyUsage: [],
    extendedKeyUsage: (c.keyUsage ?? []).map((o) => ekuNames[o] ?? o),
    isCA: c.ca,
    publicKeySha256: '',
    fingerprintSha256: '',
    pem: '',
  };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Is `cert` signed by `ca` (signature check with the CA's public key, and issuer = CA subject)? */
export function isSignedBy(certPem: string, caPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** Is `now` inside the certificate's validity window (with `marginDays` to spare before notAfter)? */
export function isCurrentlyValid(info: CertInfo, now: Date, marginDays = 0): boolean {
  const end = Date.parse(info.notAfter) - marginDays * 86_400_000;
  return Date.parse(info.notBefore) <= now.getTime() && now.getTime() < end;
}
