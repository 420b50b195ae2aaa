/**
 * `setup`: gather the host's `ansible_*` facts (src/facts/gather.ts: one exec of a POSIX shell script, no
 * Python), as `gather_facts` does at the start of a play. `gather_subset` (`all`, `min`, `hardware`,
 * `network`, `!name`) and `filter` (shell-style patterns on the `ansible_` names) narrow them. The result's
 * `ansible_facts` become the host's facts (`ansible_distribution` and `ansible_facts.distribution`).
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { GATHER_SCRIPT, parseGatheredFacts, selectFacts } from '../facts/gather';
import { intArg } from './arg-types';
import { defineModule } from './types';

const list = z.union([z.string(), z.array(z.string())]);
const asList = (v: string | string[] | undefined, dflt: string[]) =>
  v === undefined ? dflt : (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);

const args = z
  .object({
    gather_subset: list
      .optional()
      .describe('Subsets to gather: all (default), min, hardware, network; `!name` leaves one out'),
    filter: list
      .optional()
      .describe('Only the facts whose ansible_ name matches one of these shell-style patterns'),
    gather_timeout: intArg({ min: 1 })
      .optional()
      .describe('Accepted for compatibility (one exec gathers all)'),
    fact_path: z.string().optional().describe('Accepted for compatibility (local facts are not read)'),
  })
  .strict();

export default defineModule<typeof args, string, undefined>({
  name: 'setup',
  aliases: ['gather_facts'],
  description: "Gather the host's ansible_* facts (hostname, OS, interfaces, mounts, memory, ...)",
  args,
  async probe(ctx) {
    const r = await ctx.exec(GATHER_SCRIPT);
    if (r.code !== 0 && !r.stdout.includes('@@hostname'))
      throw new ModuleError(`fact gathering failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
    return r.stdout;
  },
  plan(a, stdout) {
    let facts;
    try {
      facts = selectFacts(parseGatheredFacts(stdout), asList(a.gather_subset, ['all']), asList(a.filter, []));
    } catch (e) {
      throw new ModuleError((e as Error).message);
    }
    const prefixed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(facts)) prefixed[`ansible_${k}`] = v;
    return { changes: [], result: { ansible_facts: prefixed } };
  },
});
