import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { argv, quote, raw, secret, sh } from '../../src/command';

test('quote leaves safe words alone and single-quotes the rest', () => {
  assert.is(quote('abc/def.crt'), 'abc/def.crt');
  assert.is(quote(''), "''");
  assert.is(quote('a b'), "'a b'");
  assert.is(quote("it's"), `'it'\\''s'`);
  assert.is(quote('$(rm -rf /)'), "'$(rm -rf /)'");
});

test('sh quotes every interpolation, raw() is verbatim, arrays become words', () => {
  const c = sh`openssl x509 -in ${'/tmp/a b.crt'} ${raw('&&')} echo ${['x y', 'z']}`;
  assert.is(c.script, "openssl x509 -in '/tmp/a b.crt' && echo 'x y' z");
  assert.is(c.display, c.script);
});

test('secrets are revealed only in the script, masked in display and JSON', () => {
  const pw = secret('hunter2');
  const c = sh`echo ${pw} | sudo -S true`;
  assert.is(c.script, 'echo hunter2 | sudo -S true');
  assert.is(c.display, 'echo *** | sudo -S true');
  assert.is(String(pw), '***');
  assert.is(JSON.stringify({ pw }), '{"pw":"***"}');
  assert.not.match(JSON.stringify(argv(['a', pw])), /hunter2/);
});

test('a command with a secret does not leak through inspect or spread', () => {
  const c = sh`login ${secret('s3cr3t')}`;
  assert.not.match(require('node:util').inspect(c), /s3cr3t/);
  assert.not.match(JSON.stringify({ ...c }), /s3cr3t/);
  assert.is(c.script, 'login s3cr3t');
});

test.run();
