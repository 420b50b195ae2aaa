/**
 * `lab down` on a directory whose state names a slot that now belongs to another lab (its own claim was
 * lost, e.g. reaped or released twice): it must not touch that lab's namespaces, processes or bridge.
 * Needs root and iproute2; the "other lab" is one real namespace with a process in it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labDown } from '../../src/lab';
import { holdsNamespace, listNamespaces } from '../../src/lab/netns';
import { claimSlot, releaseSlot, slotOwner, writeState } from '../../src/lab/state';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-down-'));
const otherDir = path.join(tmp, 'other');
const staleDir = path.join(tmp, 'stale');
let slot: number;
let ns: string;
let sleeper: ChildProcess | undefined;

test.before(async () => {
  fs.mkdirSync(otherDir);
  fs.mkdirSync(staleDir);
  slot = await claimSlot(otherDir, async () => undefined);
  ns = `rlab${slot}-c001`;
  spawnSync('ip', ['netns', 'add', ns]);
  sleeper = spawn('ip', ['netns', 'exec', ns, 'sleep', '120'], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !holdsNamespace(sleeper.pid, ns); i++)
    await new Promise((r) => setTimeout(r, 20));
});

test.after(() => {
  sleeper?.kill('SIGKILL');
  spawnSync('ip', ['netns', 'del', ns]);
  releaseSlot(slot, otherDir);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("down of a stale state leaves the slot's current lab alone, and removes only its own files", async () => {
  assert.ok(holdsNamespace(sleeper!.pid, ns), 'the other lab runs');
  writeState({
    version: 1,
    dir: staleDir,
    slot,
    bridge: `rlab${slot}`,
    bridgeAddress: '198.19.255.1',
    createdDir: false,
    clusters: [
      { name: 'c001', host: 'kube01.c001', ns, veth: `rlab${slot}v1`, address: '198.19.255.2', faults: [] },
    ],
  });
  const log: string[] = [];
  await labDown({ dir: staleDir, log: (m) => log.push(m) });
  assert.match(log.join('\n'), 'belongs to another lab');
  assert.ok(holdsNamespace(sleeper!.pid, ns), 'the other lab was killed');
  assert.equal(listNamespaces(`rlab${slot}-`), [ns]);
  assert.is(slotOwner(slot, otherDir), 'mine', "the other lab's claim was released");
  assert.not.ok(fs.existsSync(path.join(staleDir, 'state.json')));
});

test.run();
