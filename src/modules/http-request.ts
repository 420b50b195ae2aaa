/**
 * `uri`'s requests from the target, with curl; the same response shape as the controller's
 * (src/transport/http.ts). `curlCommand` builds the exec, `parseCurl` reads its output.
 */
import { raw, secret, sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import type { ExecOutput } from '../plan/steps';
import { redactUrl, type HttpRequest, type HttpResponse } from '../transport/http';

export { controllerRequest, redactUrl, type HttpRequest, type HttpResponse } from '../transport/http';

/** The curl command sending `req` from the target (the body goes on stdin). */
export function curlCommand(req: HttpRequest): ExecCommand {
  // Header values may be credentials (Authorization, cookies): masked in the displayed command.
  const hdrs = Object.entries(req.headers).flatMap(([k, v]) => ['-H', secret(`${k}: ${v}`)]);
  const url = redactUrl(req.url) === req.url ? req.url : secret(req.url);
  const flags: string[] = ['-sS', '-X', req.method, '--max-time', String(req.timeoutSec), '-D', '-'];
  if (!req.validateCerts) flags.push('-k');
  if (req.caPath) flags.push('--cacert', req.caPath);
  if (req.followRedirects) flags.push('-L');
  if (req.body !== undefined) flags.push('--data-binary', '@-');
  return sh`command -v curl >/dev/null 2>&1 || { echo 'uri: curl is not installed on the target' >&2; exit 127; }
curl ${flags} ${hdrs} -w ${raw("'\\n%{http_code} %{size_header}'")} -- ${url}`;
}

/** The response curl printed (`curlCommand`), or a ModuleError when the request failed. */
export function parseCurl(req: HttpRequest, r: Pick<ExecOutput, 'stdout' | 'stderr' | 'code'>): HttpResponse {
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
