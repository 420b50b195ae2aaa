// test-timeout: 600
/**
 * fix-cluster-dns.yml on its own, SIGKILLed right after it restarted the kubelet with the new --cluster-dns
 * and before it recreated the pods: the files and the running kubelet are right then, so a rerun that decided
 * from its own edits would leave WordPress on the old resolver forever. The rerun must see the pods older
 * than the --cluster-dns files (tasks/pods-stale.yml) and recreate them; `lab verify` then passes.
 * (The `sans` fault every lab fault carries is fixed first, so WordPress can answer at all.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labVerify } from '../../src/lab';
import { runCli } from '../helpers/cli';
import { runAndKillAt } from '../helpers/kill-at';
import { labForFile, runArgsOf } from './lab-cluster';

const fx = labForFile(test, 'remediate-crash-pods-', { clusters: 1, faults: 'cluster-dns=1' });
const run = (playbook: string) =>
  runArgsOf(`playbooks/${playbook}.yml`, fx.lab.inventory, '-e', 'wordpress_timeout=20 kube_dns_timeout=60');

test('killed between the kubelet restart and the pods: the rerun recreates the pods from their age', async () => {
  const cluster = fx.lab.clusters[0]!.name;
  // the certificate first; WordPress then stays down on the old resolver (that run fails its wait)
  const sans = await runCli(run('fix-apiserver-sans'), { timeoutMs: 240_000 });
  assert.match(sans.stdout, /WordPress is Ready/, sans.stdout + sans.stderr);
  const [before] = await labVerify({ dir: fx.dir, cluster });
  assert.match(before!.detail, /cluster-dns/, before!.detail);

  const k = await runAndKillAt(run('fix-cluster-dns'), {
    trigger: (e) => e.type === 'start' && /^The kubelet runs with --cluster-dns=/.test(e.task ?? ''),
  });
  assert.ok(k.killed, 'killed after the restart');
  assert.ok(
    k.events.some((e) => e.type === 'task' && /^Restart kubelet/.test(e.task ?? '') && e.changed),
    'the kubelet was restarted before the kill',
  );

  const rerun = await runCli(run('fix-cluster-dns'), { timeoutMs: 240_000 });
  assert.is(rerun.code, 0, rerun.stdout + rerun.stderr);
  assert.not.match(rerun.stdout, /changed=0 /, 'the rerun recreated the pods');
  const [v] = await labVerify({ dir: fx.dir, cluster });
  assert.ok(v?.ok, v?.detail);

  // and nothing left to do
  const again = await runCli(run('fix-cluster-dns'), { timeoutMs: 240_000 });
  assert.is(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /changed=0 /);
});

test.run();
