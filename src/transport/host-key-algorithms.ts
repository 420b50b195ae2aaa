/**
 * Which host-key algorithms to offer, in which order — as OpenSSH does it: with no `HostKeyAlgorithms`
 * (or one that only adds `+` / removes `-`), the algorithms of the key types known_hosts already holds for
 * the host come first, so a host known by its ECDSA or RSA key is asked for that key and not for a newer
 * ed25519 one it also has. An explicit list (or one starting with `^`) is used in the order given.
 * Names and wildcards are matched against what ssh2 supports; certificate algorithms are not negotiable.
 */
// ssh2's protocol constants are not in its typings; they are a stable part of its CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const constants = require('ssh2/lib/protocol/constants') as {
  DEFAULT_SERVER_HOST_KEY: string[];
  SUPPORTED_SERVER_HOST_KEY: string[];
};

export const DEFAULT_HOST_KEY_ALGORITHMS: readonly string[] = constants.DEFAULT_SERVER_HOST_KEY;
export const SUPPORTED_HOST_KEY_ALGORITHMS: readonly string[] = constants.SUPPORTED_SERVER_HOST_KEY;

/** The signature algorithms that prove a key of a known_hosts key type. */
export function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return SUPPORTED_HOST_KEY_ALGORITHMS.includes(keyType) ? [keyType] : [];
}

function globMatch(glob: string, name: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

function expand(list: string): string[] {
  const out: string[] = [];
  for (const p of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean))
    for (const a of SUPPORTED_HOST_KEY_ALGORITHMS) if (globMatch(p, a) && !out.includes(a)) out.push(a);
  return out;
}

export interface HostKeyOffer {
  /** The list for ssh2's `algorithms.serverHostKey`, most wanted first (empty: nothing usable). */
  algorithms: string[];
  /** Whether the known_hosts key types were moved to the front. */
  reordered: boolean;
}

/** The offer for a host, from `HostKeyAlgorithms` (if set) and the key types known_hosts holds for it. */
export function hostKeyOffer(configured: string | undefined, knownTypes: string[]): HostKeyOffer {
  const spec = configured?.trim();
  let base = [...DEFAULT_HOST_KEY_ALGORITHMS];
  if (spec && spec.startsWith('+'))
    base = [...base, ...expand(spec.slice(1)).filter((a) => !base.includes(a))];
  else if (spec && spec.startsWith('-')) {
    const drop = expand(spec.slice(1));
    base = base.filter((a) => !drop.includes(a));
  } else if (spec && spec.startsWith('^')) {
    const head = expand(spec.slice(1));
    return { algorithms: [...head, ...base.filter((a) => !head.includes(a))], reordered: false };
  } else if (spec) return { algorithms: expand(spec), reordered: false };
  // in the order of the offer (OpenSSH's order_hostkeyalgs), not the order of the known_hosts lines
  const wanted = new Set(knownTypes.flatMap(algorithmsForKeyType));
  const known = base.filter((a) => wanted.has(a));
  if (!known.length) return { algorithms: base, reordered: false };
  return { algorithms: [...new Set([...known, ...base])], reordered: true };
}
