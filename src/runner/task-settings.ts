/** Connection-side task settings: become (task/block/play keywords, then `ansible_become*` vars) and environment. */
import { isSecret, secret } from '../command';
import type { Vars } from '../inventory/types';
import type { BecomeOptions } from '../transport/types';
import type { InheritedKeywords } from './play-context';
import type { TemplarLike } from './types';

/** become from task/block/play keywords, then `ansible_become*` inventory vars. */
export function resolveBecome(
  kw: InheritedKeywords,
  vars: Vars,
  password: BecomeOptions['password'] | undefined,
  templar: TemplarLike,
): BecomeOptions | undefined {
  const on =
    kw.become === undefined
      ? boolVar(vars['ansible_become'])
      : typeof kw.become === 'boolean'
        ? kw.become
        : boolVar(templar.render(kw.become, vars)); // become: "{{ use_sudo }}"
  if (!on) return undefined;
  const method = (kw.becomeMethod ??
    (vars['ansible_become_method'] as string | undefined) ??
    'sudo') as BecomeOptions['method'];
  // become_user: "{{ app_user }}" is rendered like any keyword value (inventory vars already are)
  const user =
    kw.becomeUser !== undefined
      ? String(templar.render(kw.becomeUser, vars))
      : ((vars['ansible_become_user'] as string | undefined) ?? 'root');
  const out: BecomeOptions = { method, user };
  const pw = password ?? vars['ansible_become_password'] ?? vars['ansible_become_pass'];
  if (pw !== undefined && pw !== null && pw !== '') out.password = isSecret(pw) ? pw : secret(String(pw));
  const flags = vars['ansible_become_flags'];
  if (typeof flags === 'string') out.flags = flags;
  return out;
}

function boolVar(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return /^(true|yes|on|1)$/i.test(v.trim());
  return v === 1;
}

export function resolveEnvironment(
  env: InheritedKeywords['environment'],
  templar: TemplarLike,
  vars: Vars,
): Record<string, string> | undefined {
  if (env === undefined) return undefined;
  const rendered = templar.render(env, vars);
  if (!rendered || typeof rendered !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rendered as Vars))
    if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}
