/** Per-host, per-run cache of facts by key: two tasks asking for the same fact run its command once. */
import type { Fact } from '../facts/types';

export class FactsCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  /** The cached value of `fact`, loading it with `load` on first use. A failed load is not cached. */
  get<T>(fact: Fact<T>, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(fact.key);
    if (hit) return hit as Promise<T>;
    const p = load();
    this.entries.set(fact.key, p);
    p.catch(() => {
      if (this.entries.get(fact.key) === p) this.entries.delete(fact.key);
    });
    return p;
  }

  /** Is this fact cached (or being loaded)? */
  has(fact: Fact<unknown>): boolean {
    return this.entries.has(fact.key);
  }

  /** Cache a value known without asking (a file just written): the next `get` does not run the fact. */
  set<T>(fact: Fact<T>, value: T): void {
    this.entries.set(fact.key, Promise.resolve(value));
  }

  /** Drop every cached fact whose key starts with `prefix` (all of them without a prefix). */
  invalidate(prefix?: string): void {
    if (prefix === undefined) return this.entries.clear();
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
