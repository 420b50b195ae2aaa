/**
 * HTTP(S) from the controller (Node's http/https): the applier's `request` steps and read-only probes.
 * Credentials in URLs are redacted in every message.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { ModuleError } from '../errors';
import { redactUrl, type HttpRequestSpec } from '../plan/steps';

export { redactUrl } from '../plan/steps';
export type HttpRequest = HttpRequestSpec;

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  url: string;
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
