/**
 * The ssh transport through the runner: a playbook over 200 inventory hosts on one real sshd (MaxStartups
 * at its default, forks 50), and a server killed in the middle of a task — its host ends unreachable with
 * the reason, the other host finishes the play.
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-ssh-runner-'));
fs.chmodSync(tmp, 0o1777);
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function connVars(d: Sshd): string {
  return (
    `ansible_connection=ssh ansible_host=${d.host} ansible_port=${d.port} ansible_user=${TEST_USERS.nopasswd} ` +
    `ansible_ssh_private_key_file=${d.clientKey} remediate_known_hosts=${d.knownHostsFile}`
  );
}

async function run(playbook: string, inventory: string, onEvent?: (e: RunEvent) => void) {
  const pbFile = path.join(tmp, `pb-${Date.now()}.yml`);
  const invFile = path.join(tmp, `inv-${Date.now()}.ini`);
  fs.writeFileSync(pbFile, playbook);
  fs.writeFileSync(invFile, inventory);
  const transportFactory = createTransportFactory({ connectRetries: 1 });
  const events: RunEvent[] = [];
  try {
    const summary = await runPlaybook(
      await loadPlaybook(pbFile),
      await loadInventory([invFile]),
      defaultRunnerOptions({
        transportFactory,
        emit: (e) => {
          events.push(e);
          onEvent?.(e);
        },
      }),
    );
    return { summary, results: events.filter((e): e is TaskResult => e.kind === 'task-result') };
  } finally {
    await transportFactory.closeAll();
  }
}

test('a playbook over 200 hosts on one sshd (default MaxStartups): every host ok', async () => {
  const d = await startSshd();
  try {
    const r = await run(
      `- hosts: fleet\n  gather_facts: false\n  tasks:\n    - command: echo {{ inventory_hostname }}\n      register: out\n    - assert:\n        that: out.stdout == inventory_hostname\n`,
      `[fleet]\nnode[000:199]\n\n[fleet:vars]\n${connVars(d).split(' ').join('\n')}\n`,
    );
    assert.is(r.summary.exitCode, 0, JSON.stringify(r.results.filter((x) => x.status !== 'ok').slice(0, 3)));
    assert.is(Object.keys(r.summary.hosts).length, 200);
    assert.equal(r.summary.unreachableHosts, []);
    assert.is(r.results.filter((x) => x.status === 'changed' || x.status === 'ok').length, 400);
  } finally {
    await d.stop();
  }
});

test('sshd killed during a task: that host is unreachable with the reason, the other finishes', async () => {
  const a = await startSshd();
  const b = await startSshd();
  const marks = fs.mkdtempSync(path.join(tmp, 'marks-'));
  fs.chmodSync(marks, 0o1777);
  try {
    // Each host's command marks that it runs, then waits for a release file: hostA's is still running when
    // its sshd is killed (the test saw its marker), hostB's finishes once released — no timing window.
    const release = path.join(marks, 'release');
    let killed = false;
    const poll = setInterval(() => {
      if (!killed && fs.existsSync(path.join(marks, 'hostA'))) {
        killed = true;
        a.kill();
        fs.writeFileSync(release, '');
      }
    }, 20);
    const r = await run(
      `- hosts: all\n  gather_facts: false\n  tasks:\n` +
        `    - shell: touch ${marks}/{{ inventory_hostname }}; until [ -e ${release} ]; do sleep 0.05; done; echo done\n` +
        `    - command: echo second\n`,
      `hostA ${connVars(a)}\nhostB ${connVars(b)}\n`,
    );
    clearInterval(poll);
    assert.ok(killed);
    assert.equal(r.summary.unreachableHosts, ['hostA']);
    assert.is(r.summary.exitCode, 3);
    const aRes = r.results.filter((x) => x.host === 'hostA');
    assert.is(aRes.length, 1, 'no further task on the dead host');
    assert.is(aRes[0]!.status, 'unreachable');
    assert.match(aRes[0]!.msg ?? '', /connection lost while running/);
    const bRes = r.results.filter((x) => x.host === 'hostB');
    assert.equal(
      bRes.map((x) => x.status),
      ['changed', 'changed'],
    );
  } finally {
    await a.stop();
    await b.stop();
  }
});

test.run();
