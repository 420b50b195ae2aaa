import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RemediateError, UsageError } from '../../src/errors';
import { labUp } from '../../src/lab';
import { checkPrerequisites } from '../../src/lab/up';

test('a machine without the tools gets told what is missing and how to install it', () => {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    checkPrerequisites();
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, RemediateError);
    assert.match((e as Error).message, 'missing programs');
    assert.match((e as Error).message, 'openssl (openssl)');
    assert.match((e as RemediateError).hint ?? '', /apt-get install -y .*openssl/);
  } finally {
    process.env.PATH = saved;
  }
});

test('bad cluster counts and fault mixes are usage errors before anything is created', async () => {
  for (const [clusters, faults] of [
    [0, undefined],
    [1.5, undefined],
    [2, 'sans=3'],
    [2, 'nope'],
  ] as const) {
    try {
      await labUp({ dir: '/nonexistent/lab', clusters, faults });
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, UsageError, String(e));
    }
  }
});

test.run();
