/** The old task forms `action:` and `local_action:` load as the module key (local_action delegates to localhost). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlaybook } from '../../src/playbook/index';
import type { ModuleTask } from '../../src/playbook/types';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-action-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('local_action and action, string and mapping forms', async () => {
  const file = path.join(tmp, 'pb.yml');
  fs.writeFileSync(
    file,
    [
      '- hosts: all',
      '  tasks:',
      '    - local_action: command echo hi',
      '    - local_action: { module: copy, content: x, dest: /tmp/y }',
      '    - action: file path=/tmp/z state=directory',
      '      register: r',
    ].join('\n'),
  );
  const [a, b, c] = (await loadPlaybook(file)).plays[0].tasks as ModuleTask[];
  assert.equal([a.module, a.args._raw_params, a.delegateTo], ['command', 'echo hi', 'localhost']);
  assert.equal([b.module, b.args, b.delegateTo], ['copy', { content: 'x', dest: '/tmp/y' }, 'localhost']);
  assert.equal(
    [c.module, c.args, c.delegateTo, c.register],
    ['file', { path: '/tmp/z', state: 'directory' }, undefined, 'r'],
  );
});

test('an action without a module is a located error', async () => {
  const file = path.join(tmp, 'bad.yml');
  fs.writeFileSync(file, '- hosts: all\n  tasks:\n    - local_action: { src: a }\n');
  try {
    await loadPlaybook(file);
    assert.unreachable('loaded');
  } catch (e) {
    assert.match((e as Error).message, /bad\.yml:3:\d+: 'local_action' needs a module/);
  }
});

test.run();
