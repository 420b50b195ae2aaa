/**
 * Test helpers for modules: a real ModuleContext over a transport (local by default), and `runModule`,
 * which does probe → plan → apply (unless check) → the result, as the runner does.
 */
import { z } from 'zod';
import { CommandError } from '../../src/errors';
import { FactsCache } from '../../src/runner/facts-cache';
import type { Vars } from '../../src/inventory/types';
import type { ModuleContext, ModuleDefinition, Plan } from '../../src/modules/types';
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

export function makeContext(o: TestContextOptions = {}): ModuleContext & { logs: string[]; execs: string[] } {
  const t = o.transport ?? new LocalTransport('localhost');
  const vars = o.vars ?? {};
  const logs: string[] = [];
  const execs: string[] = [];
  const facts = new FactsCache();
  const ctx: ModuleContext & { logs: string[]; execs: string[] } = {
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
      const { become: _b, ...rest } = opts;
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
export async function runModule(def: ModuleDefinition<any, any, any>, rawArgs: unknown, ctx: ModuleContext) {
  const args = (def.args as z.ZodTypeAny).parse(rawArgs);
  const facts = await def.probe(ctx, args);
  const plan: Plan = await def.plan(args, facts, ctx);
  const changed = plan.changes.length > 0;
  if (ctx.check) {
    return {
      plan,
      changed,
      skipped: !!plan.unknownInCheck,
      result: { ...(plan.result ?? {}) },
    } as RunOutcome;
  }
  let result: Record<string, unknown> = { ...(plan.result ?? {}) };
  if (changed || plan.unknownInCheck) result = { ...result, ...(await def.apply(ctx, args, plan, facts)) };
  return { plan, changed, skipped: false, result } as RunOutcome;
}

/** The planned change descriptions. */
export const describes = (p: Plan): string[] => p.changes.map((c) => c.describe);
