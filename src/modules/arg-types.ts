/**
 * Argument types as Ansible's argument specs convert them: booleans from `yes`/`no`/`true`/`false`/`1`/`0`
 * strings (INI inventory values and k=v args arrive as strings), integers from digit strings.
 */
import { z } from 'zod';

const TRUE = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE = new Set(['no', 'false', 'off', '0', 'n']);

function toBool(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  if (v === 1) return true;
  if (v === 0) return false;
  return v;
}

function toInt(v: unknown): unknown {
  return typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
}

/** A boolean argument that also takes Ansible's boolean strings. */
export function boolArg() {
  return z.preprocess(toBool, z.boolean());
}

/** An integer argument that also takes a string of digits. */
export function intArg(range: { min?: number; max?: number } = {}) {
  let n = z.number().int();
  if (range.min !== undefined) n = n.min(range.min);
  if (range.max !== undefined) n = n.max(range.max);
  return z.preprocess(toInt, n);
}
