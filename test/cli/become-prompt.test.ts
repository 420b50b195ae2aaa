import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { askBecomePassword, passphrasePrompter } from '../../src/cli/become-prompt';
import type { CliIo } from '../../src/cli/cli-io';

function fakeIo(isTTY: boolean): { io: CliIo; stdin: PassThrough; err: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY });
  const err = new PassThrough();
  let text = '';
  err.on('data', (d) => (text += String(d)));
  const io: CliIo = { out: new PassThrough(), err, stdin, cwd: '/', env: {} };
  return { io, stdin, err: () => text };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

test('no terminal: no passphrase prompt (the key fails with a hint instead of hanging)', () => {
  assert.is(passphrasePrompter(fakeIo(false).io), undefined);
});

test('one prompt per key file, concurrent askers share it; other files are asked one at a time', async () => {
  const { io, stdin, err } = fakeIo(true);
  const ask = passphrasePrompter(io)!;
  const a1 = ask('/k/a');
  const a2 = ask('/k/a');
  const b = ask('/k/b');
  await tick();
  assert.is(err().match(/Enter passphrase for key/g)?.length, 1, err());
  assert.match(err(), /'\/k\/a'/);
  stdin.write('pass-a\n');
  const [s1, s2] = await Promise.all([a1, a2]);
  assert.is(s1!.reveal(), 'pass-a');
  assert.is(s2, s1);
  assert.is(String(s1), '***');
  await tick();
  assert.match(err(), /'\/k\/b'/);
  stdin.write('pass-b\n');
  assert.is((await b)!.reveal(), 'pass-b');
  assert.is(await ask('/k/a'), s1);
  assert.not.match(err(), /pass-a|pass-b/);
});

test('two prompts read two lines piped in one chunk (--ask-vault-pass then -K)', async () => {
  const { io, stdin } = fakeIo(false);
  stdin.end('vault-pw\nbecome-pw\n');
  assert.is((await askBecomePassword(io, 'Vault password: ')).reveal(), 'vault-pw');
  assert.is((await askBecomePassword(io)).reveal(), 'become-pw');
});

test.run();
