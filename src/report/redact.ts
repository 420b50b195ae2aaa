/** Last line of defence before text leaves the process: mask literal secrets and secret-named fields. */
import { sanitize } from '../runner/sanitize';

export function maskLiterals(text: string, secrets: readonly string[] | undefined): string {
  if (!secrets?.length) return text;
  let out = text;
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** An event or any value, safe to serialize: Secret → ***, secret-named keys masked, buffers summarized. */
export function redactValue<T>(v: T): T {
  return sanitize(v) as T;
}
