/** `lab up`: builds N clusters (namespaces, PKI, stand-ins, sshd) and the inventory to reach them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemediateError, UsageError } from '../errors';
import type { LabFault, LabInfo, LabUpOptions } from './index';
import { writeClusterFiles, writeLabScripts } from './cluster-files';
import { labDownAt, teardownSlot } from './down';
import { mapLimit, mustRun } from './exec';
import { faultSet, parseFaultMix } from './faults';
import { createBridge, createClusterNet } from './netns';
import { keyPem, makeClusterPki, makeEtcdPki, rsaKey } from './pki';
import { spawnHolder, waitReady } from './holder';
import { writeAccessFiles } from './access-files';
import {
  bridgeAddress,
  bridgeName,
  claimSlot,
  clusterAddress,
  clusterName,
  MAX_CLUSTERS,
  nsName,
  readState,
  vethName,
  writeState,
  type ClusterState,
  type LabState,
} from './state';

const TOOLS: [string, string][] = [
  ['ip', 'iproute2'],
  ['unshare', 'util-linux'],
  ['nsenter', 'util-linux'],
  ['openssl', 'openssl'],
  ['socat', 'socat'],
  ['ssh-keygen', 'openssh-client'],
  ['curl', 'curl'],
];

function which(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
    .split(':')
    .concat(['/usr/sbin', '/sbin'])
    .some((d) => fs.existsSync(path.join(d, cmd)));
}

/** Says clearly what is missing for a lab on this machine. */
export function checkPrerequisites(): void {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push('the lab needs Linux network and mount namespaces');
  if (process.getuid?.() !== 0) problems.push('the lab needs root (network namespaces, mounts, bridges)');
  const missing = TOOLS.filter(([c]) => !which(c));
  if (!fs.existsSync('/usr/sbin/sshd')) missing.push(['sshd', 'openssh-server']);
  if (missing.length) problems.push(`missing programs: ${missing.map(([c, p]) => `${c} (${p})`).join(', ')}`);
  if (problems.length) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
    throw new RemediateError(`remediate lab cannot run here: ${problems.join('; ')}`, {
      hint: pkgs ? `as root: apt-get install -y ${pkgs}` : 'run `remediate lab up` as root on Linux',
    });
  }
}

async function sshKeygen(file: string, comment: string): Promise<void> {
  fs.rmSync(file, { force: true });
  fs.rmSync(file + '.pub', { force: true });
  await mustRun('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

export async function labUpAt(opts: LabUpOptions): Promise<LabInfo> {
  const log = opts.log ?? (() => undefined);
  const dir = path.resolve(opts.dir);
  const n = opts.clusters;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CLUSTERS)
    throw new UsageError(`--clusters must be a whole number from 1 to ${MAX_CLUSTERS}, not ${n}`);
  const faults = parseFaultMix(opts.faults, n);
  checkPrerequisites();
  if (readState(dir)) {
    throw new UsageError(`a lab is already up in ${dir}`, {
      hint: `run \`remediate lab down --dir ${opts.dir}\` first, or use another --dir`,
    });
  }
  const createdDir = !fs.existsSync(dir);
  fs.mkdirSync(dir, { recursive: true });
  const slot = await claimSlot(dir, (s) => teardownSlot(s));
  const clusters: ClusterState[] = faults.map((f, i) => ({
    name: clusterName(i),
    host: `kube01.${clusterName(i)}`,
    ns: nsName(slot, clusterName(i)),
    veth: vethName(slot, i),
    address: clusterAddress(slot, i),
    faults: faultSet(f),
  }));
  const st: LabState = {
    version: 1,
    dir,
    slot,
    bridge: bridgeName(slot),
    bridgeAddress: bridgeAddress(slot),
    createdDir,
    clusters,
  };
  writeState(st);
  const t0 = Date.now();
  try {
    log(`lab slot ${slot}: bridge ${st.bridge} ${st.bridgeAddress}/23, ${n} clusters`);
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    await sshKeygen(path.join(dir, 'id_ed25519'), 'remediate-lab');
    const authorizedKey = fs.readFileSync(path.join(dir, 'id_ed25519.pub'), 'utf8');
    writeLabScripts(dir);
    await createBridge(st.bridge, st.bridgeAddress);
    const hostKeys: string[] = [];
    let done = 0;
    const phase = { pki: 0, files: 0, net: 0, init: 0 };
    await mapLimit(clusters, 6, async (c, i) => {
      const clusterDir = path.join(dir, 'clusters', c.name);
      fs.rmSync(clusterDir, { recursive: true, force: true });
      const has = (f: LabFault) => c.faults.includes(f);
      const tA = Date.now();
      const [pki, etcdPki, mismatch] = await Promise.all([
        makeClusterPki(c.name, !has('healthy')),
        makeEtcdPki(c.name, has('etcd-sans')),
        has('key-mismatch') ? rsaKey() : Promise.resolve(undefined),
      ]);
      phase.pki += Date.now() - tA;
      const tB = Date.now();
      const hostKeyFile = path.join(dir, 'logs', `${c.name}.hostkey`);
      await sshKeygen(hostKeyFile, `root@kube01.${c.name}`);
      hostKeys[i] = fs.readFileSync(hostKeyFile + '.pub', 'utf8').trim();
      writeClusterFiles({
        clusterDir,
        pki,
        etcdPki,
        faults: c.faults,
        mismatchKey: mismatch && keyPem(mismatch),
        withCaKey: !has('no-ca-key'),
        hostKey: fs.readFileSync(hostKeyFile, 'utf8'),
        authorizedKey,
      });
      fs.rmSync(hostKeyFile, { force: true });
      fs.rmSync(hostKeyFile + '.pub', { force: true });
      phase.files += Date.now() - tB;
      const tC = Date.now();
      await createClusterNet(st.bridge, c.ns, c.veth, c.address);
      phase.net += Date.now() - tC;
      const tD = Date.now();
      c.holderPid = spawnHolder(dir, clusterDir, c.ns, c.faults);
      await waitReady(clusterDir, c.holderPid, c.name);
      phase.init += Date.now() - tD;
      if (++done % 25 === 0 || done === n)
        log(`${done}/${n} clusters up (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    });
    if (process.env.LAB_PROFILE) log(`phase ms (summed over clusters): ${JSON.stringify(phase)}`);
    writeState(st);
    const info = writeAccessFiles(dir, clusters, hostKeys);
    log(`inventory: ${info.inventory}`);
    return info;
  } catch (e) {
    log(`lab up failed, tearing down: ${(e as Error).message}`);
    await labDownAt(dir, log).catch(() => undefined);
    throw e instanceof RemediateError
      ? e
      : new RemediateError(`lab up failed: ${(e as Error).message}`, {
          hint: 'the partial lab was torn down; see the message above',
          cause: e,
        });
  }
}

/** Used by tests and bench: is a pid alive. */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
