import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as YAML from 'yaml';
import { playbookJsonSchema } from '../../src/playbook/index';

const root = path.resolve(__dirname, '../..');
const ajv = new Ajv2020({ strict: false, allErrors: false });
const validate = ajv.compile(playbookJsonSchema());
const read = (f: string) => YAML.parse(fs.readFileSync(f, 'utf8'), { version: '1.1' }) as unknown;

function playbooksIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
}

test('the schema is draft 2020-12 and names every registered module and its FQCN', () => {
  const s = playbookJsonSchema() as {
    $schema: string;
    $defs: Record<string, { properties: Record<string, unknown> }>;
  };
  assert.is(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
  const props = s.$defs.module_task.properties;
  for (const m of ['command', 'ansible.builtin.command', 'file', 'x509_sans', 'kubectl', 'debug']) {
    assert.ok(m in props, `${m} in the schema`);
  }
  for (const k of ['when', 'register', 'loop', 'until', 'notify', 'no_log', 'check_mode'])
    assert.ok(k in props, k);
});

const good = [
  ...playbooksIn(path.join(root, 'playbooks')),
  ...playbooksIn(path.join(root, 'test/fixtures/playbooks')),
];
for (const file of good) {
  test(`ajv accepts ${path.relative(root, file)}`, () => {
    const ok = validate(read(file));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 3)));
  });
}

// Schema-level mistakes (references and YAML syntax are the loader's job, not the schema's).
const rejected = [
  'unknown-module.yml',
  'misspelt-keyword.yml',
  'wrong-type.yml',
  'wrong-arg-type.yml',
  'bad-serial.yml',
  'bad-serial-percent.yml',
  'negative-retries.yml',
  'bad-strategy.yml',
  'two-modules.yml',
  'not-a-list.yml',
  'missing-hosts.yml',
  'unknown-play-keyword.yml',
  'bad-loop-control.yml',
];
for (const f of rejected) {
  test(`ajv rejects bad/${f}`, () => {
    assert.not.ok(validate(read(path.join(root, 'test/fixtures/bad', f))));
  });
}

test('unknown module arguments are rejected (modules with argument aliases let extra keys through)', () => {
  assert.not.ok(validate([{ hosts: 'all', tasks: [{ command: { cmd: 'ls', chdr: '/' } }] }]));
  assert.ok(
    validate([{ hosts: 'all', tasks: [{ file: { dest: '/x', state: 'touch' } }] }]),
    'alias dest for path',
  );
});

test('a {{ template }} is accepted where the module wants another type', () => {
  const pb = [{ hosts: 'all', tasks: [{ wait_for: { port: '{{ api_port }}', timeout: 5 } }] }];
  assert.ok(validate(pb), JSON.stringify(validate.errors));
  assert.not.ok(validate([{ hosts: 'all', tasks: [{ wait_for: { port: 'https' } }] }]));
});

test.run();
