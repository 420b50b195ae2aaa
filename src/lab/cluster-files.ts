/**
 * What a lab master looks like on disk. Each cluster's directory holds the upper layer of an overlay
 * mounted on /etc inside the cluster (PKI, unit + flags, sshd config and host key, passwd) and the
 * directory bind-mounted on /root (authorized key, manifests). DIR/bin is bind-mounted on /usr/local/bin
 * (the stand-ins) and DIR/lib holds the lab's own scripts (init, probe), which are not on the PATH.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUBE_DNS_YML, WORDPRESS_MANIFESTS } from './manifests';
import type { ClusterPki } from './pki';
import { jsonpath } from './standin-jsonpath';
import { kubectlMain } from './standin-kubectl';
import { kubectlStore } from './standin-kubectl-store';
import { KUBE_APISERVER, WORDPRESS_HTTP } from './standin-scripts';
import { SYSTEMCTL } from './standin-systemctl';
import { LAB_INIT, LAB_PROBE } from './lab-scripts';
import type { LabFault } from './index';
import {
  controllerManagerEnv,
  COMPONENT_UNITS,
  ETCD_PKI_DIR,
  kubeDnsManifest,
  migrationFiles,
} from './migration-files';
import { ETCD, KUBE_COMPONENT } from './standin-components';

export const PKI_DIR = '/etc/pki/tls/kube01';

const APISERVER_ENV = `# kube-apiserver flags, read by /etc/systemd/system/kube-apiserver.service
KUBE_API_ADDRESS="--bind-address=192.168.0.1 --advertise-address=192.168.0.1"
KUBE_API_PORT="--secure-port=6443"
KUBE_SERVICE_ADDRESSES="--service-cluster-ip-range=10.254.0.0/24"
KUBE_API_TLS="--tls-cert-file=${PKI_DIR}/server.crt --tls-private-key-file=${PKI_DIR}/server.key --client-ca-file=${PKI_DIR}/ca.crt"
KUBE_API_ARGS="--etcd-servers=https://192.168.0.1:2379 --allow-privileged=true"
`;

const APISERVER_UNIT = `[Unit]
Description=Kubernetes API Server
After=network.target

[Service]
EnvironmentFile=-/etc/kubernetes/apiserver
ExecStart=/usr/local/bin/kube-apiserver $KUBE_API_ADDRESS $KUBE_API_PORT $KUBE_SERVICE_ADDRESSES $KUBE_API_TLS $KUBE_API_ARGS
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;

const SSHD_CONFIG = `# sshd of a remediate lab master (runs in the cluster's own network and mount namespaces)
Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel ERROR
`;

function put(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
}

/** DIR/bin (stand-ins on the masters' PATH) and DIR/lib (lab-internal scripts). */
export function writeLabScripts(dir: string): void {
  const bin = path.join(dir, 'bin');
  // The stand-in's yaml package travels with the lab: a master has its own /tmp, so a project checked out
  // under /tmp (a CI clone) would not be visible at its path inside the cluster.
  const yamlPkg = path.dirname(require.resolve('yaml/package.json'));
  const labYaml = path.join(dir, 'lib', 'node_modules', 'yaml');
  fs.rmSync(labYaml, { recursive: true, force: true });
  fs.cpSync(yamlPkg, labYaml, { recursive: true });
  const yamlMain = path.join(labYaml, path.relative(yamlPkg, require.resolve('yaml')));
  const kubectl =
    `#!${process.execPath}\n// kubectl stand-in of the remediate lab (see src/lab/standin-kubectl.ts)\n` +
    `var __name = (f) => f;\n` +
    `const jsonpath = ${jsonpath.toString()};\n` +
    `const kubectlStore = ${kubectlStore.toString()};\n` +
    `(${kubectlMain.toString()})(jsonpath, kubectlStore(${JSON.stringify(yamlMain)}), process.argv.slice(2))` +
    `.catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });\n`;
  put(path.join(bin, 'kubectl'), kubectl, 0o755);
  put(path.join(bin, 'systemctl'), SYSTEMCTL, 0o755);
  put(path.join(bin, 'kube-apiserver'), KUBE_APISERVER, 0o755);
  put(path.join(bin, 'lab-wordpress-http'), WORDPRESS_HTTP, 0o755);
  put(path.join(bin, 'etcd'), ETCD, 0o755);
  for (const c of ['kubelet', 'kube-proxy', 'kube-scheduler', 'kube-controller-manager'])
    put(path.join(bin, c), KUBE_COMPONENT, 0o755);
  put(path.join(dir, 'lib', 'lab-init'), LAB_INIT, 0o755);
  put(path.join(dir, 'lib', 'lab-probe'), LAB_PROBE, 0o755);
}

export interface ClusterFiles {
  clusterDir: string;
  pki: ClusterPki;
  /** etcd's own CA and serving pair. */
  etcdPki: ClusterPki;
  faults: LabFault[];
  /** Present for key-mismatch: a key that does not match server.crt, swapped in after the apiserver starts. */
  mismatchKey?: string;
  withCaKey: boolean;
  hostKey: string;
  authorizedKey: string;
}

export function writeClusterFiles(f: ClusterFiles): void {
  const etc = path.join(f.clusterDir, 'etc');
  const root = path.join(f.clusterDir, 'root');
  fs.mkdirSync(path.join(f.clusterDir, 'etc.work'), { recursive: true });
  const pki = path.join(etc, PKI_DIR.replace(/^\/etc\//, ''));
  put(path.join(pki, 'ca.crt'), f.pki.caCrt);
  if (f.withCaKey) put(path.join(pki, 'ca.key'), f.pki.caKey, 0o600);
  put(path.join(pki, 'server.crt'), f.pki.serverCrt);
  put(path.join(pki, 'server.key'), f.pki.serverKey, 0o600);
  if (f.mismatchKey) put(path.join(f.clusterDir, 'mismatch.key'), f.mismatchKey, 0o600);
  put(path.join(etc, 'kubernetes', 'apiserver'), APISERVER_ENV);
  put(path.join(etc, 'systemd', 'system', 'kube-apiserver.service'), APISERVER_UNIT);
  for (const [rel, text] of Object.entries(migrationFiles(PKI_DIR, f.faults)))
    put(path.join(f.clusterDir, rel), text);
  const etcdPki = path.join(etc, ETCD_PKI_DIR.replace(/^\/etc\//, ''));
  put(path.join(etcdPki, 'ca.crt'), f.etcdPki.caCrt);
  put(path.join(etcdPki, 'ca.key'), f.etcdPki.caKey, 0o600);
  put(path.join(etcdPki, 'server.crt'), f.etcdPki.serverCrt);
  put(path.join(etcdPki, 'server.key'), f.etcdPki.serverKey, 0o600);
  // enabled, as `systemctl enable` leaves them: the link each [Install] WantedBy= names
  const wants = path.join(etc, 'systemd', 'system', 'multi-user.target.wants');
  fs.mkdirSync(wants, { recursive: true });
  for (const u of ['kube-apiserver', ...COMPONENT_UNITS])
    fs.symlinkSync(`/etc/systemd/system/${u}.service`, path.join(wants, `${u}.service`));
  put(path.join(etc, 'ssh', 'sshd_config'), SSHD_CONFIG);
  put(path.join(etc, 'ssh', 'ssh_host_ed25519_key'), f.hostKey, 0o600);
  put(path.join(etc, 'hostname'), 'kube01\n');
  // root logs in with /bin/sh: a login shell that sources rc files makes every exec slower.
  const passwd = fs
    .readFileSync('/etc/passwd', 'utf8')
    .replace(/^root:([^:]*):0:0:([^:]*):([^:]*):.*$/m, 'root:$1:0:0:$2:/root:/bin/sh');
  put(path.join(etc, 'passwd'), passwd);
  put(path.join(root, '.ssh', 'authorized_keys'), f.authorizedKey, 0o600);
  put(path.join(root, 'manifests', 'kube-dns', 'kube-dns.yml'), kubeDnsManifest(KUBE_DNS_YML, f.faults));
  for (const [name, text] of Object.entries(WORDPRESS_MANIFESTS))
    put(path.join(root, 'manifests', 'wordpress', name), text);
}
