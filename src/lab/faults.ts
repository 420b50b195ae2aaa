/** The `--faults` mix: which fault each cluster of a lab carries. */
import { UsageError } from '../errors';
import type { LabFault } from './index';

/** `--faults` name for every migration leftover at once (sans, svc-clusterip and the five classes). */
export const MIGRATED_ALL = 'migrated-all';

export const ALL_FAULTS: readonly LabFault[] = [
  'sans',
  'healthy',
  'key-mismatch',
  'no-ca-key',
  'svc-clusterip',
  'unreachable',
  'bad-restart',
  'cluster-dns',
  'kubeconfig',
  'etcd-sans',
  'dns-svc-ip',
  'flags',
  'bad-kubelet',
];

/** The address-migration leftovers a `migrated-all` cluster carries at once (on top of `sans`). */
export const MIGRATION_FAULTS: readonly LabFault[] = [
  'svc-clusterip',
  'cluster-dns',
  'kubeconfig',
  'etcd-sans',
  'dns-svc-ip',
  'flags',
];

/** A `--faults` name: one fault, or `migrated-all`. */
type FaultPick = LabFault | typeof MIGRATED_ALL;

/**
 * What a picked fault means for a cluster: every fault but `healthy` starts from the scenario's
 * migrated state (`sans`), so e.g. `key-mismatch` is listed as `['sans', 'key-mismatch']`.
 */
export function faultSet(f: FaultPick): LabFault[] {
  if (f === MIGRATED_ALL) return ['sans', ...MIGRATION_FAULTS];
  return f === 'sans' || f === 'healthy' ? [f] : ['sans', f];
}

/**
 * Parses `sans=40,healthy=5,unreachable=2` (a bare name counts 1) into one fault per cluster, in
 * the order given; clusters left over get `sans`. Throws UsageError on unknown names or too many.
 */
export function parseFaultMix(mix: string | undefined, clusters: number): FaultPick[] {
  const out: FaultPick[] = [];
  for (const part of (mix ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)(?:=(\d+))?$/.exec(part);
    const name = m?.[1] as FaultPick | undefined;
    if (!m || !name || !(name === MIGRATED_ALL || ALL_FAULTS.includes(name))) {
      throw new UsageError(`--faults: unknown fault "${part}"`, {
        hint: `use NAME=COUNT pairs separated by commas; names: ${[...ALL_FAULTS, MIGRATED_ALL].join(', ')}`,
      });
    }
    const n = m[2] === undefined ? 1 : Number(m[2]);
    for (let i = 0; i < n; i++) out.push(name);
  }
  if (out.length > clusters) {
    throw new UsageError(`--faults asks for ${out.length} clusters but --clusters is ${clusters}`, {
      hint: 'raise --clusters or lower the counts in --faults',
    });
  }
  while (out.length < clusters) out.push('sans');
  return out;
}
