import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isSecretVarName, sanitize } from '../../src/runner/sanitize';

const secretNames = [
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_ssh_private_key_passphrase',
  'ansible_private_key_passphrase',
  'db_passwd',
  'api_token',
  'client_secret',
  'private_key',
  'password',
];
const plainNames = [
  'ansible_host',
  'passage',
  'tokens_used',
  'secretary',
  'ansible_ssh_private_key_file',
  'bypass_cache',
];

test('secret-named variables are recognized, ordinary ones are not', () => {
  for (const n of secretNames) assert.ok(isSecretVarName(n), n);
  for (const n of plainNames) assert.not.ok(isSecretVarName(n), n);
});

test('sanitize masks secret-named fields at any depth and leaves the rest', () => {
  const out = sanitize({
    ansible_host: '10.0.0.1',
    nested: { ansible_ssh_private_key_passphrase: 'pp-Phrase-9', list: [{ api_token: 't0k' }] },
  });
  assert.equal(out, {
    ansible_host: '10.0.0.1',
    nested: { ansible_ssh_private_key_passphrase: '***', list: [{ api_token: '***' }] },
  });
});

test.run();
