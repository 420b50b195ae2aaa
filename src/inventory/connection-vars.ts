/**
 * Connection variables whose values can be checked when the inventory loads, so a bad one is a located
 * inventory error and not a `NaN` port at connect time: `ansible_port` / `ansible_ssh_port` must be a
 * whole number from 1 to 65535 (a templated value is checked when it is used).
 */
const PORT_VARS = new Set(['ansible_port', 'ansible_ssh_port']);

export interface VarProblem {
  msg: string;
  hint: string;
}

export function connectionVarProblem(key: string, value: unknown): VarProblem | undefined {
  if (!PORT_VARS.has(key) || value === null || value === undefined) return undefined;
  if (typeof value === 'string' && value.includes('{{')) return undefined;
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return undefined;
  return {
    msg: `${key}=${JSON.stringify(value)} is not a port number`,
    hint: 'a port is a whole number from 1 to 65535 (22 for sshd)',
  };
}
