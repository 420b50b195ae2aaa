/**
 * Test helpers for modules: a real ModuleContext over a transport (local by default), and `runModule`,
 * which runs the runner's own module pipeline (probe → plan → the applier unless check → the result).
 */
import { z } from 'zod';
import { CommandError } from '../../src/errors';
import { FactsCache } from '../../src/runner/facts-cache';
import type { Vars } from '../../src/inventory/types';
import type { ModuleDefinition, Plan } from '../../src/modules/types';
import type { ApplierContext } from '../../src/runner/applier';
import { runModuleCall } from '../../src/runner/module-call';
import { Templar } from '../../src/template/index';
import { LocalTransport } from '../../src/transport/local';
import type { Transport } from '../../src/transport/types';

const templar = new Templar();

export interface TestContextOptions {
  transport?: Transport;
  vars?: Vars;
  check?: boolean;
  diff?: boolean;
  noLog?: boolean;
  playbookDir?: string;
}

export type TestContext = ApplierContext & { logs: string[]; execs: string[]; check: boolean };

export function makeContext(o: TestContextOptions = {}): TestContext {
  const t = o.transport ?? new LocalTransport('localhost');
  const vars = o.vars ?? {};
  const logs: string[] = [];
  const execs: string[] = [];
  const facts = new FactsCache();
  const ctx: TestContext = {
    logs,
    execs,
    host: t.host,
    vars,
    check: o.check ?? false,
    diff: o.diff ?? true,
    noLog: o.noLog ?? false,
    playbookDir: o.playbookDir ?? process.cwd(),
    async exec(cmd, opts = {}) {
      execs.push(cmd.display);
      const { become: _b, traced: _t, ...rest } = opts;
      return t.exec(cmd, rest);
    },
    async run(cmd, opts = {}) {
      const r = await ctx.exec(cmd, opts);
      if (r.code !== 0) throw new CommandError(t.host, cmd.display, r.code, r.signal, r.stderr, r.durationMs);
      return r;
    },
    put: (p, c, opts) => t.put(p, c, opts),
    get: (p) => t.get(p),
    fact: (f) =>
      facts.get(f, async () => {
        execs.push(f.command.display);
        const r = await t.exec(f.command);
        return f.parse(r.stdout, r);
      }),
    invalidateFacts: (prefix) => facts.invalidate(prefix),
    render: (s, extra) => templar.renderString(s, { ...vars, ...(extra ?? {}) }),
    evaluate: (expr, extra) => templar.evaluate(expr, { ...vars, ...(extra ?? {}) }),
    log: (m) => void logs.push(m),
    warn: (m) => void logs.push(`WARN ${m}`),
    signal: new AbortController().signal,
  };
  return ctx;
}

export interface RunOutcome {
  plan: Plan;
  changed: boolean;
  skipped: boolean;
  result: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runModule(def: ModuleDefinition<any, any, any>, rawArgs: unknown, ctx: TestContext) {
  const args = (def.args as z.ZodTypeAny).parse(rawArgs);
  const r = await runModuleCall(def, args, ctx, ctx.check);
  return {
    plan: r.plan,
    changed: r.status === 'changed',
    skipped: r.status === 'skipped',
    result: r.result,
  } as RunOutcome;
}

/** The planned change descriptions. */
export const describes = (p: Plan): string[] => p.changes.map((c) => c.describe);
