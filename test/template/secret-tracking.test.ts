import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SecretValues } from '../../src/secrets/secret-values';
import { Templar } from '../../src/template/index';

test('reading a secret-named variable makes its value secret; other variables stay visible', () => {
  const secrets = new SecretValues();
  const t = new Templar({ secrets });
  assert.is(
    t.renderString('{{ db_password }} {{ user }}', { db_password: 'pw-from-template', user: 'alice' }),
    'pw-from-template alice',
  );
  assert.ok(secrets.has('pw-from-template'));
  assert.not.ok(secrets.has('alice'));
});

test('re-encodings of anything holding a secret are secret; of other values they are not', () => {
  const secrets = new SecretValues(['hunter22']);
  const t = new Templar({ secrets });
  const vars = { p: 'hunter22', other: 'visible' };
  const b64 = t.renderString('{{ ("user:" ~ p) | b64encode }}', vars);
  assert.is(b64, Buffer.from('user:hunter22').toString('base64'));
  assert.ok(secrets.has(b64));
  assert.ok(secrets.has(t.renderString('{{ p | upper }}', vars)));
  assert.ok(secrets.has(t.renderString('{{ p | regex_replace("2", "3") }}', vars)));
  assert.ok(secrets.has(String(t.renderString('{{ {"k": p} | to_json | b64encode }}', vars))));
  assert.not.ok(secrets.has(t.renderString('{{ other | upper }}', vars)));
  assert.is(secrets.mask(`token ${b64}`), 'token ***');
});

test("what lookup('password') returns is secret, in whatever variable it lands", () => {
  const secrets = new SecretValues();
  const t = new Templar({ secrets });
  const pw = t.renderString("{{ lookup('password', '/dev/null length=24') }}", {});
  assert.is(pw.length, 24);
  assert.ok(secrets.has(pw));
  const [viaQuery] = t.lookup('password', ['/dev/null length=16'], {}) as string[];
  assert.ok(secrets.has(viaQuery!));
});

test('without a secret set the templar tracks nothing (and costs nothing)', () => {
  const t = new Templar();
  assert.is(t.renderString('{{ db_password | b64encode }}', { db_password: 'x' }), 'eA==');
});

test.run();
