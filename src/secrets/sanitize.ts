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

/** Key names checked against `isSecretVarName`, remembered: result keys repeat across hosts and tasks. */
const secretNames = new Map<string, boolean>();
function isSecretName(key: string): boolean {
  let yes = secretNames.get(key);
  if (yes === undefined) {
    if (secretNames.size >= 4096) secretNames.clear(); // keys from data (file names ...): stay bounded
    secretNames.set(key, (yes = isSecretVarName(key)));
  }
  return yes;
}

/**
 * Would `sanitizingReplacer` change anything in `value` when serialized? No when it holds no `secret()`
 * value, no buffer (nor anything else that serializes itself through `toJSON`, dates apart), no non-empty
 * value under a secret-looking name (`names`: false where the names are fixed by a type, none of them
 * secret-looking) and is at most 20 levels deep (a cycle is not); then the plain `JSON.stringify` gives
 * the same text, several times faster than with the replacer. Errs towards yes.
 */
export function needsSanitizing(value: unknown, depth = 0, names = true): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > 20) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date)) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (needsSanitizing(v, depth + 1, names)) return true;
    return false;
  }
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'object' ? v === null : v === undefined || v === '') continue;
    if (names && isSecretName(k)) return true;
    if (typeof v === 'object' && needsSanitizing(v, depth + 1, names)) return true;
  }
  return false;
}
