/**
 * The secret values of one run: every string that must never be printed, whatever path it takes to the
 * output. Secrecy follows the value: the runner adds values as they appear (secret-named variables,
 * vaulted data, no_log results, passwords) and the templates' re-encodings of them (`b64encode`, `upper`,
 * `to_json` ...); every reporter, the journal and error output mask them with `mask()`. One regular
 * expression, longest value first, rebuilt only after the set grew, keeps masking one pass per line.
 */
import { quote } from '../command';

/** Shorter values would mask ordinary words and numbers all over the output. */
export const MIN_SECRET_LENGTH = 3;

export const MASK = '***';

export class SecretValues {
  private readonly values = new Set<string>();
  private re: RegExp | undefined;
  private dirty = false;

  constructor(initial: Iterable<string> = []) {
    for (const v of initial) this.add(v);
  }

  get size(): number {
    return this.values.size;
  }

  /**
   * Add a secret value (strings; numbers as their text) and the forms it takes in output: escaped inside
   * JSON (NDJSON, the journal) and shell-quoted (commands at -vv). Too short values are ignored.
   */
  add(value: unknown): void {
    const s = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) return;
    for (const form of [s, JSON.stringify(s).slice(1, -1), quote(s), s.trim()]) {
      if (form.length < MIN_SECRET_LENGTH || this.values.has(form)) continue;
      this.values.add(form);
      this.dirty = true;
    }
  }

  /** Add every string (and number) inside a value: a registered result, a set_fact value, a vars file. */
  addTree(value: unknown, depth = 0): void {
    if (depth > 50) return;
    if (typeof value === 'string' || typeof value === 'number') this.add(value);
    else if (Array.isArray(value)) for (const v of value) this.addTree(v, depth + 1);
    else if (value && typeof value === 'object')
      for (const v of Object.values(value as Record<string, unknown>)) this.addTree(v, depth + 1);
  }

  has(value: string): boolean {
    return this.values.has(value);
  }

  private regex(): RegExp | undefined {
    if (this.dirty || (!this.re && this.values.size)) {
      const sorted = [...this.values].sort((a, b) => b.length - a.length);
      this.re = new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
      this.dirty = false;
    }
    return this.values.size ? this.re : undefined;
  }

  /** Does `text` contain any secret value? */
  containsSecret(text: string): boolean {
    const re = this.regex();
    if (!re || text.length < MIN_SECRET_LENGTH) return false;
    re.lastIndex = 0;
    return re.test(text);
  }

  /** `text` with every secret value replaced by `***`. */
  mask(text: string): string {
    const re = this.regex();
    if (!re || text.length < MIN_SECRET_LENGTH) return text;
    re.lastIndex = 0;
    return text.replace(re, MASK);
  }

  /** The values, longest first. */
  list(): string[] {
    return [...this.values].sort((a, b) => b.length - a.length);
  }
}

/** Mask with a live set, a fixed list of literals, or nothing. */
export function maskSecrets(text: string, secrets: SecretValues | readonly string[] | undefined): string {
  if (!secrets) return text;
  if (secrets instanceof SecretValues) return secrets.mask(text);
  if (!secrets.length) return text;
  let out = text;
  for (const s of secrets) if (s && s.length >= MIN_SECRET_LENGTH) out = out.split(s).join(MASK);
  return out;
}
