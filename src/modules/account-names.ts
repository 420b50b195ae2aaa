/**
 * Names and fields handed to useradd/usermod/groupadd and to /etc/passwd: validated before they reach a
 * command line, so no value can read as an option or break a passwd/group line.
 */
import { ModuleError } from '../errors';

/** A user or group name as shadow-utils accepts it (not numeric, not starting with `-`). */
export function checkAccountName(kind: string, v: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/.test(v))
    throw new ModuleError(`invalid ${kind} name ${JSON.stringify(v)}`, {
      hint: `${kind} names start with a letter or _ and hold up to 32 letters, digits, _, . and -`,
    });
}

/** A group given by name or numeric id (user's `group`/`groups`). */
export function checkGroupRef(v: string): void {
  if (!/^\d+$/.test(v)) checkAccountName('group', v);
}

/** A passwd field (comment, home, shell): no `:` and no line breaks. Paths must be absolute. */
export function checkField(field: string, v: string | undefined, path = false): void {
  if (v === undefined) return;
  if (/[:\n\r]/.test(v) || (path && !v.startsWith('/')))
    throw new ModuleError(`invalid ${field} ${JSON.stringify(v)}`, {
      hint: path ? `${field} is an absolute path without ':'` : `${field} holds no ':' and no line break`,
    });
}
