/** `lab status` and `lab verify`: what is really true in each cluster, checked from inside it. */
import * as net from 'node:net';
import * as path from 'node:path';
import { UsageError } from '../errors';
import type { ClusterStatus, LabFault, VerifyResult } from './index';
import { mapLimit } from './exec';
import { inCluster } from './holder';
import { holdsNamespace, NODE_IP } from './netns';
import { readState, type ClusterState, type LabState } from './state';

function mustState(dirArg: string): LabState {
  const st = readState(path.resolve(dirArg));
  if (!st)
    throw new UsageError(`no lab in ${path.resolve(dirArg)}`, {
      hint: 'run `remediate lab up` first (or pass --dir)',
    });
  return st;
}

const running = (c: ClusterState): boolean => holdsNamespace(c.holderPid, c.ns);

export function tcpOpen(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('connect', () => done(true));
    s.on('error', () => done(false));
  });
}

const PROBE_FAULTS: LabFault[] = [
  'sans',
  'key-mismatch',
  'no-ca-key',
  'svc-clusterip',
  'bad-restart',
  'cluster-dns',
  'kubeconfig',
  'etcd-sans',
  'dns-svc-ip',
  'flags',
  'bad-kubelet',
];

/** The `lab-probe` lines of a cluster as key → value. */
async function probe(st: LabState, c: ClusterState): Promise<Record<string, string>> {
  const r = await inCluster(c.holderPid!, ['/bin/sh', path.join(st.dir, 'lib', 'lab-probe')]);
  return Object.fromEntries(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** What `lab verify` checks per class besides WordPress (each end to end inside the cluster). */
const VERIFIED: LabFault[] = [
  'sans',
  'svc-clusterip',
  'cluster-dns',
  'kubeconfig',
  'etcd-sans',
  'dns-svc-ip',
  'flags',
];

export async function labStatusAt(dirArg: string): Promise<ClusterStatus[]> {
  const st = mustState(dirArg);
  return mapLimit(st.clusters, 4, async (c) => {
    const sshUp = await tcpOpen(c.address, 22);
    const base = { name: c.name, address: c.address, built: c.faults, sshUp };
    if (!running(c))
      return { ...base, faults: [] as LabFault[], kubeDns: 'cluster not running', wordpress: false };
    const kv = await probe(st, c);
    const present = PROBE_FAULTS.filter((f) => kv[f] === 'yes');
    if (!sshUp) present.push('unreachable');
    if (!present.length) present.push('healthy');
    return {
      ...base,
      faults: present,
      kubeDns: kv['kube-dns'] ?? 'unknown',
      wordpress: kv.wordpress === 'yes',
      apiserver: kv.apiserver,
    };
  });
}

/** WordPress answers on the node address port 30080, fetched from inside the cluster's network. */
export async function labVerifyAt(dirArg: string, cluster?: string): Promise<VerifyResult[]> {
  const st = mustState(dirArg);
  const picked = cluster ? st.clusters.filter((c) => c.name === cluster || c.host === cluster) : st.clusters;
  if (cluster && !picked.length) {
    throw new UsageError(`no cluster "${cluster}" in the lab at ${st.dir}`, {
      hint: `clusters are ${st.clusters[0]?.name}..${st.clusters[st.clusters.length - 1]?.name}`,
    });
  }
  return mapLimit(picked, 4, async (c): Promise<VerifyResult> => {
    if (!running(c))
      return { cluster: c.name, ok: false, detail: 'cluster is not running (lab down or crashed?)' };
    const url = `http://${NODE_IP}:30080/`;
    const r = await inCluster(c.holderPid!, [
      'curl',
      '-sS',
      '-m',
      '5',
      '-o',
      '-',
      '-w',
      '\n%{http_code}',
      url,
    ]);
    const code = r.stdout.trim().split('\n').pop() ?? '';
    const kv = await probe(st, c);
    const left = VERIFIED.filter((f) => kv[f] === 'yes').map((f) => `${f}: ${kv['why-' + f] ?? 'present'}`);
    const tail = left.length ? `; still broken: ${left.join('; ')}` : '';
    if (r.code === 0 && code === '200' && r.stdout.includes('WordPress'))
      return {
        cluster: c.name,
        ok: !left.length,
        detail: `WordPress answered on ${url} (HTTP 200)${tail}`,
      };
    const why = r.stderr.trim().split('\n').pop() || `HTTP ${code}`;
    return { cluster: c.name, ok: false, detail: `WordPress does not answer on ${url}: ${why}${tail}` };
  });
}
