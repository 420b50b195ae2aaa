/**
 * `dnf`: Install, upgrade or remove RPM packages (dnf, or yum where dnf is missing; rpm -q). Probe and steps are those of src/modules/package-manager.ts: one read-only exec
 * (installed versions; candidates for `latest`), then one command per kind of change. `update_cache`
 * runs first and is no change by itself; candidates are read before it (the plan is made from the probe).
 */
import { packageModule } from './package-manager';

export default packageModule(
  'dnf',
  'dnf',
  'Install, upgrade or remove RPM packages (dnf, or yum where dnf is missing; rpm -q)',
  ['yum'],
);
