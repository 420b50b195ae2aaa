/** What the runner keeps per host for a whole run: counts, variables set at run time, the connection. */
import type { HostCounts } from '../events';
import type { Vars } from '../inventory/types';
import type { Transport, TransportFactory } from '../transport/types';
import { FactsCache } from './facts-cache';

export function emptyCounts(): HostCounts {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

export class HostState {
  readonly counts: HostCounts = emptyCounts();
  /** Gathered facts promoted to variables (`ansible_facts`, `ansible_hostname`, ...). */
  facts: Vars = {};
  /** Variables loaded by include_vars (below set_fact and registered variables, as in Ansible). */
  readonly includedVars: Vars = {};
  /** set_fact and registered variables. */
  readonly dynamicVars: Vars = {};
  readonly factsCache = new FactsCache();
  /** Failed (not rescued) in this run: excluded from later plays. */
  failed = false;
  unreachable = false;
  /** Handlers notified and not yet run (their `handlerKey`). */
  readonly notified = new Set<string>();
  private transport?: Promise<Transport>;

  constructor(
    readonly name: string,
    public inventoryVars: Vars,
  ) {}

  /** Connect lazily, once per run; a failed connection stays failed (never retried silently). */
  connection(factory: TransportFactory, vars: Vars): Promise<Transport> {
    if (!this.transport) {
      this.transport = (async () => {
        const t = factory({ name: this.name, vars });
        await t.connect();
        return t;
      })();
      this.transport.catch(() => {});
    }
    return this.transport;
  }

  /**
   * Drop the connection and open a fresh one (wait_for_connection, reboot). A failure is thrown and not
   * remembered: the next call tries again.
   */
  async reconnect(factory: TransportFactory, vars: Vars): Promise<Transport> {
    let t: Transport | undefined;
    try {
      t = await this.transport;
    } catch {
      // the earlier connection failed: its transport is asked again below
    }
    t ??= factory({ name: this.name, vars });
    if (t.reconnect) await t.reconnect();
    else await t.connect();
    this.transport = Promise.resolve(t);
    return t;
  }

  async close(opts?: { wait?: boolean }): Promise<void> {
    if (!this.transport) return;
    try {
      await (await this.transport).close(opts);
    } catch {
      // the connection never opened, or closing failed: nothing to release
    }
  }
}
