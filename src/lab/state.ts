/**
 * The lab's state file (`DIR/state.json`) and the host-wide slot registry that keeps side-by-side labs
 * apart: each lab owns one slot N (0..255) and with it the bridge `rlabN`, the namespaces `rlabN-*` and
 * the subnet 198.18.0.0/15 slice N (a /23). Slots are claimed with an atomic mkdir under
 * /run/remediate-lab (`slot-N/owner` = lab dir, `slot-N/pid` = "PID STARTTIME" of the claiming process),
 * so concurrent `lab up`s never pick the same one, and only a slot whose lab is provably gone is reaped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LabFault } from './index';

export const REGISTRY = '/run/remediate-lab';
export const SLOTS = 256;
export const PREFIX_LEN = 23;
export const MAX_CLUSTERS = 509;

export interface ClusterState {
  name: string;
  /** Inventory host name, e.g. `kube01.c001`. */
  host: string;
  ns: string;
  veth: string;
  address: string;
  faults: LabFault[];
  /** Pid of the process holding the cluster's mount namespace (nsenter target). */
  holderPid?: number;
}

export interface LabState {
  version: 1;
  dir: string;
  slot: number;
  bridge: string;
  bridgeAddress: string;
  /** The lab created `dir` (so `down` removes it). */
  createdDir: boolean;
  clusters: ClusterState[];
}

export const statePath = (dir: string) => path.join(dir, 'state.json');

export function readState(dir: string): LabState | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath(dir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function writeState(st: LabState): void {
  const p = statePath(st.dir);
  fs.writeFileSync(p + '.tmp', JSON.stringify(st, null, 1));
  fs.renameSync(p + '.tmp', p);
}

export const bridgeName = (slot: number) => `rlab${slot}`;
export const nsName = (slot: number, cluster: string) => `rlab${slot}-${cluster}`;
export const vethName = (slot: number, index: number) => `rlab${slot}v${index + 1}`;
export const clusterName = (index: number) => `c${String(index + 1).padStart(3, '0')}`;

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
const BASE = (198 << 24) + (18 << 16);
/** The bridge's own address in slot `slot`. */
export const bridgeAddress = (slot: number) => intToIp(BASE + slot * 512 + 1);
/** Address of cluster `index` (0-based) in slot `slot`. */
export const clusterAddress = (slot: number, index: number) => intToIp(BASE + slot * 512 + 2 + index);

const slotDir = (slot: number) => path.join(REGISTRY, `slot-${slot}`);

/** The slot registered to `dir`, if any. */
export function findSlot(dir: string): number | undefined {
  if (!fs.existsSync(REGISTRY)) return undefined;
  for (const e of fs.readdirSync(REGISTRY)) {
    const m = /^slot-(\d+)$/.exec(e);
    if (!m) continue;
    try {
      if (fs.readFileSync(path.join(REGISTRY, e, 'owner'), 'utf8') === dir) return Number(m[1]);
    } catch {
      /* being created or removed */
    }
  }
  return undefined;
}

/** Start time of a live process (/proc/PID/stat field 22), undefined when there is none. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** "PID STARTTIME" of this process: names it unambiguously even after its pid is reused. */
const selfId = () => `${process.pid} ${startTime(process.pid) ?? ''}`;

/** The process recorded in `file` as "PID STARTTIME" is still that process. */
function recordedAlive(file: string): boolean {
  const [pid, start] = fs.readFileSync(file, 'utf8').trim().split(' ');
  return !!start && startTime(Number(pid)) === start;
}

/**
 * A slot is stale when its lab is gone without `lab down` (e.g. a crashed test's temp dir was removed):
 * its directory holds no state file naming the slot AND the process that claimed it is dead. A lab still
 * coming up (state not written yet) or up (state written; the claiming CLI may have exited) is never
 * stale. Slots registered before owner pids were recorded fall back to "older than a minute".
 */
function isStale(slot: number): boolean {
  try {
    const owner = fs.readFileSync(path.join(slotDir(slot), 'owner'), 'utf8');
    if (readState(owner)?.slot === slot) return false;
    const pidFile = path.join(slotDir(slot), 'pid');
    if (fs.existsSync(pidFile)) return !recordedAlive(pidFile);
    return Date.now() - fs.statSync(path.join(slotDir(slot), 'owner')).mtimeMs > 60_000;
  } catch {
    return false; // being created or removed
  }
}

/**
 * Claims a free slot for `dir` (atomic mkdir). Stale slots are torn down by `reclaim` and freed first;
 * one reaper per slot (atomic mkdir of its `reaping` entry), and the slot stays registered while it is
 * torn down, so nobody claims it halfway.
 */
export async function claimSlot(dir: string, reclaim: (slot: number) => Promise<void>): Promise<number> {
  const mine = findSlot(dir);
  if (mine !== undefined) return mine;
  fs.mkdirSync(REGISTRY, { recursive: true });
  for (const e of fs.readdirSync(REGISTRY)) {
    const m = /^slot-(\d+)$/.exec(e);
    if (!m || !isStale(Number(m[1]))) continue;
    try {
      fs.mkdirSync(path.join(slotDir(Number(m[1])), 'reaping'));
    } catch {
      continue; // another process reaps it
    }
    await reclaim(Number(m[1]));
    fs.rmSync(slotDir(Number(m[1])), { recursive: true, force: true });
  }
  for (let slot = 0; slot < SLOTS; slot++) {
    try {
      fs.mkdirSync(slotDir(slot));
    } catch {
      continue;
    }
    fs.writeFileSync(path.join(slotDir(slot), 'pid'), selfId());
    fs.writeFileSync(path.join(slotDir(slot), 'owner'), dir);
    return slot;
  }
  throw new Error(
    `all ${SLOTS} lab slots under ${REGISTRY} are taken: run \`remediate lab down\` on old labs`,
  );
}

/** Who holds `slot` in the registry: 'mine' (registered to `dir`), 'free', or 'other'. */
export function slotOwner(slot: number, dir: string): 'mine' | 'free' | 'other' {
  if (!fs.existsSync(slotDir(slot))) return 'free';
  try {
    return fs.readFileSync(path.join(slotDir(slot), 'owner'), 'utf8') === dir ? 'mine' : 'other';
  } catch {
    return 'other'; // just claimed, owner not written yet
  }
}

/** Frees `slot` if it is still registered to `dir` (never another lab's claim of the same number). */
export function releaseSlot(slot: number, dir: string): void {
  if (slotOwner(slot, dir) === 'mine') fs.rmSync(slotDir(slot), { recursive: true, force: true });
}
