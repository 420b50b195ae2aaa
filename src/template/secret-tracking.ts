/**
 * Secrets follow their values through templates. A secret-named variable's value becomes a run secret the
 * moment a template reads it; a filter that only re-encodes text (`b64encode`, `upper`, `to_json`, `quote`
 * ...) applied to anything holding a secret gives a new secret value, so `{{ pw | b64encode }}` is masked
 * in output like `{{ pw }}`. What `lookup('password', ...)` returns is secret.
 */
import type * as nunjucks from 'nunjucks';
import { isSecretVarName } from '../secrets/secret-names';
import type { SecretValues } from '../secrets/secret-values';

/**
 * Filters whose output is the input in another encoding (not one-way hashes). Filters that keep a secret's
 * text as it is inside their output (`join`, `first`, `string`, `format` ...) need no tracking: the value is
 * masked where it appears.
 */
export const RE_ENCODING_FILTERS = [
  'b64encode',
  'b64decode',
  'upper',
  'lower',
  'capitalize',
  'title',
  'trim',
  'reverse',
  'to_json',
  'to_nice_json',
  'to_yaml',
  'to_nice_yaml',
  'from_json',
  'from_yaml',
  'from_yaml_all',
  'quote',
  'urlencode',
  'replace',
  'regex_replace',
];

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

export function trackSecretVar(secrets: SecretValues, name: string, value: unknown): void {
  if (isSecretVarName(name)) secrets.addTree(value);
}

/** Lookups whose results are secrets whatever variable they land in. */
const SECRET_LOOKUPS = new Set(['password', 'ansible.builtin.password']);

export function trackSecretLookup(secrets: SecretValues, name: string, results: unknown): void {
  if (SECRET_LOOKUPS.has(name)) secrets.addTree(results);
}

export function trackSecretFilters(env: nunjucks.Environment, secrets: SecretValues): void {
  for (const base of RE_ENCODING_FILTERS) {
    for (const name of [base, `ansible.builtin.${base}`]) {
      let fn: (...a: unknown[]) => unknown;
      try {
        fn = env.getFilter(name) as (...a: unknown[]) => unknown;
      } catch {
        continue;
      }
      if (typeof fn !== 'function') continue;
      env.addFilter(name, function (this: unknown, input: unknown, ...args: unknown[]) {
        const out = fn.call(this, input, ...args);
        if (secrets.size && secrets.containsSecret(text(input))) secrets.addTree(out);
        return out;
      });
    }
  }
}
