/**
 * One HTTP(S) request for `uri`: from the controller with Node's http/https, or on the target with curl.
 * Both return the same shape.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { raw, secret, sh } from '../command';
import { ModuleError } from '../errors';
import type { ModuleContext } from './types';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  validateCerts: boolean;
  /** PEM CA bundle path (on the controller, or on the target for curl). */
  caPath?: string;
  timeoutSec: number;
  followRedirects: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  url: string;
}

/** The URL with any `user:password@` replaced by `***@`, for messages and results. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

export function controllerRequest(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(req.url);
    } catch {
      return reject(new ModuleError(`invalid url: ${redactUrl(req.url)}`));
    }
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
    if (!lib) return reject(new ModuleError(`unsupported url scheme ${u.protocol} (http and https only)`));
    const opts: https.RequestOptions = {
      method: req.method,
      headers: req.headers,
      timeout: req.timeoutSec * 1000,
      signal,
    };
    if (u.protocol === 'https:') {
      opts.rejectUnauthorized = req.validateCerts;
      if (req.caPath) opts.ca = fs.readFileSync(req.caPath);
    }
    const r = lib.request(u, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({
          status: res.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
          url: redactUrl(req.url),
        });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`timed out after ${req.timeoutSec} s`)));
    r.on('error', (e) =>
      reject(
        new ModuleError(`Status code was -1: request to ${redactUrl(req.url)} failed: ${e.message}`, {
          data: { status: -1, url: redactUrl(req.url) },
        }),
      ),
    );
    if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}

export async function targetRequest(ctx: ModuleContext, req: HttpRequest): Promise<HttpResponse> {
  // Header values may be credentials (Authorization, cookies): masked in the displayed command.
  const hdrs = Object.entries(req.headers).flatMap(([k, v]) => ['-H', secret(`${k}: ${v}`)]);
  const url = redactUrl(req.url) === req.url ? req.url : secret(req.url);
  const flags: string[] = ['-sS', '-X', req.method, '--max-time', String(req.timeoutSec), '-D', '-'];
  if (!req.validateCerts) flags.push('-k');
  if (req.caPath) flags.push('--cacert', req.caPath);
  if (req.followRedirects) flags.push('-L');
  if (req.body !== undefined) flags.push('--data-binary', '@-');
  const cmd = sh`command -v curl >/dev/null 2>&1 || { echo 'uri: curl is not installed on the target' >&2; exit 127; }
curl ${flags} ${hdrs} -w ${raw("'\\n%{http_code} %{size_header}'")} -- ${url}`;
  const r = await ctx.exec(cmd, { stdin: req.body, timeoutMs: (req.timeoutSec + 10) * 1000 });
  if (r.code !== 0) {
    throw new ModuleError(`Status code was -1: Request failed: ${r.stderr.trim().split('\n').pop()}`, {
      data: { status: -1, url: redactUrl(req.url) },
      hint: r.code === 127 ? 'install curl on the target or drop on_target' : undefined,
    });
  }
  // stdout: header blocks (-D -, one per redirect; size_header bytes), the body, then "\nCODE SIZE".
  const nl = r.stdout.lastIndexOf('\n');
  const [code, size] = r.stdout
    .slice(nl + 1)
    .trim()
    .split(' ')
    .map(Number);
  const status = code ?? 0;
  const out = Buffer.from(r.stdout.slice(0, Math.max(0, nl)), 'utf8');
  const headerText = out.subarray(0, size ?? 0).toString('utf8');
  const body = out.subarray(size ?? 0).toString('utf8');
  const headers: Record<string, string> = {};
  const blocks = headerText.split(/\r?\n\r?\n/).filter((b) => /^HTTP\//.test(b.trim()));
  for (const line of (blocks.pop() ?? '').split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, body, url: redactUrl(req.url) };
}
