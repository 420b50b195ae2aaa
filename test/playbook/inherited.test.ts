// One table of inherited keywords (schema.ts): every entry is accepted on a play (but delegate_to and
// delegate_facts), a block, an include and a task, lands on the model under its camelCase name, and
// passes down.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { loadPlaybook } from '../../src/playbook/index';
import { INHERITED_FIELDS, inheritKeywords } from '../../src/playbook/inherited';
import { camelCase } from '../../src/playbook/keyword-values';
import { inheritedKeywords, playInheritedKeywords } from '../../src/playbook/schema';
import type { BlockTask, IncludeTask, ModuleTask } from '../../src/playbook/types';

/** A valid value per inherited keyword: a keyword added to the table without one fails here, by name. */
const SAMPLE: Record<string, unknown> = {
  become: true,
  become_user: 'app',
  remote_user: 'deploy',
  become_method: 'su',
  environment: { A: '1' },
  no_log: true,
  ignore_errors: '{{ tolerate }}',
  ignore_unreachable: true,
  check_mode: false,
  delegate_to: 'localhost',
  delegate_facts: true,
  run_once: true,
  throttle: 2,
  any_errors_fatal: true,
  timeout: 30,
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-inherited-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every inherited keyword has a sample value here', () => {
  for (const k of Object.keys(inheritedKeywords)) assert.ok(k in SAMPLE, `add a sample value for '${k}'`);
});

for (const k of Object.keys(inheritedKeywords)) {
  const field = camelCase(k) as keyof ModuleTask;
  test(`${k}: accepted on a task, a block and an include, as '${field}'`, async () => {
    fs.writeFileSync(path.join(dir, 'inc.yml'), stringify([{ debug: { msg: 'x' } }]));
    const file = path.join(dir, `${k}.yml`);
    const play: Record<string, unknown> = {
      hosts: 'all',
      tasks: [
        { debug: { msg: 'x' }, [k]: SAMPLE[k] },
        { block: [{ debug: { msg: 'y' } }], [k]: SAMPLE[k] },
        { include_tasks: 'inc.yml', [k]: SAMPLE[k] },
      ],
    };
    if (k in playInheritedKeywords) play[k] = SAMPLE[k];
    fs.writeFileSync(file, stringify([play]));
    const pb = await loadPlaybook(file);
    const [t, b, inc] = pb.plays[0]!.tasks as [ModuleTask, BlockTask, IncludeTask];
    for (const node of [t, b, inc]) assert.equal(node[field as keyof typeof node], SAMPLE[k]);
    if (k in playInheritedKeywords)
      assert.equal(pb.plays[0]![field as keyof (typeof pb.plays)[0]], SAMPLE[k]);
  });
}

for (const k of ['delegate_to', 'delegate_facts'])
  test(`${k} is not a play keyword`, async () => {
    const file = path.join(dir, `play-${k}.yml`);
    fs.writeFileSync(file, stringify([{ hosts: 'all', [k]: SAMPLE[k], tasks: [] }]));
    await loadPlaybook(file).then(
      () => assert.unreachable('loaded'),
      (e: Error) => assert.match(e.message, new RegExp(`unknown play keyword '${k}'`)),
    );
  });

test('inheritKeywords: the inner value wins, environment merges, unset keywords pass through', () => {
  assert.equal(INHERITED_FIELDS, Object.keys(inheritedKeywords).map(camelCase));
  const play = { become: true, environment: { A: '1', B: '1' }, noLog: false };
  const block = inheritKeywords(play, { environment: { B: '2' }, becomeUser: 'app' });
  const task = inheritKeywords(block, { noLog: true, become: false });
  assert.equal(task, {
    become: false,
    environment: { A: '1', B: '2' },
    noLog: true,
    becomeUser: 'app',
  });
});

test.run();
