/**
 * `uri`: an HTTP(S) request, from the controller (Node http/https) or with `on_target: true` from the
 * target (curl). Like Ansible it reports ok, never changed (use `changed_when`). GET/HEAD/OPTIONS are
 * read-only: sent by the probe, in --check too. Other methods are a planned step (a `request` step, or
 * the curl exec on the target) that only a real run sends; --check shows it and reports the task skipped.
 */
import { z } from 'zod';
import { boolArg, intArg } from './arg-types';
import { ModuleError } from '../errors';
import type { ExecOutput, Step, StepOutputs } from '../plan/steps';
import {
  controllerRequest,
  curlCommand,
  parseCurl,
  redactUrl,
  type HttpRequest,
  type HttpResponse,
} from './http-request';
import { defineModule } from './types';

const args = z
  .object({
    url: z.string().min(1).describe('http:// or https:// URL'),
    method: z.string().default('GET').describe('HTTP method'),
    body: z.unknown().optional().describe('Request body (with body_format json: any value, serialized)'),
    body_format: z.enum(['raw', 'json', 'form-urlencoded']).default('raw').describe('How to encode body'),
    headers: z.record(z.string(), z.string()).default({}).describe('Request headers'),
    status_code: z
      .union([intArg(), z.array(intArg())])
      .default([200])
      .describe('Accepted status codes'),
    return_content: boolArg()
      .default(false)
      .describe('Put the body in `content` (and parsed JSON in `json`)'),
    validate_certs: boolArg().default(true).describe('Verify the server certificate'),
    ca_path: z.string().optional().describe('PEM CA bundle to verify the server with'),
    timeout: intArg({ min: 1 }).default(30).describe('Seconds'),
    follow_redirects: z
      .enum(['none', 'safe', 'all'])
      .default('safe')
      .describe('Follow redirects (curl only; Node does not follow)'),
    on_target: boolArg()
      .default(false)
      .describe('Send the request from the target with curl instead of from the controller'),
  })
  .strict();

type Args = z.infer<typeof args>;

interface Facts {
  request: HttpRequest;
  /** The response of a read-only request (sent by the probe). */
  response?: HttpResponse;
}

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

function encodeBody(a: Args, headers: Record<string, string>): string | undefined {
  if (a.body === undefined) return undefined;
  const has = (h: string) => Object.keys(headers).some((k) => k.toLowerCase() === h);
  if (a.body_format === 'json') {
    if (!has('content-type')) headers['Content-Type'] = 'application/json';
    return typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  }
  if (a.body_format === 'form-urlencoded') {
    if (!has('content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    if (typeof a.body === 'string') return a.body;
    return new URLSearchParams(
      Object.entries(a.body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
  }
  return typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
}

export default defineModule<typeof args, Facts, HttpRequest>({
  name: 'uri',
  description: 'Send an HTTP(S) request from the controller (or the target with curl) and check its status',
  args,
  async probe(ctx, a) {
    const method = a.method.toUpperCase();
    const headers = { ...a.headers };
    const body = encodeBody(a, headers);
    const req: HttpRequest = {
      url: a.url,
      method,
      headers,
      body,
      validateCerts: a.validate_certs,
      caPath: a.ca_path,
      timeoutSec: a.timeout,
      followRedirects: a.follow_redirects !== 'none',
    };
    if (!READ_ONLY.has(method)) return { request: req };
    if (!a.on_target) return { request: req, response: await controllerRequest(req, ctx.signal) };
    const r = await ctx.exec(curlCommand(req), { stdin: req.body, timeoutMs: (req.timeoutSec + 10) * 1000 });
    return { request: req, response: parseCurl(req, r) };
  },
  plan(a, f) {
    if (f.response) return { changes: [], result: responseResult(a, f.response) };
    // A request that may change something: sent by a real run only, still no change of its own (Ansible).
    const send: Step = a.on_target
      ? {
          kind: 'exec',
          id: 'request',
          cmd: curlCommand(f.request),
          stdin: f.request.body,
          ok: 'any',
          timeoutMs: (f.request.timeoutSec + 10) * 1000,
          invalidates: [],
        }
      : { kind: 'request', id: 'request', request: f.request };
    return {
      changes: [],
      prelude: [send],
      state: f.request,
      unknownInCheck: true,
      result: { msg: `${f.request.method} not sent in check mode` },
    };
  },
  result({ args: a, plan, outputs }) {
    return responseResult(a, sentResponse(plan.state!, outputs));
  },
});

function sentResponse(req: HttpRequest, outputs: StepOutputs): HttpResponse {
  const o = outputs['request'];
  if (o?.kind === 'request') return o;
  return parseCurl(req, o as ExecOutput);
}

function responseResult(a: Args, r: HttpResponse): Record<string, unknown> {
  {
    const codes = Array.isArray(a.status_code) ? a.status_code : [a.status_code];
    const result: Record<string, unknown> = {
      status: r.status,
      url: r.url,
      ...lowerHeaders(r.headers),
      msg: `OK (${r.body.length} bytes)`,
    };
    result.content_length = r.body.length;
    if (a.return_content) {
      result.content = r.body;
      if ((r.headers['content-type'] ?? '').includes('json')) {
        try {
          result.json = JSON.parse(r.body);
        } catch {
          /* not JSON after all */
        }
      }
    }
    if (!codes.includes(r.status)) {
      throw new ModuleError(
        `Status code was ${r.status} and not [${codes.join(', ')}]: ${a.method.toUpperCase()} ${redactUrl(a.url)}`,
        {
          data: { ...result, msg: `Status code was ${r.status}` },
        },
      );
    }
    return result;
  }
}

function lowerHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase().replace(/-/g, '_')] = v;
  return out;
}
