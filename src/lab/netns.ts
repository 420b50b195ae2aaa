/**
 * Host-side network plumbing of a lab: the bridge, one veth pair and one named network namespace per
 * cluster (the scenario's addresses live on the namespace's loopback, so nothing sent to them ever
 * leaves it), and finding/killing every process that lives in a lab namespace.
 */
import * as fs from 'node:fs';
import { PREFIX_LEN } from './state';
import { mustRun, run } from './exec';

export const NODE_IP = '192.168.0.1';
export const SERVICE_VIP = '10.254.0.1';

export async function createBridge(bridge: string, address: string): Promise<void> {
  await run('ip', ['link', 'del', bridge]);
  await mustRun('ip', ['-batch', '-'], {
    input:
      [
        `link add ${bridge} type bridge`,
        `addr add ${address}/${PREFIX_LEN} dev ${bridge}`,
        `link set ${bridge} up`,
      ].join('\n') + '\n',
  });
}

export async function createClusterNet(
  bridge: string,
  ns: string,
  veth: string,
  address: string,
): Promise<void> {
  await mustRun('ip', ['-batch', '-'], {
    input:
      [
        `netns add ${ns}`,
        `link add ${veth} type veth peer name eth0 netns ${ns}`,
        `link set ${veth} master ${bridge} up`,
      ].join('\n') + '\n',
  });
  await mustRun('ip', ['-n', ns, '-batch', '-'], {
    input:
      [
        'link set lo up',
        `addr add ${NODE_IP}/32 dev lo`,
        `addr add ${SERVICE_VIP}/32 dev lo`,
        `addr add ${address}/${PREFIX_LEN} dev eth0`,
        'link set eth0 up',
      ].join('\n') + '\n',
  });
}

/** Namespace inode (as in /proc/PID/ns/net) of a named netns, or undefined when it does not exist. */
function nsInode(ns: string): number | undefined {
  try {
    return fs.statSync(`/run/netns/${ns}`).ino;
  } catch {
    return undefined;
  }
}

/**
 * `pid` is alive and still the holder of cluster namespace `ns` (pids are reused: a bare kill(pid, 0)
 * could name any process, and nsenter into it would run a probe in the wrong namespaces).
 */
export function holdsNamespace(pid: number | undefined, ns: string): boolean {
  const ino = nsInode(ns);
  if (!pid || ino === undefined) return false;
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`) === `net:[${ino}]`;
  } catch {
    return false;
  }
}

/** Pids of all processes in the given named network namespaces (one pass over /proc). */
export function pidsInNamespaces(namespaces: string[]): number[] {
  const inodes = new Set(namespaces.map(nsInode).filter((x): x is number => x !== undefined));
  if (!inodes.size) return [];
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const m = /net:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${e}/ns/net`));
      if (m && inodes.has(Number(m[1]))) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/**
 * SIGKILLs every process in the namespaces until none is left (bounded). Returns how many it killed.
 * Each pid's namespace is read again right before it is signalled, so a pid that exited during the scan
 * and was reused by some other process meanwhile is left alone.
 */
export async function killNamespaces(namespaces: string[]): Promise<number> {
  const links = new Set(
    namespaces
      .map(nsInode)
      .filter((x): x is number => x !== undefined)
      .map((i) => `net:[${i}]`),
  );
  let killed = 0;
  for (let round = 0; round < 50; round++) {
    const pids = pidsInNamespaces(namespaces);
    if (!pids.length) return killed;
    for (const p of pids) {
      try {
        if (!links.has(fs.readlinkSync(`/proc/${p}/ns/net`))) continue;
        process.kill(p, 'SIGKILL');
        killed++;
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return killed;
}

/** Named namespaces starting with `prefix` (what a crashed lab may have left). */
export function listNamespaces(prefix: string): string[] {
  try {
    return fs.readdirSync('/run/netns').filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}

/** Deletes namespaces (their veth pairs go with them) and the bridge; missing ones are not an error. */
export async function deleteNet(namespaces: string[], bridge: string): Promise<void> {
  const lines = [...namespaces.map((n) => `netns del ${n}`)];
  if (lines.length) await run('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n' });
  await run('ip', ['link', 'del', bridge]);
}

export function linkExists(name: string): boolean {
  return fs.existsSync(`/sys/class/net/${name}`);
}
