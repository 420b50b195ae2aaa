/**
 * Host-key trust like OpenSSH: known_hosts files with plain and hashed (`|1|salt|hash`) host patterns,
 * `[host]:port` for non-22 ports, wildcards and negations, `@revoked` keys. `@cert-authority` lines are
 * read but not used (ssh2 does not negotiate host certificates): a host only known through a CA is
 * "unknown". Policies: `strict` (unknown or changed → refuse), `accept-new` (record unknown keys, refuse
 * changed ones), `off` (accept anything; the caller warns).
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

export interface KnownHostLine {
  marker?: 'cert-authority' | 'revoked';
  patterns: string;
  keyType: string;
  /** base64 of the key blob */
  key: string;
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'ok'; line: KnownHostLine }
  /** `others`: keys of other types known for the host (OpenSSH calls the host's key new, not changed). */
  | { status: 'unknown'; others: KnownHostLine[] }
  | { status: 'changed'; line: KnownHostLine }
  | { status: 'revoked'; line: KnownHostLine };

/** `SHA256:...` as OpenSSH prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type written at the start of an SSH public key blob (`ssh-ed25519`, ...). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + n).toString('latin1');
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    const parts = l.split(/\s+/);
    let marker: KnownHostLine['marker'];
    if (parts[0]!.startsWith('@')) {
      const m = parts.shift()!.slice(1);
      if (m !== 'cert-authority' && m !== 'revoked') return;
      marker = m;
    }
    if (parts.length < 3) return;
    out.push({ marker, patterns: parts[0]!, keyType: parts[1]!, key: parts[2]!, file, line: i + 1 });
  });
  return out;
}

/** Compiled patterns: every host's verify walks every known_hosts line (a 1,000-line file, 1,000 hosts). */
const globCache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let cached = globCache.get(glob);
  if (!cached) {
    cached = compileGlob(glob);
    if (globCache.size < 100_000) globCache.set(glob, cached);
  }
  return cached;
}

function compileGlob(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

function matchHashed(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const h = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return h === hash;
}

/** Whether a known_hosts pattern list matches `name` (`host` or `[host]:port`). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return matchHashed(patterns, name);
  let matched = false;
  for (const p of patterns.split(',')) {
    const neg = p.startsWith('!');
    const pat = neg ? p.slice(1) : p;
    if (globToRegExp(pat).test(name)) {
      if (neg) return false;
      matched = true;
    }
  }
  return matched;
}

export class KnownHosts {
  private lines: KnownHostLine[] = [];
  private loaded = false;

  /** `files[0]` is where accept-new records keys. */
  constructor(private readonly files: string[]) {}

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const f of this.files) {
      if (!existsSync(f)) continue;
      this.lines.push(...parseKnownHosts(readFileSync(f, 'utf8'), f));
    }
  }

  verify(host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
    this.load();
    const names = [knownHostsName(host, port)];
    const b64 = keyBlob.toString('base64');
    const type = keyTypeOf(keyBlob);
    const matching = this.lines.filter((l) => names.some((n) => patternsMatch(l.patterns, n)));
    // A revoked key is refused for every host, whatever its patterns say (stricter than needed, never looser).
    const revoked = this.lines.find((l) => l.marker === 'revoked' && l.key === b64);
    if (revoked) return { status: 'revoked', line: revoked };
    const plain = matching.filter((l) => !l.marker);
    const ok = plain.find((l) => l.key === b64);
    if (ok) return { status: 'ok', line: ok };
    // A different key of the same type for this host: changed. Keys of other types only: unknown, as for
    // OpenSSH (the offer puts the known types first — see host-key-algorithms.ts — so a server holding the
    // known key proves it; one that does not is new to us, refused under `strict`).
    const same = plain.find((l) => l.keyType === type);
    if (same) return { status: 'changed', line: same };
    return { status: 'unknown', others: plain };
  }

  /** The key types (`ssh-ed25519`, `ecdsa-sha2-nistp256`, ...) known_hosts holds for a host. */
  keyTypes(host: string, port: number): string[] {
    this.load();
    const name = knownHostsName(host, port);
    return [
      ...new Set(
        this.lines.filter((l) => !l.marker && patternsMatch(l.patterns, name)).map((l) => l.keyType),
      ),
    ];
  }

  /** Record a key (accept-new). */
  add(host: string, port: number, keyBlob: Buffer): string {
    this.load();
    const file = this.files[0]!;
    const l: KnownHostLine = {
      patterns: knownHostsName(host, port),
      keyType: keyTypeOf(keyBlob),
      key: keyBlob.toString('base64'),
      file,
      line: 0,
    };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${l.patterns} ${l.keyType} ${l.key}\n`, { mode: 0o600 });
    this.lines.push(l);
    return file;
  }
}
