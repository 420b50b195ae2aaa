/**
 * `apt`: Install, upgrade or remove Debian packages (apt-get, dpkg-query, apt-cache policy). Probe and steps are those of src/modules/package-manager.ts: one read-only exec
 * (installed versions; candidates for `latest`), then one command per kind of change. `update_cache`
 * runs first and is no change by itself; candidates are read before it (the plan is made from the probe).
 */
import { packageModule } from './package-manager';

export default packageModule(
  'apt',
  'apt',
  'Install, upgrade or remove Debian packages (apt-get, dpkg-query, apt-cache policy)',
);
