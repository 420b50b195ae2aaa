/**
 * Unit-test seams for the x509/kube modules: a ModuleContext that runs commands with the real local
 * transport (so real openssl runs on temp files), caches facts like the runner does, and renders
 * templates with nunjucks; plus `runModule` (the runner's own pipeline: probe → plan → the applier unless
 * check) and a real PKI fixture.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nunjucks from 'nunjucks';
import { CommandError } from '../../src/errors';
import type { Fact } from '../../src/facts/types';
import type { Change, ModuleDefinition } from '../../src/modules/types';
import type { ApplierContext } from '../../src/runner/applier';
import { runModuleCall } from '../../src/runner/module-call';
import { LocalTransport } from '../../src/transport/local';
import type { ExecResult } from '../../src/transport/types';

export interface FakeContext extends ApplierContext {
  check: boolean;
  /** Every command display, in order. */
  commands: string[];
}

export function localContext(
  opts: { check?: boolean; playbookDir?: string; vars?: Record<string, unknown> } = {},
): FakeContext {
  const t = new LocalTransport('localhost');
  const cache = new Map<string, unknown>();
  const commands: string[] = [];
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  const ctx: FakeContext = {
    host: 'localhost',
    vars: { inventory_hostname: 'kube01', ...(opts.vars ?? {}) },
    check: opts.check ?? false,
    diff: false,
    noLog: false,
    playbookDir: opts.playbookDir ?? path.resolve(__dirname, '../../playbooks'),
    commands,
    async exec(cmd, o = {}) {
      commands.push(cmd.display);
      const { become: _b, traced: _t, ...rest } = o;
      return t.exec(cmd, rest);
    },
    async run(cmd, o) {
      const r: ExecResult = await ctx.exec(cmd, o);
      if (r.code !== 0)
        throw new CommandError('localhost', cmd.display, r.code, r.signal, r.stderr, r.durationMs);
      return r;
    },
    put: (p, c, o) => t.put(p, c, o),
    get: (p) => t.get(p),
    async fact<T>(f: Fact<T>): Promise<T> {
      if (!cache.has(f.key)) {
        const r = await ctx.exec(f.command);
        cache.set(f.key, f.parse(r.stdout, r));
      }
      return cache.get(f.key) as T;
    },
    invalidateFacts(prefix) {
      for (const k of [...cache.keys()]) if (!prefix || k.startsWith(prefix)) cache.delete(k);
    },
    render: (tpl, extra) => env.renderString(tpl, { ...ctx.vars, ...(extra ?? {}) }),
    log: () => undefined,
    warn: () => undefined,
    signal: new AbortController().signal,
  };
  return ctx;
}

export interface ModuleRun {
  changes: Change[];
  result: Record<string, unknown>;
  applied: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runModule(
  mod: ModuleDefinition<any, any, any>,
  ctx: FakeContext,
  rawArgs: unknown,
): Promise<ModuleRun> {
  const a = mod.args.parse(rawArgs);
  const r = await runModuleCall(mod, a, ctx, ctx.check);
  const applied = !ctx.check && r.plan.changes.length > 0;
  return { changes: r.changes, result: r.result, applied };
}

function openssl(cwd: string, ...args: string[]): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Pki {
  dir: string;
  cleanup(): void;
  /** Issue server.crt for server.key with these SANs (openssl subjectAltName syntax). */
  issue(sans: string, opts?: { key?: string; days?: number }): void;
}

/**
 * The scenario's PKI in a temp dir: ca.crt/ca.key (CN kube01-ca), server.key, and server.crt with the
 * pre-migration SANs (IP:172.16.0.1, IP:192.168.0.1 + kubernetes names).
 */
export function makePki(): Pki {
  const dir = mkdtempSync(path.join(tmpdir(), 'remediate-pki-'));
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=kube01-ca',
    '-days',
    '3650',
  );
  openssl(dir, 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'server.key');
  const pki: Pki = {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    issue(sans, o = {}) {
      writeFileSync(
        path.join(dir, 'ext.cnf'),
        `subjectAltName=${sans}\nextendedKeyUsage=serverAuth,clientAuth\n`,
      );
      openssl(
        dir,
        'req',
        '-new',
        '-key',
        o.key ?? 'server.key',
        '-subj',
        '/CN=kube-apiserver',
        '-out',
        'server.csr',
      );
      openssl(
        dir,
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        '0x1001',
        '-days',
        String(o.days ?? 365),
        '-extfile',
        'ext.cnf',
        '-out',
        'server.crt',
      );
      rmSync(path.join(dir, 'server.csr'));
      rmSync(path.join(dir, 'ext.cnf'));
    },
  };
  pki.issue(OLD_SANS);
  return pki;
}

export const OLD_SANS =
  'DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster,DNS:kubernetes.default.svc.cluster.local,DNS:kube01,IP:172.16.0.1,IP:192.168.0.1';
export const GOOD_SANS =
  'DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster,DNS:kubernetes.default.svc.cluster.local,DNS:kube01,IP:10.254.0.1,IP:192.168.0.1';

/** `x509_reissue` arguments for the scenario's master on a `makePki()` PKI, plus `extra`. */
export function reissueArgs(pki: Pki, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cert: path.join(pki.dir, 'server.crt'),
    key: path.join(pki.dir, 'server.key'),
    ca_cert: path.join(pki.dir, 'ca.crt'),
    ca_key: path.join(pki.dir, 'ca.key'),
    service_cidr: '10.254.0.0/24',
    node_ip: '192.168.0.1',
    hostname: 'kube01',
    csr_template: '../templates/csr.conf.j2',
    ...extra,
  };
}
