/**
 * The slot registry under concurrency: a slot is reaped only when its lab is provably gone (no state in its
 * dir naming it AND its claiming process dead, by pid + start time); a lab still coming up, or up after its
 * CLI exited, is never torn down by a neighbour; a release never frees another lab's claim of the number.
 * Uses the real registry (/run/remediate-lab) with fake entries at high slot numbers; needs root.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { teardownSlot } from '../../src/lab/down';
import { claimSlot, REGISTRY, releaseSlot, slotOwner, startTime, writeState } from '../../src/lab/state';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-state-'));
const fakes: number[] = [];
const claimed: number[] = [];

/** Registers a fake slot (high numbers, away from real labs) as `lab up` would, for `dir`, by `pidLine`. */
function fakeSlot(dir: string, pidLine: string | undefined): number {
  for (let slot = 255; slot > 200; slot--) {
    try {
      fs.mkdirSync(path.join(REGISTRY, `slot-${slot}`), { recursive: false });
    } catch {
      continue;
    }
    if (pidLine !== undefined) fs.writeFileSync(path.join(REGISTRY, `slot-${slot}`, 'pid'), pidLine);
    fs.writeFileSync(path.join(REGISTRY, `slot-${slot}`, 'owner'), dir);
    fakes.push(slot);
    return slot;
  }
  throw new Error('no free high slot for the test');
}
const registered = (slot: number) => fs.existsSync(path.join(REGISTRY, `slot-${slot}`));
/** A pid that is dead now: a child that already exited. */
const deadPid = () => spawnSync('true').pid!;

/** claimSlot for a fresh dir; records which of our fakes it reaped (real stale slots are torn down for real). */
async function claimRecording(): Promise<number[]> {
  const reaped: number[] = [];
  const dir = fs.mkdtempSync(path.join(tmp, 'claimer-'));
  const slot = await claimSlot(dir, async (s) => {
    if (fakes.includes(s)) reaped.push(s);
    else await teardownSlot(s);
  });
  claimed.push(slot);
  releaseSlot(slot, dir);
  return reaped;
}

test.before(() => {
  fs.mkdirSync(REGISTRY, { recursive: true });
});
test.after(() => {
  for (const s of fakes) fs.rmSync(path.join(REGISTRY, `slot-${s}`), { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a lab still coming up (no state yet, claiming process alive) is not reaped, even when old', async () => {
  const dir = path.join(tmp, 'coming-up');
  const slot = fakeSlot(dir, `${process.pid} ${startTime(process.pid)}`);
  const old = new Date(Date.now() - 10 * 60_000);
  fs.utimesSync(path.join(REGISTRY, `slot-${slot}`, 'owner'), old, old);
  assert.equal(await claimRecording(), []);
  assert.ok(registered(slot));
});

test('a pid reused by another process does not keep a dead claimer alive (start time differs)', async () => {
  const dir = path.join(tmp, 'crashed');
  const slot = fakeSlot(dir, `${process.pid} 1`);
  assert.ok(await claimRecording().then((r) => r.includes(slot)));
  assert.not.ok(registered(slot), 'the reaper frees what it tore down');
});

test('a lab that is up (state names the slot) survives its CLI exiting', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'up-'));
  const slot = fakeSlot(dir, `${deadPid()} 12345`);
  writeState({
    version: 1,
    dir,
    slot,
    bridge: `rlab${slot}`,
    bridgeAddress: '198.19.255.1',
    createdDir: false,
    clusters: [],
  });
  assert.equal(await claimRecording(), []);
  assert.ok(registered(slot));
});

test('dir gone and claimer dead: reaped once, however many labs come up at the same time', async () => {
  const slot = fakeSlot(path.join(tmp, 'vanished'), `${deadPid()} 12345`);
  const all = await Promise.all([claimRecording(), claimRecording(), claimRecording()]);
  assert.equal(all.flat(), [slot]);
  assert.not.ok(registered(slot));
});

test('entries without a pid (older labs) keep the one-minute rule', async () => {
  const fresh = fakeSlot(path.join(tmp, 'legacy-fresh'), undefined);
  assert.equal(await claimRecording(), []);
  const old = new Date(Date.now() - 10 * 60_000);
  fs.utimesSync(path.join(REGISTRY, `slot-${fresh}`, 'owner'), old, old);
  assert.equal(await claimRecording(), [fresh]);
});

test('release frees only a claim registered to the same dir', () => {
  const slot = fakeSlot(path.join(tmp, 'owner-a'), `${process.pid} ${startTime(process.pid)}`);
  releaseSlot(slot, path.join(tmp, 'owner-b'));
  assert.ok(registered(slot));
  assert.is(slotOwner(slot, path.join(tmp, 'owner-b')), 'other');
  assert.is(slotOwner(slot, path.join(tmp, 'owner-a')), 'mine');
  releaseSlot(slot, path.join(tmp, 'owner-a'));
  assert.is(slotOwner(slot, path.join(tmp, 'owner-a')), 'free');
});

test.run();
