/** Last line of defence before text leaves the process: mask literal secrets and secret-named fields. */
import { sanitize } from '../secrets/sanitize';
import { maskSecrets, type SecretValues } from '../secrets/secret-values';

/** Mask secret values in text: the run's live SecretValues (grows as the run learns secrets) or a fixed list. */
export function maskLiterals(text: string, secrets: SecretValues | readonly string[] | undefined): string {
  return maskSecrets(text, secrets);
}

/** An event or any value, safe to serialize: Secret → ***, secret-named keys masked, buffers summarized. */
export function redactValue<T>(v: T): T {
  return sanitize(v) as T;
}
