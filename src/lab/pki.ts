/**
 * A cluster's PKI as the scenario left it: a CA and an apiserver serving pair whose SANs carry either the
 * old addresses (migrated state) or the new ones (healthy). Keys are RSA 2048 from node:crypto (native,
 * async); certificates are built with node-forge and signed with node:crypto (forge's JS RSA is slow).
 */
import * as crypto from 'node:crypto';
import forge from 'node-forge';

export const KUBE_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster',
  'kubernetes.default.svc.cluster.local',
  'kube01',
];
/** SAN IPs before the migration (old node address, old first service IP) and after it. */
export const OLD_IPS = ['172.16.0.1', '192.168.0.1'];
export const NEW_IPS = ['192.168.0.1', '10.254.0.1'];

export interface ClusterPki {
  caCrt: string;
  caKey: string;
  serverCrt: string;
  serverKey: string;
}

export function rsaKey(): Promise<crypto.KeyObject> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv as unknown as crypto.KeyObject),
    ),
  );
}

export const keyPem = (k: crypto.KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

function forgePublic(k: crypto.KeyObject): forge.pki.PublicKey {
  const pem = crypto.createPublicKey(k).export({ type: 'spki', format: 'pem' }).toString();
  return forge.pki.publicKeyFromPem(pem);
}

function signWithNode(cert: forge.pki.Certificate, signer: crypto.KeyObject): string {
  const oid = forge.pki.oids.sha256WithRSAEncryption;
  cert.signatureOid = oid;
  (cert as unknown as { siginfo: { algorithmOid: string } }).siginfo.algorithmOid = oid;
  const getTbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 })
    .getTBSCertificate;
  const tbs = forge.asn1.toDer(getTbs(cert)).getBytes();
  cert.signature = crypto.sign('sha256', Buffer.from(tbs, 'binary'), signer).toString('binary');
  return forge.pki.certificateToPem(cert);
}

function serial(): string {
  return '01' + crypto.randomBytes(8).toString('hex');
}

function years(from: Date, n: number): Date {
  const d = new Date(from);
  d.setFullYear(d.getFullYear() + n);
  return d;
}

export function makeCaCert(key: crypto.KeyObject, cn: string): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublic(key);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = years(now, -2);
  cert.validity.notAfter = years(now, 20);
  const subject = [{ name: 'commonName', value: cn }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return signWithNode(cert, key);
}

/** The apiserver serving certificate for `ips` (plus the five kubernetes* names and kube01). */
export function makeServerCert(
  key: crypto.KeyObject,
  caCertPem: string,
  caKey: crypto.KeyObject,
  ips: string[],
): string {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublic(key);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = years(now, -2);
  cert.validity.notAfter = years(now, 8);
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...KUBE_NAMES.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  return signWithNode(cert, caKey);
}

/** A fresh CA and serving pair; `migrated` picks the old SANs (the scenario) or the new ones. */
export async function makeClusterPki(cluster: string, migrated: boolean): Promise<ClusterPki> {
  const [ca, server] = await Promise.all([rsaKey(), rsaKey()]);
  const caCrt = makeCaCert(ca, `kube-ca ${cluster}`);
  return {
    caCrt,
    caKey: keyPem(ca),
    serverCrt: makeServerCert(server, caCrt, ca, migrated ? OLD_IPS : NEW_IPS),
    serverKey: keyPem(server),
  };
}
