/**
 * Loader side of issue #11's syntax items: notify on blocks and import_tasks passed down to the tasks
 * inside, vars on import_playbook, nested lists in vars_files, set_fact with a templated key=value.
 * What they do at run time is proved against ansible-playbook by test/ansible-diff/cases/syntax.yml.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPlaybook } from '../../src/playbook/index';
import type { BlockTask, IncludeTask, ModuleTask } from '../../src/playbook/types';
import { rejected } from '../helpers/must-throw';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syntax-keywords-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const HANDLERS = `  handlers:
    - name: h1
      debug: msg=1
    - name: h2
      debug: msg=2
`;

test('notify on a block and on import_tasks reaches each task inside without its own', async () => {
  write('imp.yml', '- debug: msg=a\n- debug: msg=b\n  notify: h2\n');
  write('inc.yml', '- debug: msg=x\n');
  const pb = await loadPlaybook(
    write(
      'p1.yml',
      `- hosts: all
  tasks:
    - import_tasks: imp.yml
      notify: h1
    - block:
        - debug: msg=c
        - block:
            - debug: msg=d
          notify: h2
        - include_tasks: inc.yml
      notify: [h1]
${HANDLERS}`,
    ),
  );
  const [imp, blk] = pb.plays[0]!.tasks as BlockTask[];
  assert.equal(
    imp!.block.map((t) => (t as ModuleTask).notify),
    [['h1'], ['h2']],
  );
  assert.equal((blk!.block[0] as ModuleTask).notify, ['h1']);
  assert.equal(((blk!.block[1] as BlockTask).block[0] as ModuleTask).notify, ['h2']);
  // an include_tasks inside carries it to the tasks it loads at run time
  assert.equal((blk!.block[2] as IncludeTask).inheritedNotify, ['h1']);
});

test('notify on a block must name a handler; on include_tasks it is an error (as in Ansible)', async () => {
  const e1 = await rejected(
    loadPlaybook(
      write(
        'p2.yml',
        `- hosts: all\n  tasks:\n    - block:\n        - debug: msg=x\n      notify: nope\n${HANDLERS}`,
      ),
    ),
  );
  assert.match((e1 as Error).message, /p2\.yml:5:\d+: notify 'nope' matches no handler/);
  write('inc.yml', '- debug: msg=x\n');
  const e2 = await rejected(
    loadPlaybook(
      write('p3.yml', `- hosts: all\n  tasks:\n    - include_tasks: inc.yml\n      notify: h1\n${HANDLERS}`),
    ),
  );
  assert.match((e2 as Error).message, /p3\.yml:4:7: 'notify' is not allowed on include_tasks/);
});

test('vars on import_playbook go over the imported plays own vars', async () => {
  write('sub.yml', '- hosts: all\n  vars: {a: own, b: own}\n  tasks: []\n');
  const pb = await loadPlaybook(write('p4.yml', '- import_playbook: sub.yml\n  vars:\n    a: import\n'));
  assert.equal(pb.plays[0]!.vars, { a: 'import', b: 'own' });
  const e = await rejected(loadPlaybook(write('p5.yml', '- import_playbook: sub.yml\n  vars: [1]\n')));
  assert.match((e as Error).message, /p5\.yml:2:9: vars of import_playbook must be a mapping/);
});

test('vars_files: a list inside is kept as candidates; set_fact key=value keeps strings, keys may be templated', async () => {
  const pb = await loadPlaybook(
    write(
      'p6.yml',
      `- hosts: all
  vars_files:
    - [missing.yml, "v-{{ x }}.yml"]
  tasks:
    - set_fact: "{{ name }}=42 flag=yes plain=x"
`,
    ),
  );
  assert.equal(pb.plays[0]!.varsFiles, [['missing.yml', 'v-{{ x }}.yml']]);
  assert.equal((pb.plays[0]!.tasks[0] as ModuleTask).args, { '{{ name }}': '42', flag: true, plain: 'x' });
});

test.run();
