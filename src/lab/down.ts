/** `lab down`: stops every process and removes every namespace, link, file and slot a lab created. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deleteNet, killNamespaces, listNamespaces } from './netns';
import { bridgeName, findSlot, readState, releaseSlot, slotOwner, statePath } from './state';

/** Files and directories `lab up` creates inside the lab dir (nothing else there is touched). */
export const LAB_ENTRIES = [
  'clusters',
  'bin',
  'lib',
  'logs',
  'id_ed25519',
  'id_ed25519.pub',
  'inventory.ini',
  'ssh_config',
  'known_hosts',
];

/** Tears down whatever of slot `slot` exists, by name (works without a state file). */
export async function teardownSlot(slot: number, log: (m: string) => void = () => undefined): Promise<void> {
  const namespaces = listNamespaces(`rlab${slot}-`);
  const killed = await killNamespaces(namespaces);
  if (namespaces.length) log(`stopped ${killed} processes in ${namespaces.length} namespaces`);
  await deleteNet(namespaces, bridgeName(slot));
}

/**
 * Safe to run twice, after a crash, or on a directory that never held a lab. Kills and deletes only what
 * is this lab's: processes in its own named namespaces, and only while the slot registry still assigns
 * its slot to this directory (or to nobody) — never a later lab that reuses the slot number.
 */
export async function labDownAt(dirArg: string, log: (m: string) => void = () => undefined): Promise<void> {
  const dir = path.resolve(dirArg);
  const st = readState(dir);
  const slot = st?.slot ?? findSlot(dir);
  if (slot === undefined && !st) {
    log(`no lab in ${dir}`);
    return;
  }
  const owner = slot === undefined ? 'free' : slotOwner(slot, dir);
  if (owner === 'other') {
    log(`slot ${slot} now belongs to another lab: leaving its namespaces alone, removing files only`);
  } else if (st) {
    // by name: also namespaces a crashed `up` created before it recorded them
    const names = owner === 'mine' ? listNamespaces(`rlab${st.slot}-`) : [];
    const namespaces = [...new Set([...st.clusters.map((c) => c.ns), ...names])];
    const killed = await killNamespaces(namespaces);
    log(`stopped ${killed} processes in ${namespaces.length} cluster namespaces`);
    await deleteNet(namespaces, st.bridge);
  } else if (slot !== undefined) await teardownSlot(slot, log);
  if (slot !== undefined) releaseSlot(slot, dir);
  for (const e of LAB_ENTRIES) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  fs.rmSync(statePath(dir), { force: true });
  if (st?.createdDir) {
    try {
      fs.rmdirSync(dir);
    } catch {
      /* not empty: something else lives there */
    }
  }
  log(`lab in ${dir} is down`);
}
