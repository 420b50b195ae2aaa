/**
 * Per-host fact cache: two tasks asking for the same fact (same key) run its command once per run.
 * The runner keeps one per host and hands `get` / `invalidate` to the ModuleContext (`fact`, `invalidateFacts`).
 */
import type { ExecCommand } from '../command';
import type { ExecResult } from '../transport/types';
import type { Fact } from './types';

export type FactExec = (cmd: ExecCommand, become: boolean | undefined) => Promise<ExecResult>;

export class FactCache {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly exec: FactExec) {}

  get<T>(f: Fact<T>): Promise<T> {
    const hit = this.cache.get(f.key);
    if (hit) return hit as Promise<T>;
    const p = this.exec(f.command, f.become).then((r) => f.parse(r.stdout, r));
    this.cache.set(f.key, p);
    // A failed probe is not cached: the next ask runs it again.
    p.catch(() => {
      if (this.cache.get(f.key) === p) this.cache.delete(f.key);
    });
    return p;
  }

  /** Drop facts whose key starts with `prefix` (all of them without a prefix). */
  invalidate(prefix?: string): void {
    if (prefix === undefined) return this.cache.clear();
    for (const k of [...this.cache.keys()]) if (k.startsWith(prefix)) this.cache.delete(k);
  }

  get size(): number {
    return this.cache.size;
  }
}
