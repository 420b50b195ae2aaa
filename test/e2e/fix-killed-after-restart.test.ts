/**
 * Issue #10 finding 1: a fix SIGKILLed after the apiserver restart (here: while every host waits for
 * kube-dns to be Ready) must be finished by the next run — pod recreation is decided from the cluster's
 * state (pods older than the certificate in place, pods not Ready), not from what the killed run changed.
 * A 3-cluster `sans` lab: kill, rerun (exit 0, `lab verify` 3/3), third run changed=0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labDown, labUp, labVerify, type LabInfo } from '../../src/lab';
import { runCli } from '../helpers/cli';
import { allStarted, runAndKillAt } from '../helpers/kill-at';

const PLAYBOOK = 'playbooks/fix-apiserver-sans.yml';
const root = mkdtempSync(path.join(tmpdir(), 'remediate-killed-'));
const dir = path.join(root, 'lab');
let lab: LabInfo;

test.before(async () => {
  try {
    lab = await labUp({ dir, clusters: 3, faults: 'sans=3' });
  } catch (e) {
    await teardown();
    throw e;
  }
});
async function teardown(): Promise<void> {
  await labDown({ dir }).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
}
test.after(teardown);

const args = () => ['run', PLAYBOOK, '-i', lab.inventory, '--no-retry-file'];

function changedPerHost(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

test('killed while waiting for kube-dns: the next run recreates the stale pods, lab verify 3/3, then changed=0', async () => {
  const killed = await runAndKillAt(args(), { trigger: allStarted('kube-dns is Ready', 3) });
  assert.ok(killed.killed, `the run ended before the kill point:\n${killed.stderr}`);
  const before = await labVerify({ dir });
  assert.equal(
    before.filter((v) => v.ok).length,
    0,
    'WordPress cannot answer yet (its pods were created with broken DNS)',
  );

  const second = await runCli(args(), { timeoutMs: 240_000 });
  const out2 = second.stdout + second.stderr;
  assert.is(second.code, 0, out2);
  // the certificate is already right, so only the cluster state can ask for the pods to be recreated
  assert.not.match(out2, /~ SAN /);
  assert.ok(
    /TASK \[Recreate WordPress from \/root\/manifests\/wordpress\][^\n]*\nchanged: /.test(out2),
    out2,
  );
  const verify = await labVerify({ dir });
  assert.equal(
    verify.map((v) => v.ok),
    [true, true, true],
    verify.map((v) => v.detail).join('\n'),
  );

  const third = await runCli(args(), { timeoutMs: 240_000 });
  assert.is(third.code, 0, third.stdout + third.stderr);
  const ch = changedPerHost(third.stdout);
  assert.is(Object.keys(ch).length, 3, third.stdout);
  for (const [h, n] of Object.entries(ch)) assert.is(n, 0, `${h} changed on the third run`);
});

test.run();
