/**
 * A cluster's PKI as the scenario left it: a CA and an apiserver serving pair whose SANs carry either the
 * old addresses (migrated state) or the new ones (healthy). The serving key is RSA 2048 and the CA key
 * ECDSA P-256 (cfssl's default; an RSA keygen costs ~130 ms of CPU, which dominated `lab up` for 200
 * clusters). Certificates are laid out with node-forge and signed with node:crypto.
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

type Asn1 = forge.asn1.Asn1;
const { asn1 } = forge;
const getTbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): Asn1 })
  .getTBSCertificate;
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';

function algorithmId(signer: crypto.KeyObject): Asn1 {
  const ec = signer.asymmetricKeyType === 'ec';
  const oid = ec ? OID_ECDSA_SHA256 : forge.pki.oids.sha256WithRSAEncryption;
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())];
  // RSA: NULL parameters; ECDSA: parameters absent (RFC 5758)
  if (!ec) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

/**
 * DER-encodes and signs `cert` with node:crypto (forge only knows RSA, and its JS RSA is slow), putting
 * the right signature algorithm for `signer` in both places and, when given, `spkiDer` as the subject's
 * key (for keys forge cannot represent).
 */
function signWithNode(cert: forge.pki.Certificate, signer: crypto.KeyObject, spkiDer?: Buffer): string {
  // forge needs some signature algorithm to lay out the TBS; the real one replaces it below
  (cert as unknown as { siginfo: { algorithmOid: string } }).siginfo.algorithmOid =
    forge.pki.oids.sha256WithRSAEncryption;
  const tbs = getTbs(cert);
  const fields = tbs.value as Asn1[];
  fields[2] = algorithmId(signer);
  if (spkiDer) fields[6] = asn1.fromDer(spkiDer.toString('binary'));
  const tbsDer = asn1.toDer(tbs).getBytes();
  const sig = crypto.sign('sha256', Buffer.from(tbsDer, 'binary'), signer).toString('binary');
  const whole = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmId(signer),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(0) + sig),
  ]);
  return forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(whole).getBytes() }, { maxline: 64 });
}

/** An ECDSA P-256 key (what cfssl makes for a CA by default): cheap, unlike RSA (~130 ms of CPU each). */
export function ecKey(): Promise<crypto.KeyObject> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair('ec', { namedCurve: 'P-256' }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv as unknown as crypto.KeyObject),
    ),
  );
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
  const pub = crypto.createPublicKey(key);
  const ec = key.asymmetricKeyType === 'ec';
  // forge holds only RSA keys: for an EC CA it carries a placeholder that signWithNode replaces
  cert.publicKey = ec
    ? forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('65537'))
    : forgePublic(key);
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
  if (ec) {
    // RFC 5280 method 1: SHA-1 of the public key bits (the uncompressed point)
    const jwk = pub.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.y!, 'base64url'),
    ]);
    const ski = crypto.createHash('sha1').update(point).digest('binary');
    const ext = cert.extensions.find((e: { name: string }) => e.name === 'subjectKeyIdentifier');
    ext.value = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, ski);
  }
  return signWithNode(cert, key, ec ? pub.export({ type: 'spki', format: 'der' }) : undefined);
}

/** A serving certificate for `ips` and `names` (default: the apiserver's five kubernetes* names and kube01). */
export function makeServerCert(
  key: crypto.KeyObject,
  caCommonName: string,
  caKey: crypto.KeyObject,
  ips: string[],
  names: string[] = KUBE_NAMES,
  commonName = 'kube-apiserver',
): string {
  const cert = forge.pki.createCertificate();
  const ec = key.asymmetricKeyType === 'ec';
  // forge holds only RSA keys: an EC key gets a placeholder that signWithNode replaces
  cert.publicKey = ec
    ? forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('65537'))
    : forgePublic(key);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = years(now, -2);
  cert.validity.notAfter = years(now, 8);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer([{ name: 'commonName', value: caCommonName }]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...names.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  return signWithNode(
    cert,
    caKey,
    ec ? crypto.createPublicKey(key).export({ type: 'spki', format: 'der' }) : undefined,
  );
}

/** etcd's SANs before the migration (old node address) and after it; loopback in both. */
export const ETCD_OLD_IPS = ['172.16.0.1', '127.0.0.1'];
export const ETCD_NEW_IPS = ['192.168.0.1', '127.0.0.1'];

/** etcd's own CA and serving pair (ECDSA keys: cheap), with the old or the new node address. */
export async function makeEtcdPki(cluster: string, migrated: boolean): Promise<ClusterPki> {
  const [ca, server] = await Promise.all([ecKey(), ecKey()]);
  const caName = `etcd-ca ${cluster}`;
  return {
    caCrt: makeCaCert(ca, caName),
    caKey: keyPem(ca),
    serverCrt: makeServerCert(
      server,
      caName,
      ca,
      migrated ? ETCD_OLD_IPS : ETCD_NEW_IPS,
      ['kube01', 'localhost'],
      'etcd',
    ),
    serverKey: keyPem(server),
  };
}

/** A fresh CA and serving pair; `migrated` picks the old SANs (the scenario) or the new ones. */
export async function makeClusterPki(cluster: string, migrated: boolean): Promise<ClusterPki> {
  const [ca, server] = await Promise.all([ecKey(), rsaKey()]);
  const caName = `kube-ca ${cluster}`;
  const caCrt = makeCaCert(ca, caName);
  return {
    caCrt,
    caKey: keyPem(ca),
    serverCrt: makeServerCert(server, caName, ca, migrated ? OLD_IPS : NEW_IPS),
    serverKey: keyPem(server),
  };
}
