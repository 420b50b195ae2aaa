/**
 * What the runner learns is secret while it runs, added to the run's SecretValues so every output path
 * masks it: the output of a `no_log` task (and the facts it sets), a result registered under a secret-looking
 * name (`register: db_token`), a fact set under one (`set_fact: app_password=...`), and the secret-named
 * variables of `vars_files`.
 */
import type { Vars } from '../inventory/types';
import { isSecretVarName } from '../secrets/secret-names';
import type { SecretValues } from '../secrets/secret-values';

/**
 * The parts of a result that carry output. Metadata (`cmd`, `rc`, `changed`, `path`, `owner` ...) and loop
 * items stay visible: masking `root`, `/etc` or every host name because a no_log task looped over them would
 * blind the output (a no_log task's own item labels are hidden anyway).
 */
const OUTPUT_KEYS = [
  'stdout',
  'stdout_lines',
  'stderr',
  'stderr_lines',
  'content',
  'msg',
  'json',
  'body',
  'value',
  'results',
];

function addOutputs(secrets: SecretValues, result: Record<string, unknown>): void {
  for (const k of OUTPUT_KEYS) {
    const v = result[k];
    if (v === undefined) continue;
    // a command's msg only says how it ended ("non-zero return code"): its output is stdout/stderr
    if (k === 'msg' && 'rc' in result) continue;
    if (k === 'results' && Array.isArray(v)) {
      for (const r of v) if (r && typeof r === 'object') addOutputs(secrets, r as Record<string, unknown>);
    } else secrets.addTree(v);
  }
}

export function trackTaskSecrets(
  secrets: SecretValues | undefined,
  opts: { noLog: boolean; register?: string; module: string },
  result: Record<string, unknown>,
): void {
  if (!secrets) return;
  if (opts.noLog || (opts.register !== undefined && isSecretVarName(opts.register)))
    addOutputs(secrets, result);
  const facts = result['ansible_facts'];
  const setsVars = /(^|\.)(set_fact|include_vars)$/.test(opts.module);
  if (facts && typeof facts === 'object' && setsVars)
    for (const [k, v] of Object.entries(facts as Vars))
      if (opts.noLog || isSecretVarName(k)) secrets.addTree(v);
}

/** The values of secret-named variables (vars_files, include vars). */
export function trackSecretVars(secrets: SecretValues | undefined, vars: Vars): void {
  if (!secrets) return;
  for (const [k, v] of Object.entries(vars)) if (isSecretVarName(k)) secrets.addTree(v);
}
