import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { didYouMean } from '../../src/suggest';

const keywords = ['become', 'become_user', 'become_method', 'remote_user', 'delegate_to', 'register'];

test('a typo is never corrected into a privilege-changing keyword', () => {
  for (const w of ['remote_usr', 'bcome_user', 'ecome_user', 'com_user'])
    assert.not.match(didYouMean(w, keywords), /become/, w);
  assert.is(didYouMean('remote_usr', keywords), " — did you mean 'remote_user'?");
  assert.is(didYouMean('regster', keywords), " — did you mean 'register'?");
});

test('a word that already asks for become is still helped', () => {
  assert.is(didYouMean('becom', keywords), " — did you mean 'become'?");
  assert.is(didYouMean('become_usr', keywords), " — did you mean 'become_user'?");
});

test.run();
