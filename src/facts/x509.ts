/**
 * X.509 facts of a host: the PEM of a certificate file (parsed on the controller), and the SHA-256 of the
 * public key of a private key file, computed on the target — the private key itself never travels.
 */
import { sh } from '../command';
import { ModuleError } from '../errors';
import type { ExecResult } from '../transport/types';
import type { Fact } from './types';

/** Exit code the fact scripts use for "no such file". */
const MISSING = 3;
/** Exit code for "exists but openssl cannot read it". */
const UNREADABLE = 4;

export type CertFile = { path: string; exists: false } | { path: string; exists: true; pem: string };

function failure(path: string, what: string, r: ExecResult): ModuleError {
  const tail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ');
  return new ModuleError(`cannot read ${what} ${path}: ${tail || `exit ${r.code}`}`, {
    hint: 'check the path and that the task runs with enough rights (become: true)',
  });
}

/** The text of a certificate file (public data). */
export function certFileFact(path: string): Fact<CertFile> {
  return {
    key: `x509:cert:${path}`,
    command: sh`test -e ${path} || exit ${MISSING}; cat -- ${path}`,
    parse(stdout, r) {
      if (r.code === MISSING) return { path, exists: false };
      if (r.code !== 0) throw failure(path, 'certificate', r);
      return { path, exists: true, pem: stdout };
    },
  };
}

export type KeyHash =
  | { path: string; exists: false }
  | { path: string; exists: true; readable: false; error: string }
  | { path: string; exists: true; readable: true; publicKeySha256: string };

/**
 * SHA-256 of the DER SubjectPublicKeyInfo derived from a private key on the target (openssl pkey -pubout).
 * Equal to `CertInfo.publicKeySha256` of the certificate made for that key. An encrypted key is
 * "unreadable" (no passphrase is ever prompted for).
 */
export function keyHashFact(path: string): Fact<KeyHash> {
  return {
    key: `x509:keyhash:${path}`,
    command: sh`test -e ${path} || exit ${MISSING}; pub=$(openssl pkey -in ${path} -passin pass: -pubout 2>&1) || { printf '%s\n' "$pub" >&2; exit ${UNREADABLE}; }; printf '%s\n' "$pub" | openssl pkey -pubin -outform DER | sha256sum`,
    parse(stdout, r) {
      if (r.code === MISSING) return { path, exists: false };
      if (r.code === UNREADABLE) {
        const error = r.stderr.trim().split('\n').slice(0, 2).join(' / ');
        return { path, exists: true, readable: false, error };
      }
      const m = /^([0-9a-f]{64})\b/.exec(stdout.trim());
      if (r.code !== 0 || !m) throw failure(path, 'private key', r);
      return { path, exists: true, readable: true, publicKeySha256: m[1]! };
    },
  };
}
