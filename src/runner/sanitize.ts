/** Make a registered result safe to put in an event: secrets masked, buffers summarized, no_log censored. */
import { isSecret } from '../command';

export const NO_LOG_MSG = 'the output has been hidden due to no_log';

import { isSecretVarName } from '../secrets/secret-names';

export { isSecretVarName };

export function sanitize(value: unknown, depth = 0): unknown {
  if (isSecret(value)) return '***';
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 20) return '[too deep]';
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretVarName(k) && v !== undefined && v !== null && v !== '') out[k] = '***';
    else out[k] = sanitize(v, depth + 1);
  }
  return out;
}

export function sanitizeResult(result: Record<string, unknown>, noLog: boolean): Record<string, unknown> {
  if (noLog) {
    const out: Record<string, unknown> = { censored: NO_LOG_MSG };
    for (const k of ['changed', 'failed', 'skipped', 'unreachable']) if (k in result) out[k] = result[k];
    return out;
  }
  return sanitize(result) as Record<string, unknown>;
}
