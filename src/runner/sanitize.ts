/** Make a registered result safe to put in an event: secrets masked, buffers summarized, no_log censored. */
import { sanitize } from '../secrets/sanitize';

export { isSecretVarName } from '../secrets/secret-names';
export { sanitize };

export const NO_LOG_MSG =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function sanitizeResult(result: Record<string, unknown>, noLog: boolean): Record<string, unknown> {
  if (noLog) {
    const out: Record<string, unknown> = { censored: NO_LOG_MSG };
    for (const k of ['changed', 'failed', 'skipped', 'unreachable']) if (k in result) out[k] = result[k];
    return out;
  }
  return sanitize(result) as Record<string, unknown>;
}
