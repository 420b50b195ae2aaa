/**
 * The engine corpus (test/fixtures/playbooks) over SSH: the same playbooks as test/engine/corpus.test.ts,
 * but `localhost` is an inventory host with `ansible_connection=ssh` pointing at a real sshd on loopback,
 * logged in as an unprivileged test user. Each must succeed and a second run must change nothing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { loadInventory } from '../../src/inventory/index';
import { loadPlaybook } from '../../src/playbook/index';
import { createReporter } from '../../src/report/index';
import { runPlaybook } from '../../src/runner/index';
import { defaultRunnerOptions } from '../../src/runner/options';
import { createTransportFactory, type ClosableTransportFactory } from '../../src/transport/index';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const dir = path.join(__dirname, '..', 'fixtures', 'playbooks');
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort();

let d: Sshd;
let tmp: string;
let inventory: string;
const factories: ClosableTransportFactory[] = [];

test.before(async () => {
  d = await startSshd();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-ssh-corpus-'));
  const uid = Number(execFileSync('id', ['-u', TEST_USERS.nopasswd], { encoding: 'utf8' }));
  fs.chownSync(tmp, uid, uid);
  inventory = path.join(d.dir, 'hosts.ini');
  fs.writeFileSync(
    inventory,
    `localhost ansible_connection=ssh ansible_host=${d.host} ansible_port=${d.port} ansible_user=${TEST_USERS.nopasswd} ` +
      `ansible_ssh_private_key_file=${d.clientKey} remediate_known_hosts=${d.knownHostsFile}\n`,
  );
});
test.after(async () => {
  for (const f of factories) await f.closeAll();
  await d?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

async function run(file: string, workdir: string) {
  const events: RunEvent[] = [];
  const out = { text: '', write: (s: string) => void (out.text += s) };
  const reporter = createReporter('plain', { verbosity: 1, diff: true, out, err: out, color: false });
  const transportFactory = createTransportFactory({});
  factories.push(transportFactory);
  const pb = await loadPlaybook(path.join(dir, file));
  const inv = await loadInventory([inventory]);
  const summary = await runPlaybook(
    pb,
    inv,
    defaultRunnerOptions({
      transportFactory,
      emit: (e) => {
        events.push(e);
        reporter.on(e);
      },
      // The fixtures say `connection: local`, which the loader turns into a play var that outranks the
      // inventory: -e is the one level above it.
      extraVars: { workdir, ansible_connection: 'ssh' },
    }),
  );
  await transportFactory.closeAll();
  return {
    summary,
    text: out.text,
    results: events.filter((e): e is TaskResult => e.kind === 'task-result'),
  };
}

for (const file of fixtures) {
  test(`${file} over ssh: succeeds, then a second run changes nothing`, async () => {
    const workdir = path.join(tmp, path.basename(file, '.yml'));
    const first = await run(file, workdir);
    assert.is(first.summary.exitCode, 0, `first run of ${file}:\n${first.text}`);
    // It really went over SSH: files in the work dir belong to the ssh login user.
    if (fs.existsSync(workdir)) {
      const owner = fs.statSync(workdir).uid;
      assert.is(owner, Number(execFileSync('id', ['-u', TEST_USERS.nopasswd], { encoding: 'utf8' })));
    }
    const second = await run(file, workdir);
    const changed = second.results
      .filter((e) => e.status === 'changed' && e.item === undefined)
      .map((e) => e.task);
    assert.equal(changed, [], `second run of ${file} changed: ${changed.join(', ')}\n${second.text}`);
    assert.is(second.summary.exitCode, 0);
  });
}

test.run();
