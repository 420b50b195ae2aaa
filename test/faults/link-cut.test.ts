/**
 * Issue #10 finding 8: a link cut mid-task. Host `far` lives in a network namespace (its own sshd), host
 * `near` on loopback; both run a 6 s command; the moment `far` starts it (over the connection the first
 * task opened), its namespace's links go down.
 * `far` must end unreachable with the reason (keepalives unanswered) well before the old 60 s, without the
 * multi-line probe script in the message, and `near` must finish the task and the next one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAndKillAt } from '../helpers/kill-at';
import { createNetns, type Netns } from '../helpers/netns';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const dir = mkdtempSync(path.join(tmpdir(), 'rm-linkcut-'));
let ns: Netns;
let far: Sshd;
let near: Sshd;

test.before(async () => {
  ns = createNetns();
  far = await startSshd({ netns: ns.name, listenAddress: ns.nsAddr });
  near = await startSshd();
});
test.after(async () => {
  await far?.stop();
  await near?.stop();
  ns?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const linksDown = () =>
  execFileSync('ip', [
    'netns',
    'exec',
    ns.name,
    'sh',
    '-c',
    'for i in $(ls /sys/class/net); do [ "$i" = lo ] || ip link set "$i" down; done',
  ]);

test('a link cut mid-task: that host unreachable within ~15 s with the reason, the other host goes on', async () => {
  const inv = path.join(dir, 'inv.ini');
  const line = (name: string, d: Sshd, host: string) =>
    `${name} ansible_host=${host} ansible_port=${d.port} ansible_user=${TEST_USERS.nopasswd} ansible_ssh_private_key_file=${d.clientKey} remediate_known_hosts=${d.knownHostsFile}`;
  writeFileSync(inv, `[all]\n${line('far', far, ns.nsAddr)}\n${line('near', near, '127.0.0.1')}\n`);
  const play = path.join(dir, 'play.yml');
  writeFileSync(
    play,
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: connect\n      command: echo hello\n    - name: slow step\n      shell: |\n        sleep 6\n        echo done\n    - name: next step\n      command: echo next\n`,
  );
  let cutAt = 0;
  const r = await runAndKillAt(['run', play, '-i', inv, '--no-retry-file', '--connect-retries', '0', '-vv'], {
    // mid-task: `far` has started the slow step over its open connection (opened by the first task)
    trigger: (e) => e.type === 'start' && e.host === 'far' && e.task === 'slow step',
    kill: false,
    beforeKill: async () => {
      linksDown();
      cutAt = Date.now();
    },
    timeoutMs: 120_000,
  });
  const farResult = r.events.find((e) => e.type === 'task' && e.host === 'far' && e.task === 'slow step');
  assert.ok(farResult, r.stderr);
  assert.is(farResult!.status, 'unreachable', JSON.stringify(farResult));
  const noticedMs = Date.parse(String(farResult!.time)) - cutAt;
  process.stdout.write(`cut link noticed after ${(noticedMs / 1000).toFixed(1)} s\n`);
  assert.ok(noticedMs < 30_000, `noticed after ${noticedMs} ms (keepalive 5 s x 2)`);
  const msg = String(farResult!.msg);
  process.stdout.write(`far: ${msg}\n`);
  assert.match(msg, /keepalive|connection lost|connection may be broken/i);
  assert.not.match(msg, /sleep 6\n/, 'the multi-line script is not dumped');
  const nearDone = r.events.filter((e) => e.type === 'task' && e.host === 'near').map((e) => e.task);
  assert.equal(nearDone, ['connect', 'slow step', 'next step']);
  assert.is(r.code, 3, r.stderr);
});

test.run();
