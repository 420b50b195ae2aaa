import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trackSecretVars, trackTaskSecrets } from '../../src/runner/secret-tracking';
import { SecretValues } from '../../src/secrets/secret-values';

const result = {
  cmd: ['cat', '/etc/app/secret'],
  rc: 0,
  stdout: 'out-secret-1',
  stdout_lines: ['out-secret-1'],
  stderr: 'err-secret-2',
  path: '/etc/app',
  owner: 'root',
  item: 'web1',
};

test('no_log: output fields become secret; metadata and loop items stay visible', () => {
  const s = new SecretValues();
  trackTaskSecrets(s, { noLog: true, module: 'command' }, result);
  assert.equal(s.list().sort(), ['err-secret-2', 'out-secret-1']);
  const loop = new SecretValues();
  trackTaskSecrets(
    loop,
    { noLog: true, module: 'command' },
    { results: [result, { ...result, stdout: 'third-3' }] },
  );
  assert.ok(loop.has('third-3'));
  assert.not.ok(loop.has('web1'));
});

test('a secret-looking register name makes the output secret; an ordinary one does not', () => {
  const s = new SecretValues();
  trackTaskSecrets(s, { noLog: false, register: 'out', module: 'command' }, result);
  assert.is(s.size, 0);
  trackTaskSecrets(s, { noLog: false, register: 'db_token', module: 'command' }, result);
  assert.ok(s.has('out-secret-1'));
});

test('set_fact: secret-named facts, and every fact of a no_log set_fact', () => {
  const s = new SecretValues();
  const facts = { ansible_facts: { app_password: 'fact-secret-3', plain: 'visible-4' } };
  trackTaskSecrets(s, { noLog: false, module: 'set_fact' }, facts);
  assert.equal(s.list(), ['fact-secret-3']);
  trackTaskSecrets(s, { noLog: true, module: 'ansible.builtin.set_fact' }, facts);
  assert.ok(s.has('visible-4'));
});

test('vars_files: the values of secret-named variables, nested values too', () => {
  const s = new SecretValues();
  trackSecretVars(s, { vf_password: 'vf-secret-5', api_token: { a: ['nested-6'] }, user: 'bob-visible' });
  assert.equal(s.list().sort(), ['nested-6', 'vf-secret-5']);
});

test.run();
