/** `remediate lab`: a local fleet of migrated clusters (network + mount namespaces). Owned by the lab area. */
import { labDownAt } from './down';
import { labStatusAt, labVerifyAt } from './status';
import { labUpAt } from './up';
export { MIGRATED_ALL, MIGRATION_FAULTS } from './faults';

/**
 * `bad-restart` is a test-only fault: like `sans`, but after a restart the apiserver serves the
 * certificate saved at `lab up` (a stale cache) unless the original bytes are back on disk.
 */
export type LabFault =
  | 'sans'
  | 'healthy'
  | 'key-mismatch'
  | 'no-ca-key'
  | 'svc-clusterip'
  | 'unreachable'
  | 'bad-restart'
  // the other leftovers of the migration (issue 12): see migration-files.ts
  | 'cluster-dns'
  | 'kubeconfig'
  | 'etcd-sans'
  | 'dns-svc-ip'
  | 'flags'
  /** test-only: like cluster-dns, but the kubelet ignores a changed drop-in after a restart (rollback test) */
  | 'bad-kubelet';

export interface LabUpOptions {
  /** Lab directory (default `.remediate/lab`). */
  dir: string;
  clusters: number;
  /** e.g. `sans=40,healthy=5,key-mismatch=2`; default all `sans`. */
  faults?: string;
  /** Progress lines for the CLI. */
  log?: (msg: string) => void;
}

export interface LabCluster {
  name: string;
  /** Controller-side address of the master (on the lab bridge). */
  address: string;
  /** Faults the cluster was built with (every fault but `healthy` includes `sans`). */
  faults: LabFault[];
}

export interface LabInfo {
  dir: string;
  inventory: string;
  sshConfig: string;
  knownHosts: string;
  clusters: LabCluster[];
}

export interface ClusterStatus extends LabCluster {
  /** In a status row: the faults really present now, checked inside the cluster (`healthy` when none). */
  faults: LabFault[];
  /** The faults the cluster was built with. */
  built: LabFault[];
  kubeDns: string;
  wordpress: boolean;
  sshUp: boolean;
  /** `systemctl is-active kube-apiserver` inside the cluster. */
  apiserver?: string;
}

export interface VerifyResult {
  cluster: string;
  ok: boolean;
  detail: string;
}

export const DEFAULT_LAB_DIR = '.remediate/lab';

export async function labUp(opts: LabUpOptions): Promise<LabInfo> {
  return labUpAt(opts);
}
export async function labDown(opts: { dir: string; log?: (msg: string) => void }): Promise<void> {
  return labDownAt(opts.dir, opts.log);
}
export async function labStatus(opts: { dir: string }): Promise<ClusterStatus[]> {
  return labStatusAt(opts.dir);
}
export async function labVerify(opts: { dir: string; cluster?: string }): Promise<VerifyResult[]> {
  return labVerifyAt(opts.dir, opts.cluster);
}
