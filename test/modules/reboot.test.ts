// test-timeout: 90
/**
 * reboot and wait_for_connection over a real sshd on loopback, through the runner (its reconnect path). The
 * "reboot" is a lab stand-in: reboot_command marks a file; the test then stops sshd (every session drops,
 * connections are refused), writes a new boot id into the file boot_time_command reads, and starts sshd
 * again on the same port with the same host key. The module must see the host go away, reconnect once it
 * is back, notice the new boot id and run test_command. wait_for_connection waits through a window where
 * sshd is down; and times out against a server that never comes back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { loadInventory } from '../../src/inventory/index';
import { loadPlaybook } from '../../src/playbook/index';
import { runPlaybook } from '../../src/runner/index';
import { defaultRunnerOptions } from '../../src/runner/options';
import { createTransportFactory } from '../../src/transport/index';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-reboot-'));
fs.chmodSync(tmp, 0o1777);
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The server's keys and known_hosts copied out of its directory (which stop() removes): they outlive it. */
interface Lab {
  hostKey: string;
  clientKey: string;
  knownHosts: string;
}
function keep(d: Sshd): Lab {
  const stamp = `${d.port}-${Date.now()}`;
  const copy = (from: string, name: string) => {
    const to = path.join(tmp, `${name}-${stamp}`);
    fs.copyFileSync(from, to);
    fs.chmodSync(to, 0o600);
    if (fs.existsSync(`${from}.pub`)) fs.copyFileSync(`${from}.pub`, `${to}.pub`);
    return to;
  };
  return {
    hostKey: copy(d.hostKey, 'hostkey'),
    clientKey: copy(d.clientKey, 'client'),
    knownHosts: copy(d.knownHostsFile, 'known_hosts'),
  };
}

function inventory(d: Sshd, lab: Lab): string {
  return (
    `lab ansible_connection=ssh ansible_host=${d.host} ansible_port=${d.port} ansible_user=${TEST_USERS.nopasswd} ` +
    `ansible_ssh_private_key_file=${lab.clientKey} remediate_known_hosts=${lab.knownHosts}\n`
  );
}

async function run(playbook: string, inv: string) {
  const pbFile = path.join(tmp, `pb-${Date.now()}.yml`);
  const invFile = path.join(tmp, `inv-${Date.now()}.ini`);
  fs.writeFileSync(pbFile, playbook);
  fs.writeFileSync(invFile, inv);
  const transportFactory = createTransportFactory({ connectRetries: 1 });
  const events: RunEvent[] = [];
  try {
    const summary = await runPlaybook(
      await loadPlaybook(pbFile),
      await loadInventory([invFile]),
      defaultRunnerOptions({ transportFactory, emit: (e) => events.push(e) }),
    );
    return { summary, results: events.filter((e): e is TaskResult => e.kind === 'task-result') };
  } finally {
    await transportFactory.closeAll();
  }
}

/** When `marker` appears: stop sshd, keep it down `downMs`, run `meanwhile`, start it again (same port and key). */
async function rebootWhen(
  marker: string,
  d: Sshd,
  lab: Lab,
  downMs: number,
  meanwhile: () => void,
): Promise<Sshd> {
  for (let i = 0; i < 400 && !fs.existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(fs.existsSync(marker), 'the reboot command ran');
  await d.stop();
  await new Promise((r) => setTimeout(r, downMs));
  meanwhile();
  const back = await startSshd({ hostKey: lab.hostKey, port: d.port });
  back.authorize(TEST_USERS.nopasswd, `${lab.clientKey}.pub`);
  return back;
}

test('reboot: the host goes away, comes back with a new boot id; test_command runs there', async () => {
  const d = await startSshd();
  const lab = keep(d);
  const bootFile = path.join(tmp, 'boot_id');
  const marker = path.join(tmp, 'reboot-requested');
  fs.writeFileSync(bootFile, 'boot-1\n', { mode: 0o666 });
  let back: Sshd | undefined;
  try {
    const pb =
      `- hosts: lab\n  gather_facts: false\n  tasks:\n` +
      `    - reboot:\n        boot_time_command: cat ${bootFile}\n        reboot_command: touch ${marker}\n` +
      `        test_command: cat ${bootFile}\n        reboot_timeout: 30\n      register: r\n` +
      `    - assert:\n        that: [r.rebooted, r.changed]\n` +
      `    - command: cat ${bootFile}\n      register: after\n` +
      `    - assert:\n        that: after.stdout == 'boot-2'\n`;
    const running = run(pb, inventory(d, lab));
    back = await rebootWhen(marker, d, lab, 1500, () => fs.writeFileSync(bootFile, 'boot-2\n'));
    const r = await running;
    assert.is(r.summary.exitCode, 0, JSON.stringify(r.results.map((x) => [x.status, x.msg ?? ''])));
    assert.equal(
      r.results.map((x) => x.status),
      ['changed', 'ok', 'changed', 'ok'],
    );
  } finally {
    await back?.stop();
    await d.stop();
  }
});

test('wait_for_connection: waits through a window where sshd is down; times out when it never returns', async () => {
  const d = await startSshd();
  const lab = keep(d);
  const marker = path.join(tmp, 'down-now');
  let back: Sshd | undefined;
  try {
    const pb =
      `- hosts: lab\n  gather_facts: false\n  tasks:\n` +
      `    - command: touch ${marker}\n` +
      `    - wait_for_connection:\n        delay: 1\n        timeout: 30\n      register: w\n` +
      `    - command: echo still here\n`;
    const running = run(pb, inventory(d, lab));
    back = await rebootWhen(marker, d, lab, 2500, () => undefined);
    const r = await running;
    assert.is(r.summary.exitCode, 0, JSON.stringify(r.results.map((x) => [x.status, x.msg ?? ''])));
    assert.equal(
      r.results.map((x) => x.status),
      ['changed', 'ok', 'changed'],
    );
    await back.stop();
    back = undefined;
    const gone = await run(
      `- hosts: lab\n  gather_facts: false\n  tasks:\n    - wait_for_connection:\n        timeout: 3\n`,
      inventory(d, lab),
    );
    assert.is.not(gone.summary.exitCode, 0);
    assert.match(String(gone.results[0]?.msg), /timed out waiting for ping module test/);
  } finally {
    await back?.stop();
    await d.stop();
  }
});

test.run();
