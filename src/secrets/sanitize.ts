/**
 * Structured values made safe to serialize: `secret()` values → `***`, fields with secret-looking names
 * masked, buffers summarized, functions dropped. Text is masked by value with SecretValues; this masks by
 * shape, for values whose secrets the run never saw as text.
 */
import { isSecret } from '../command';
import { isSecretVarName } from './secret-names';
import { MASK } from './secret-values';

export function sanitize(value: unknown, depth = 0): unknown {
  if (isSecret(value)) return MASK;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 20) return '[too deep]';
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretVarName(k) && v !== undefined && v !== null && v !== '') out[k] = MASK;
    else out[k] = sanitize(v, depth + 1);
  }
  return out;
}

/**
 * The same masking as `sanitize`, as a JSON.stringify replacer: no copy of the value is made (the run
 * journal serializes every task result). Throws on a cycle, as JSON.stringify does; the caller falls back.
 */
export function sanitizingReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = key === '' ? value : (this as Record<string, unknown>)[key];
  if (isSecret(raw)) return MASK;
  if (Buffer.isBuffer(raw)) return `<${raw.length} bytes>`;
  if (
    key !== '' &&
    !Array.isArray(this) &&
    raw !== undefined &&
    raw !== null &&
    raw !== '' &&
    isSecretVarName(key)
  )
    return MASK;
  return value;
}
