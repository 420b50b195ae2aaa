/**
 * `x509_reissue`: re-issue a serving certificate (kube-apiserver) with the SANs it needs, reusing its key
 * and signing with the cluster CA — only when the current one lacks a wanted SAN (or is about to expire).
 *
 * probe: the PEMs of cert and CA, and the public-key hashes of key and CA key (computed on the target).
 * plan:  refuses (ModuleError, in --check too) when the key does not match the cert, the cert does not
 *        verify against the CA, or the CA key is missing; otherwise the semantic SAN diff, e.g.
 *        `SAN +IP:10.254.0.1 -IP:172.16.0.1 (kept DNS:api.example.com; key reused, CA kube01-ca)`.
 *        The new certificate carries the wanted SANs plus those `keep_sans` / `stale_cidrs` keep; the
 *        --diff preview says why each SAN is dropped (`-`) or kept (`=`).
 * steps: a private temp dir (0700, its name fixed by the plan, so --check shows the paths that run; the
 *        leftovers of killed runs are removed first), csr.conf uploaded (0600), `openssl req` with the
 *        existing key, `openssl x509 -req` signed by the CA; the new certificate is verified (a declared
 *        check: CA signature, exactly the target SANs, key match) before a timestamped backup is kept and
 *        the new one is moved into place. A failed install leaves no backup or staged file behind; the temp
 *        dir is removed on success and on failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { raw, sh } from '../command';
import { ModuleError } from '../errors';
import { certFileFact, keyHashFact } from '../facts/x509';
import { isCurrentlyValid, isSignedBy, parseCertificate, type CertInfo, type SanSet } from '../x509/cert';
import { checkCanSign, checkServingPair, type PkiFacts, type PkiPaths } from '../x509/preconditions';
import { describeKept, describeSanDiff, isSanName, sameSans, sanReasonLines, sanTokens } from '../x509/sans';
import type { ExecOutput, ExecStep, Step, StepOutputs } from '../plan/steps';
import { factsOf } from './ask-facts';
import { defineModule } from './types';
import { apiserverSanArgs, sanDiffOf, wantedSansOf } from './x509_sans';

const args = z.object({
  cert: z
    .string()
    .min(1)
    .describe('Serving certificate to re-issue (PEM), e.g. /etc/pki/tls/kube01/server.crt.'),
  key: z.string().min(1).describe('Its private key; reused, never read by the controller.'),
  ca_cert: z.string().min(1).describe('CA certificate that signs it.'),
  ca_key: z.string().min(1).describe('CA private key (stays on the target).'),
  ...apiserverSanArgs,
  csr_template: z
    .string()
    .min(1)
    .default('templates/csr.conf.j2')
    .describe(
      'Jinja2 csr.conf template on the controller, relative to the playbook directory (or its parent).',
    ),
  days: z.coerce.number().int().min(1).default(3650).describe('Validity of the new certificate in days.'),
  renew_before_days: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Also re-issue when the certificate expires within this many days.'),
  backup_dir: z
    .string()
    .min(1)
    .optional()
    .describe('Where the timestamped backup goes (default: next to cert).'),
});

type Args = z.infer<typeof args>;

interface Facts extends PkiFacts {
  template: { path: string; text: string };
}

interface State {
  /** Wanted + kept: exactly what the new certificate must carry. */
  target: SanSet;
  keySha256: string;
  caPem: string;
  previousSerial: string;
  backup: string;
}

function paths(a: Args): PkiPaths {
  return { cert: a.cert, key: a.key, caCert: a.ca_cert, caKey: a.ca_key };
}

/** Find the template: absolute, or relative to the playbook dir, its templates/, or its parent. */
export function resolveTemplate(playbookDir: string, p: string): string {
  const candidates = path.isAbsolute(p)
    ? [p]
    : [path.join(playbookDir, p), path.join(playbookDir, 'templates', p), path.join(playbookDir, '..', p)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new ModuleError(`csr_template ${p} not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

function parse(pem: string, src: string): CertInfo {
  return parseCertificate(pem, src);
}

/** Temp dirs of x509_reissue live here: `remediate-x509.<cert key>.<random>`. */
export const X509_TMP_ROOT = '/tmp';

/**
 * The part of a temp dir's name that says which host's certificate it was for: its leftovers are ours to
 * remove. The inventory host is part of it, as several hosts may share one /tmp (containers, the lab).
 */
export function certKey(host: string, cert: string): string {
  return createHash('sha256').update(`${host}\0${cert}`).digest('hex').slice(0, 12);
}

/** The commands of a re-issue in `tmp`: each one step of the plan. */
export function reissueCommands(a: Args, host: string, tmp: string, serial: string) {
  const key = certKey(host, a.cert);
  return {
    // the leftovers of killed runs: this certificate's at once, anyone's after an hour; then a fresh 0700 dir
    mkdir: sh`find ${X509_TMP_ROOT} -maxdepth 1 -type d -name 'remediate-x509.*' ${raw('\\(')} -name ${`remediate-x509.${key}.*`} -o -mmin +60 ${raw('\\)')} -exec rm -rf -- {} + 2>/dev/null; mkdir -m 0700 -- ${tmp}`,
    sign: sh`cd ${tmp} && openssl req -new -key ${a.key} -out server.csr -config csr.conf ${raw('&&')} openssl x509 -req -in server.csr -CA ${a.ca_cert} -CAkey ${a.ca_key} -set_serial ${`0x${serial}`} -days ${a.days} -extensions v3_ext -extfile csr.conf -out server.crt`,
    // -partial_chain: ca_cert may be an intermediate without its root; it is the anchor we sign with.
    verify: sh`openssl verify -partial_chain -CAfile ${a.ca_cert} ${`${tmp}/server.crt`}`,
    read: sh`cat ${`${tmp}/server.crt`}`,
    cleanup: sh`rm -rf -- ${tmp}`,
  };
}

/**
 * Back up cert, then replace it with newCert through a staged copy (cp -p keeps mode and owner; mv is
 * the atomic replace). When any of it fails (a full disk), the staged file is removed, and so is the
 * backup unless the certificate was already replaced: nothing half-written stays in the PKI directory.
 */
export function installCommand(cert: string, backup: string, newCert: string) {
  const staged = `${cert}.remediate-new`;
  return sh`c=${cert}; b=${backup}; s=${staged}; n=${newCert}
if cp -p -- "$c" "$b" && cp -p -- "$c" "$s" && cat -- "$n" > "$s" && mv -f -- "$s" "$c"; then cmp -s -- "$n" "$c"; exit $?; fi
rm -f -- "$s"; cmp -s -- "$n" "$c" || rm -f -- "$b"; exit 1`;
}

/**
 * A subject field of the current certificate (data from the target), checked before it is written into
 * csr.conf: new lines, `$` expansions, comments or escapes there would be openssl config, not a name.
 */
export function csrValue(v: string, field: string, cert: string): string {
  if (/[\x00-\x1f\x7f$\\#"]/.test(v))
    throw new ModuleError(
      `the subject ${field} of ${cert} (${JSON.stringify(v)}) holds characters that cannot go into csr.conf`,
      {
        hint: 'nothing was changed; re-issue this certificate by hand, or fix csr_template to set the subject',
      },
    );
  return v;
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export default defineModule({
  name: 'x509_reissue',
  aliases: ['apiserver_cert'],
  description:
    'Re-issue a serving certificate with the wanted SANs, same key, same CA; verified before it replaces the old one.',
  args,
  async probe(ctx, a): Promise<Facts> {
    const tpl = resolveTemplate(ctx.playbookDir, a.csr_template);
    // the four facts in one exec
    const [cert, key, caCert, caKey] = await factsOf(ctx, [
      certFileFact(a.cert),
      keyHashFact(a.key),
      certFileFact(a.ca_cert),
      keyHashFact(a.ca_key),
    ] as const);
    return { cert, key, caCert, caKey, template: { path: tpl, text: readFileSync(tpl, 'utf8') } };
  },
  plan(a, f, ctx) {
    const { cert, ca, keySha256 } = checkServingPair(f, paths(a), parse);
    const d = sanDiffOf(a, cert.sans);
    const target = d.target;
    const now = new Date();
    const expiring = !isCurrentlyValid(cert, now, a.renew_before_days);
    const result = {
      cert: a.cert,
      serial: cert.serial,
      not_after: cert.notAfter,
      sans: sanTokens(cert.sans),
      wanted: sanTokens(wantedSansOf(a)),
      target: sanTokens(target),
      missing: d.missing,
      stale: d.stale,
      kept: d.kept,
      reasons: d.reasons,
      ca: ca.subjectCN || ca.subject,
    };
    if (d.covered && !expiring) return { changes: [], result };
    checkCanSign(f, paths(a), ca, now);
    // Kept names come from the certificate on the target and go into csr.conf: DNS names only.
    for (const n of target.dns)
      if (!isSanName(n))
        throw new ModuleError(
          `${a.cert} carries the SAN DNS:${JSON.stringify(n)}, which cannot go into csr.conf; nothing was changed`,
          { hint: 'keep_sans: none drops it (the new certificate gets exactly the wanted SANs)' },
        );
    const serialBytes = randomBytes(16);
    serialBytes[0]! &= 0x7f;
    const serial = serialBytes.toString('hex');
    const o = /(?:^|, )O=([^,]*)/.exec(cert.subject)?.[1] ?? '';
    const csrConf = ctx.render(f.template.text, {
      csr_common_name: csrValue(cert.subjectCN || 'kube-apiserver', 'CN', a.cert),
      csr_organization: csrValue(o, 'O', a.cert),
      csr_dns: target.dns,
      csr_ip: target.ip,
    });
    const kept = describeKept(d);
    const why = [
      d.covered ? `renew: expires ${cert.notAfter}` : describeSanDiff(d),
      `(${kept ? `${kept}; ` : ''}key reused, CA ${ca.subjectCN || ca.subject})`,
    ].join(' ');
    const reasons = sanReasonLines(d).map((l) => `# ${l}\n`);
    const tmp = `${X509_TMP_ROOT}/remediate-x509.${certKey(ctx.host, a.cert)}.${randomBytes(6).toString('hex')}`;
    const c = reissueCommands(a, ctx.host, tmp, serial);
    const dir = a.backup_dir ?? path.posix.dirname(a.cert);
    const backup = path.posix.join(dir, `${path.posix.basename(a.cert)}.${stamp(now)}.bak`);
    const tmpStep = (id: string, cmd: ExecStep['cmd'], more: Partial<ExecStep> = {}): ExecStep => ({
      kind: 'exec',
      id,
      cmd,
      invalidates: [],
      ...more,
    });
    const steps: Step[] = [
      tmpStep('mkdir', c.mkdir),
      { kind: 'upload', dest: `${tmp}/csr.conf`, content: Buffer.from(csrConf), mode: 0o600 },
      tmpStep('sign', c.sign),
      tmpStep('verify', c.verify, { ok: 'any' }),
      tmpStep('read', c.read),
      {
        kind: 'check',
        id: 'check',
        describe: 'the new certificate verifies, has the target SANs and the key',
        check: 'new-cert',
      },
      tmpStep('install', installCommand(a.cert, backup, `${tmp}/server.crt`), {
        invalidates: ['x509:', `file:${a.cert}`, `file:${backup}`],
      }),
      tmpStep('cleanup', c.cleanup, { always: true }),
    ];
    return {
      changes: [
        {
          describe: why,
          diff: {
            path: `${a.cert} (SANs)`,
            before: sanTokens(cert.sans).join('\n') + '\n',
            after: sanTokens(target).join('\n') + '\n' + reasons.join(''),
          },
          steps,
        },
      ],
      state: { target, keySha256, caPem: ca.pem, previousSerial: cert.serial, backup },
      result,
    };
  },
  checks: {
    'new-cert': (outputs, p, a) => void verifyNew(a, p.state as State, outputs),
  },
  result({ plan, outputs }) {
    const s = plan.state as State | undefined;
    const read = outputs['read'] as ExecOutput | undefined;
    if (!s || !read || !outputs['install']) return { ...plan.result };
    const fresh = parseCertificate(read.stdout, 'new certificate');
    return {
      ...plan.result,
      backup: s.backup,
      serial: fresh.serial,
      previous_serial: s.previousSerial,
      not_after: fresh.notAfter,
      sans: sanTokens(fresh.sans),
    };
  },
});

/** The new certificate must verify against the CA, carry exactly the target SANs and match the key. */
function verifyNew(a: Args, s: State, outputs: StepOutputs): CertInfo {
  const v = outputs['verify'] as ExecOutput;
  const pem = (outputs['read'] as ExecOutput).stdout;
  const fresh = parseCertificate(pem, 'new certificate');
  const problems: string[] = [];
  if (v.code !== 0 || !/: OK\s*$/.test(v.stdout))
    problems.push(`openssl verify: ${(v.stderr || v.stdout).trim()}`);
  if (!isSignedBy(fresh.pem, s.caPem)) problems.push('not signed by the CA');
  if (!sameSans(fresh.sans, s.target)) {
    problems.push(
      `SANs ${sanTokens(fresh.sans).join(',')} differ from the target ${sanTokens(s.target).join(',')}`,
    );
  }
  if (fresh.publicKeySha256 !== s.keySha256) problems.push(`its public key is not that of ${a.key}`);
  if (problems.length) {
    throw new ModuleError(
      `new certificate failed verification: ${problems.join('; ')}; ${a.cert} was left in place`,
      {
        hint: 'check csr_template (alt_names, v3_ext) and the CA files',
      },
    );
  }
  return fresh;
}
