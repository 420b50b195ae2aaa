/**
 * The literal values of secret-named variables (`ansible_password`, `ansible_become_password`, `db_token`, ...)
 * known before a run starts: from every host's inventory variables, `-e` extra vars and play vars. Reporters and
 * the journal mask these strings wherever they would appear — also when a task prints one on purpose
 * (`debug: msg="{{ ansible_become_password }}"`) or a command echoes it.
 */
import { isSecret } from '../command';
import type { Inventory, Vars } from '../inventory/types';
import type { Playbook } from '../playbook/types';
import { isSecretVarName } from '../runner/sanitize';
import { Templar } from '../template/index';

/** Shorter strings would mask ordinary words and numbers all over the output. */
const MIN_SECRET_LENGTH = 3;

function collect(vars: Vars, out: Set<string>): void {
  for (const [k, v] of Object.entries(vars)) {
    const value = isSecret(v) ? v.reveal() : v;
    if (!isSecretVarName(k) || typeof value !== 'string') continue;
    // a templated value is rendered at run time; its result is masked where it is a secret-named field
    if (value.length < MIN_SECRET_LENGTH || Templar.isTemplated(value)) continue;
    out.add(value);
    // the same value inside JSON output (NDJSON, journal) is escaped
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) out.add(escaped);
  }
}

export function secretLiterals(
  inventory: Inventory,
  extraVars: Vars,
  playbook: Playbook,
  known: readonly string[] = [],
): string[] {
  const out = new Set<string>(known.filter((s) => s.length >= MIN_SECRET_LENGTH));
  for (const host of inventory.hosts.keys()) collect(inventory.hostVars(host), out);
  collect(extraVars, out);
  for (const play of playbook.plays) collect(play.vars, out);
  // longest first, so a secret that contains another is masked whole
  return [...out].sort((a, b) => b.length - a.length);
}
