/** What a controller needs to reach the lab: DIR/inventory.ini, DIR/ssh_config, DIR/known_hosts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabInfo } from './index';
import { NODE_IP } from './netns';
import type { ClusterState } from './state';

/** An INI host variable value as Ansible's inventory parser (shlex) reads it back: quoted when it has to be. */
function iniValue(v: string): string {
  if (/^[^\s'"\\#;=]+$/.test(v)) return v;
  return v.includes("'") ? JSON.stringify(v) : `'${v}'`;
}

/** An ssh_config argument: OpenSSH takes double quotes around values with spaces. */
function sshConfigValue(v: string): string {
  return /\s/.test(v) ? `"${v}"` : v;
}

export function writeAccessFiles(dir: string, clusters: ClusterState[], hostKeys: string[]): LabInfo {
  const key = path.join(dir, 'id_ed25519');
  const knownHosts = path.join(dir, 'known_hosts');
  const hostVars = (c: ClusterState) =>
    [
      c.host,
      `ansible_host=${c.address}`,
      'ansible_user=root',
      `ansible_ssh_private_key_file=${iniValue(key)}`,
      `remediate_known_hosts=${iniValue(knownHosts)}`,
      `node_ip=${NODE_IP}`,
      'service_cidr=10.254.0.0/24',
      'pki_dir=/etc/pki/tls/kube01',
      `lab_cluster=${c.name}`,
      `lab_faults=${c.faults.join(',')}`,
    ].join(' ');
  const inv = [
    '# written by `remediate lab up`: one master per lab cluster',
    '[masters]',
    ...clusters.map(hostVars),
    '',
    ...clusters.flatMap((c) => [`[${c.name}]`, c.host, '']),
  ].join('\n');
  const sshConfig = clusters
    .map((c) =>
      [
        `Host ${c.host} ${c.name} ${c.address}`,
        `  HostName ${c.address}`,
        '  User root',
        `  IdentityFile ${sshConfigValue(key)}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${sshConfigValue(knownHosts)}`,
        '  StrictHostKeyChecking yes',
        '  GlobalKnownHostsFile /dev/null',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    )
    .join('\n');
  // one name per line (plain address form, then the inventory name): the simplest known_hosts there is
  const known =
    clusters
      .flatMap((c, i) => {
        const key = hostKeys[i].split(' ').slice(0, 2).join(' ');
        return [`${c.address} ${key}`, `${c.host} ${key}`];
      })
      .join('\n') + '\n';
  const inventory = path.join(dir, 'inventory.ini');
  const sshConfigFile = path.join(dir, 'ssh_config');
  fs.writeFileSync(inventory, inv);
  fs.writeFileSync(sshConfigFile, sshConfig);
  fs.writeFileSync(knownHosts, known);
  return {
    dir,
    inventory,
    sshConfig: sshConfigFile,
    knownHosts,
    clusters: clusters.map((c) => ({ name: c.name, address: c.address, faults: c.faults })),
  };
}
