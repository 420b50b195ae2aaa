/**
 * A TLS handshake from the controller (Node's tls), verified against a CA file for an IP address or a
 * DNS name: the applier's `tls` steps. Reports what the server served even when verification fails.
 */
import { readFile } from 'node:fs/promises';
import * as tls from 'node:tls';
import { isIP } from 'node:net';
import type { TlsOutput, TlsStep } from '../plan/steps';

export async function tlsHandshake(step: TlsStep): Promise<TlsOutput> {
  const ca = await readFile(step.caPath);
  return new Promise((resolve) => {
    let served: tls.PeerCertificate | undefined;
    const done = (o: TlsOutput) => {
      clearTimeout(timer);
      sock.destroy();
      if (served?.subjectaltname) {
        o.served_sans = served.subjectaltname.split(/,\s*/).map((s) => s.replace(/^IP Address:/, 'IP:'));
        o.served_serial = served.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');
        o.served_fingerprint_sha256 = served.fingerprint256.replace(/:/g, '').toLowerCase();
      }
      resolve(o);
    };
    const sock = tls.connect({
      host: step.host,
      port: step.port,
      ca,
      servername: step.verifyHostname && !isIP(step.verifyHostname) ? step.verifyHostname : undefined,
      checkServerIdentity: (_h, cert) => {
        served = cert;
        // verifyIp comes normalized (the module plans it so)
        const name = step.verifyIp ?? step.verifyHostname;
        return name ? tls.checkServerIdentity(name, cert) : undefined;
      },
    });
    const timer = setTimeout(
      () => done({ kind: 'tls', verified: false, verify_code: -1, error: 'handshake timed out' }),
      step.timeoutSec * 1000,
    );
    sock.once('secureConnect', () => done({ kind: 'tls', verified: true, verify_code: 0, error: '' }));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      served ??= (sock.getPeerCertificate?.() as tls.PeerCertificate | undefined) || undefined;
      done({ kind: 'tls', verified: false, verify_code: -1, error: e.message });
    });
  });
}
