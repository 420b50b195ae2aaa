/**
 * The rest of a lab master beyond the apiserver (issue 12): kubelet (unit + cluster-DNS drop-in), kube-proxy,
 * kube-scheduler, kube-controller-manager (units, flag files, kubeconfigs), etcd (unit with its flags, own
 * PKI) and /root/.kube/config — each either as the migration left it (old addresses) or healthy, per fault:
 *
 * | fault         | what the migration left                                                            |
 * | ------------- | ---------------------------------------------------------------------------------- |
 * | `cluster-dns` | kubelet drop-in `--cluster-dns=192.168.0.10` (the old kube-dns Service IP)           |
 * | `kubeconfig`  | `server: https://172.16.0.1:6443` in all five kubeconfigs                           |
 * | `etcd-sans`   | etcd certificate for 172.16.0.1 (not 192.168.0.1), listen/advertise URLs on it       |
 * | `dns-svc-ip`  | kube-dns manifest pins `clusterIP: 192.168.0.10` (outside the new range)             |
 * | `flags`       | controller-manager `--service-cluster-ip-range=192.168.0.0/24 --cluster-cidr=172.16.0.0/16` |
 */
import type { LabFault } from './index';

export const OLD_NODE_IP = '172.16.0.1';
export const NODE_IP = '192.168.0.1';
export const NEW_DNS_IP = '10.254.0.10';
export const OLD_DNS_IP = '192.168.0.10';
export const ETCD_PKI_DIR = '/etc/etcd/pki';
export const POD_CIDR = '10.32.0.0/16';

/** Files relative to the master's root (`etc/...`, `root/...`) with their text. */
export type MasterFiles = Record<string, string>;

const unit = (desc: string, envFile: string, exec: string, after = 'network.target') => `[Unit]
Description=${desc}
After=${after}

[Service]
EnvironmentFile=-${envFile}
ExecStart=${exec}
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

function kubeconfig(user: string, server: string, pki: string): string {
  return `# kubeconfig of ${user} (written at install time)
apiVersion: v1
kind: Config
clusters:
  - name: kubernetes
    cluster:
      # the apiserver on the master's node address
      server: ${server}
      certificate-authority: ${pki}/ca.crt
contexts:
  - name: ${user}@kubernetes
    context:
      cluster: kubernetes
      user: ${user}
current-context: ${user}@kubernetes
users:
  - name: ${user}
    user:
      client-certificate: ${pki}/server.crt
      client-key: ${pki}/server.key
`;
}

/** Where each kubeconfig lives (master-relative) and whose it is. */
export const KUBECONFIGS: Record<string, string> = {
  'etc/kubernetes/kubelet.kubeconfig': 'kubelet',
  'etc/kubernetes/proxy.kubeconfig': 'kube-proxy',
  'etc/kubernetes/controller-manager.kubeconfig': 'kube-controller-manager',
  'etc/kubernetes/scheduler.kubeconfig': 'kube-scheduler',
  'root/.kube/config': 'admin',
};

/** The components started from units by lab-init after the apiserver (etcd first). */
export const COMPONENT_UNITS = ['etcd', 'kubelet', 'kube-proxy', 'kube-scheduler', 'kube-controller-manager'];

export function controllerManagerEnv(pki: string, faults: LabFault[]): string {
  const range = faults.includes('flags') ? '192.168.0.0/24' : '10.254.0.0/24';
  const cidr = faults.includes('flags') ? '172.16.0.0/16' : POD_CIDR;
  return `# kube-controller-manager flags
KUBE_CONTROLLER_MANAGER_ARGS="--root-ca-file=${pki}/ca.crt --service-account-private-key-file=${pki}/server.key --cluster-signing-cert-file=${pki}/ca.crt --cluster-signing-key-file=${pki}/ca.key --master=https://192.168.0.1:6443 --kubeconfig=/etc/kubernetes/controller-manager.kubeconfig"
# the ranges it allocates from: Services (must equal kube-apiserver's) and pods
KUBE_CONTROLLER_MANAGER_RANGES="--service-cluster-ip-range=${range} --cluster-cidr=${cidr} --allocate-node-cidrs=true"
`;
}

export function migrationFiles(pki: string, faults: LabFault[]): MasterFiles {
  const has = (f: LabFault) => faults.includes(f);
  const apiHost = has('kubeconfig') ? OLD_NODE_IP : NODE_IP;
  const etcdHost = has('etcd-sans') ? OLD_NODE_IP : NODE_IP;
  const dns = has('cluster-dns') || has('bad-kubelet') ? OLD_DNS_IP : NEW_DNS_IP;
  const files: MasterFiles = {};
  for (const [file, user] of Object.entries(KUBECONFIGS))
    files[file] = kubeconfig(user, `https://${apiHost}:6443`, pki);
  files['etc/kubernetes/kubelet'] = `# kubelet flags
KUBELET_ARGS="--kubeconfig=/etc/kubernetes/kubelet.kubeconfig --hostname-override=kube01 --pod-manifest-path=/etc/kubernetes/manifests"
`;
  files['etc/systemd/system/kubelet.service'] = unit(
    'Kubernetes Kubelet Server',
    '/etc/kubernetes/kubelet',
    '/usr/local/bin/kubelet $KUBELET_ARGS $KUBELET_DNS_ARGS',
  );
  files['etc/systemd/system/kubelet.service.d/10-cluster-dns.conf'] =
    `# The resolver every pod gets (resolv.conf nameserver): the kube-dns Service's clusterIP.
[Service]
Environment="KUBELET_DNS_ARGS=--cluster-dns=${dns} --cluster-domain=cluster.local"
`;
  files['etc/kubernetes/proxy'] = `# kube-proxy flags
KUBE_PROXY_ARGS="--kubeconfig=/etc/kubernetes/proxy.kubeconfig --proxy-mode=iptables"
`;
  files['etc/systemd/system/kube-proxy.service'] = unit(
    'Kubernetes Kube-Proxy Server',
    '/etc/kubernetes/proxy',
    '/usr/local/bin/kube-proxy $KUBE_PROXY_ARGS',
  );
  files['etc/kubernetes/scheduler'] = `# kube-scheduler flags
KUBE_SCHEDULER_ARGS="--kubeconfig=/etc/kubernetes/scheduler.kubeconfig --leader-elect=true"
`;
  files['etc/systemd/system/kube-scheduler.service'] = unit(
    'Kubernetes Scheduler Plugin',
    '/etc/kubernetes/scheduler',
    '/usr/local/bin/kube-scheduler $KUBE_SCHEDULER_ARGS',
  );
  files['etc/kubernetes/controller-manager'] = controllerManagerEnv(pki, faults);
  files['etc/systemd/system/kube-controller-manager.service'] = unit(
    'Kubernetes Controller Manager',
    '/etc/kubernetes/controller-manager',
    '/usr/local/bin/kube-controller-manager $KUBE_CONTROLLER_MANAGER_ARGS $KUBE_CONTROLLER_MANAGER_RANGES',
  );
  // etcd keeps its flags in the unit file itself (one ExecStart line, as many hand-built masters do)
  files['etc/systemd/system/etcd.service'] = `[Unit]
Description=etcd key-value store
After=network.target

[Service]
Type=notify
# client URLs: the node address (the apiserver's --etcd-servers) and loopback
ExecStart=/usr/local/bin/etcd --name=kube01 --data-dir=/var/lib/etcd --cert-file=${ETCD_PKI_DIR}/server.crt --key-file=${ETCD_PKI_DIR}/server.key --trusted-ca-file=${ETCD_PKI_DIR}/ca.crt --listen-client-urls=https://${etcdHost}:2379,https://127.0.0.1:2379 --advertise-client-urls=https://${etcdHost}:2379
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;
  return files;
}

/** The kube-dns manifest as the fault leaves it: `dns-svc-ip` pins the old range's DNS address. */
export function kubeDnsManifest(base: string, faults: LabFault[]): string {
  return faults.includes('dns-svc-ip')
    ? base.replace(`clusterIP: ${NEW_DNS_IP}`, `clusterIP: ${OLD_DNS_IP}`)
    : base;
}
