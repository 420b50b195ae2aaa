/** Several facts for a probe: in one exec where the context can batch them, else one by one. */
import type { Fact } from '../facts/types';
import type { FactValue, ModuleContext } from './types';

export async function factsOf<T extends readonly Fact<unknown>[]>(
  ctx: ModuleContext,
  fs: T,
): Promise<{ [K in keyof T]: FactValue<T[K]> }> {
  if (ctx.facts) return ctx.facts(fs);
  const out: unknown[] = [];
  for (const f of fs) out.push(await ctx.fact(f));
  return out as { [K in keyof T]: FactValue<T[K]> };
}
