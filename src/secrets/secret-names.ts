/** Variable names whose values are secret wherever they go: `ansible_password`, `db_token`, `vf_password` ... */
const SECRET_VAR = /(^|_)(password|pass|passwd|passphrase|secret|private_key|token)$/i;

/** Is this a variable name whose value must never be shown? */
export function isSecretVarName(name: string): boolean {
  return SECRET_VAR.test(name);
}
