/**
 * `dnf`: Install, upgrade or remove RPM packages (dnf, or yum where dnf is missing; rpm -q). Probe and steps are those of src/modules/package-manager.ts: one read-only exec
 * (installed versions; candidates for `latest`), then one command per kind of change. `update_cache`
 * runs first and is no change by itself; candidates are read before it (the plan is made from the probe).
 */
import { defineModule } from './types';
import {
  packageArgs,
  packageSpecs,
  parseProbe,
  planPackages,
  probeCommand,
  type PackageFacts,
} from './package-manager';

export default defineModule<typeof packageArgs, PackageFacts, unknown>({
  name: 'dnf',
  aliases: ['yum'],
  description: 'Install, upgrade or remove RPM packages (dnf, or yum where dnf is missing; rpm -q)',
  args: packageArgs,
  async probe(ctx, a) {
    const names = packageSpecs(a.name).map((s) => s.name);
    const r = await ctx.run(probeCommand('dnf', names, a.state === 'latest'));
    return parseProbe(r.stdout, names);
  },
  plan: (a, f) => planPackages(a, f),
});
