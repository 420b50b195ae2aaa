/** `remediate lab`: a local fleet of migrated clusters (network + mount namespaces). Owned by the lab area. */

export type LabFault =
  'sans' | 'healthy' | 'key-mismatch' | 'no-ca-key' | 'svc-clusterip' | 'unreachable' | 'bad-restart';

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
  kubeDns: string;
  wordpress: boolean;
  sshUp: boolean;
}

export interface VerifyResult {
  cluster: string;
  ok: boolean;
  detail: string;
}

export async function labUp(opts: LabUpOptions): Promise<LabInfo> {
  throw new Error(`labUp(${opts.dir}): not implemented yet`);
}
export async function labDown(opts: { dir: string; log?: (msg: string) => void }): Promise<void> {
  throw new Error(`labDown(${opts.dir}): not implemented yet`);
}
export async function labStatus(opts: { dir: string }): Promise<ClusterStatus[]> {
  throw new Error(`labStatus(${opts.dir}): not implemented yet`);
}
export async function labVerify(opts: { dir: string; cluster?: string }): Promise<VerifyResult[]> {
  throw new Error(`labVerify(${opts.dir}): not implemented yet`);
}
