/**
 * The values of secret-named variables (`ansible_password`, `ansible_become_password`, `db_token`, ...) known
 * before a run starts — every host's inventory variables, `-e` extra vars and play vars — added to the run's
 * SecretValues, so reporters and the journal mask them wherever they would appear, also when a task prints
 * one on purpose (`debug: msg="{{ ansible_become_password }}"`) or a command echoes it. Templated values are
 * added when a template reads them (src/template/secret-tracking.ts).
 */
import { isSecret } from '../command';
import type { Inventory, Vars } from '../inventory/types';
import type { Playbook } from '../playbook/types';
import { isSecretVarName } from '../secrets/secret-names';
import type { SecretValues } from '../secrets/secret-values';
import { Templar } from '../template/index';

function collect(vars: Vars, out: SecretValues): void {
  for (const [k, v] of Object.entries(vars)) {
    const value = isSecret(v) ? v.reveal() : v;
    if (!isSecretVarName(k) || (typeof value === 'string' && Templar.isTemplated(value))) continue;
    out.addTree(value);
  }
}

export function addSecretLiterals(
  out: SecretValues,
  inventory: Inventory,
  extraVars: Vars,
  playbook: Playbook,
  known: readonly string[] = [],
): void {
  for (const s of known) out.add(s);
  for (const host of inventory.hosts.keys()) collect(inventory.hostVars(host), out);
  collect(extraVars, out);
  for (const play of playbook.plays) collect(play.vars, out);
}
