/** Concurrency primitives of the runner: the forks semaphore and the lockstep barrier of `strategy: linear`. */

/** At most `limit` holders at once; waiters are served in arrival order. Tracks the peak for tests. */
export class Semaphore {
  private inUse = 0;
  private readonly queue: (() => void)[] = [];
  peak = 0;
  constructor(private readonly limit: number) {
    if (!(limit >= 1)) this.limit = 1;
  }
  async acquire(): Promise<() => void> {
    if (this.inUse >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    else this.inUse++;
    this.peak = Math.max(this.peak, this.inUse);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.inUse--;
    };
  }
  async with<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** What a host is about to run at a lockstep step (absent when it sits the step out). */
export interface StepInfo {
  key: object;
  name: string;
  loc: string;
  handler?: boolean;
}

export interface StepGroup {
  info: StepInfo;
  hosts: string[];
}

/**
 * `strategy: linear`: every active host must arrive before any of them runs its next task, so hosts go
 * task by task together. Hosts that finish the play `leave`. `onRelease` sees who runs what at each step.
 */
export class LockstepBarrier {
  private readonly active: Set<string>;
  private waiting = new Map<string, { info?: StepInfo; resolve: () => void }>();
  constructor(
    hosts: string[],
    private readonly onRelease: (groups: StepGroup[]) => void,
  ) {
    this.active = new Set(hosts);
  }
  arrive(host: string, info?: StepInfo): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.set(host, { info, resolve });
      this.maybeRelease();
    });
  }
  leave(host: string): void {
    this.active.delete(host);
    this.maybeRelease();
  }
  private maybeRelease(): void {
    // a waiting host is always active (hosts leave only once their walk is over): counting suffices
    if (this.waiting.size === 0 || this.waiting.size < this.active.size) return;
    const batch = this.waiting;
    this.waiting = new Map();
    const groups = new Map<object, StepGroup>();
    for (const [host, w] of batch) {
      if (!w.info) continue;
      const g = groups.get(w.info.key);
      if (g) g.hosts.push(host);
      else groups.set(w.info.key, { info: w.info, hosts: [host] });
    }
    this.onRelease([...groups.values()]);
    for (const w of batch.values()) w.resolve();
  }
}
