/**
 * `tls_check`: a TLS handshake to an address, verified against a CA file for a given IP address or host
 * name; from the target (`openssl s_client`, the default) or from the controller (Node's tls). Returns
 * `verified` and the verification error text, plus the SANs of the certificate the server actually
 * serves. Retries through a `wait` step on the runner's clock (`retries`, `delay`; in --check it looks
 * once). Read-only: never a change; a failed check fails the task unless `fail_on_error: false`.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import type { ExecOutput, Step, TlsOutput, WaitOutput } from '../plan/steps';
import { parseCertificate, splitPem } from '../x509/cert';
import { isIp, normalizeIp } from '../x509/sans';
import { defineModule } from './types';

const args = z
  .object({
    host: z.string().min(1).describe('Address to connect to (from where the check runs).'),
    port: z.coerce.number().int().min(1).max(65535).default(6443).describe('TCP port.'),
    ca_file: z
      .string()
      .min(1)
      .describe(
        'CA certificate file to verify against (on the target; on the controller with from: controller).',
      ),
    verify_ip: z
      .string()
      .optional()
      .describe('IP address the certificate must be valid for (e.g. the Service VIP).'),
    verify_hostname: z
      .string()
      .optional()
      .describe('DNS name the certificate must be valid for (also sent as SNI).'),
    from: z.enum(['target', 'controller']).default('target').describe('Where the handshake starts.'),
    retries: z.coerce.number().int().min(0).default(0).describe('Extra attempts after a failed one.'),
    delay: z.coerce.number().min(0).default(2).describe('Seconds between attempts.'),
    timeout: z.coerce.number().min(1).default(10).describe('Seconds one handshake may take.'),
    fail_on_error: z.boolean().default(true).describe('Fail the task when verification does not pass.'),
  })
  .refine((a) => a.verify_ip === undefined || isIp(a.verify_ip), {
    message: 'verify_ip must be an IP address',
    path: ['verify_ip'],
  });

type Args = z.infer<typeof args>;

export interface TlsOutcome {
  verified: boolean;
  /** openssl's verify return code (0 = ok), or -1 when no handshake took place. */
  verify_code: number;
  /** Verification error text ('' when verified). */
  error: string;
  /** SANs of the certificate the server presented, when one was seen. */
  served_sans?: string[];
  served_serial?: string;
  served_fingerprint_sha256?: string;
}

/** Read what `openssl s_client -verify_return_error` printed. */
export function parseSClient(r: Pick<ExecOutput, 'stdout' | 'stderr' | 'code' | 'timedOut'>): TlsOutcome {
  const out: TlsOutcome = { verified: false, verify_code: -1, error: '' };
  const code = /Verify return code: (\d+) \(([^)]*)\)/.exec(r.stdout);
  const verr = /verify error:num=(\d+):(.*)/.exec(r.stderr);
  const pem = splitPem(r.stdout)[0];
  if (pem) {
    try {
      const c = parseCertificate(pem, 'served certificate');
      out.served_sans = [...c.sans.ip.map((i) => `IP:${i}`), ...c.sans.dns.map((d) => `DNS:${d}`)];
      out.served_serial = c.serial;
      out.served_fingerprint_sha256 = c.fingerprintSha256;
    } catch {
      /* an unparsable served certificate is reported through the verify result */
    }
  }
  if (code) out.verify_code = Number(code[1]);
  if (verr) {
    out.verify_code = Number(verr[1]);
    out.error = verr[2]!.trim();
  } else if (code && code[1] !== '0') out.error = code[2]!;
  out.verified = r.code === 0 && out.verify_code === 0;
  if (!out.verified && !out.error) {
    const refused = /Connection refused|connect:errno=\d+|No route to host|Network is unreachable/i.exec(
      r.stderr,
    );
    if (r.timedOut) out.error = 'handshake timed out';
    else if (refused) out.error = `cannot connect: ${refused[0]}`;
    else out.error = r.stderr.trim().split('\n').slice(-1)[0] || `openssl s_client exit ${r.code}`;
  }
  return out;
}

/** One look from the target: exit 0 when the handshake verifies (openssl s_client). */
function targetProbe(a: Args): Step & { kind: 'exec' } {
  const verify = [
    ...(a.verify_ip ? ['-verify_ip', a.verify_ip] : []),
    ...(a.verify_hostname ? ['-verify_hostname', a.verify_hostname, '-servername', a.verify_hostname] : []),
  ];
  const connect = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  // -partial_chain: an intermediate CA in ca_file is a trust anchor, as it is for Kubernetes' Go clients.
  const check = sh`openssl s_client -connect ${connect} -CAfile ${a.ca_file} -partial_chain ${verify} -verify_return_error </dev/null`;
  // -verify_return_error aborts before the certificate is printed: on failure, look once more without it
  // to report what the server serves.
  const look = sh`openssl s_client -connect ${connect} </dev/null 2>/dev/null | sed -n '/-BEGIN CERT/,/-END CERT/p'`;
  const cmd = sh`${check}; rc=$?; if [ $rc -ne 0 ]; then ${look}; fi; exit $rc`;
  return { kind: 'exec', cmd, ok: 'any', timeoutMs: a.timeout * 1000, invalidates: [] };
}

export default defineModule({
  name: 'tls_check',
  description: 'TLS handshake verified against a CA for an IP or name, from the target or the controller.',
  args,
  async probe() {
    return undefined;
  },
  plan(a, _f, ctx) {
    const probe: Step & { kind: 'exec' | 'tls' } =
      a.from === 'controller'
        ? {
            kind: 'tls',
            host: a.host,
            port: a.port,
            caPath: path.resolve(ctx.playbookDir, a.ca_file),
            ...(a.verify_ip ? { verifyIp: normalizeIp(a.verify_ip) } : {}),
            ...(a.verify_hostname ? { verifyHostname: a.verify_hostname } : {}),
            timeoutSec: a.timeout,
          }
        : targetProbe(a);
    return {
      changes: [],
      observe: [
        {
          kind: 'wait',
          id: 'tls',
          describe: `TLS ${a.host}:${a.port} verifies for ${a.verify_ip ?? a.verify_hostname ?? a.host}`,
          probe,
          until: { rc: [0] },
          intervalMs: a.delay * 1000,
          attempts: a.retries + 1,
        },
      ],
    };
  },
  result({ args: a, outputs }) {
    const w = outputs['tls'] as WaitOutput;
    const last = w.last!;
    const o: TlsOutcome = last.kind === 'tls' ? stripKind(last) : parseSClient(last as ExecOutput);
    const what = a.verify_ip ?? a.verify_hostname ?? a.host;
    const result = {
      ...o,
      attempts: w.attempts,
      address: `${a.host}:${a.port}`,
      verified_for: what,
      ok: o.verified,
    };
    if (!o.verified && a.fail_on_error) {
      throw new ModuleError(
        `TLS to ${a.host}:${a.port} does not verify for ${what} against ${a.ca_file}: ${o.error}` +
          (o.served_sans ? ` (served SANs: ${o.served_sans.join(', ')})` : ''),
        {
          data: result,
          hint: 'the server presents a certificate that does not cover this address, or is down',
        },
      );
    }
    return result;
  },
});

function stripKind(o: TlsOutput): TlsOutcome {
  const { kind: _k, ...rest } = o;
  return rest;
}
