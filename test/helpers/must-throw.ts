/**
 * The error a call must throw (or a promise must reject with). Use instead of try/catch in tests: a catch
 * block that only inspects the error passes when nothing is thrown, and one whose checks are loose (a
 * not.match, an instance of Error) also accepts uvu's own "not reached" assertion.
 */
import * as assert from 'uvu/assert';

export function thrown(fn: () => unknown, what = 'the call'): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.unreachable(`${what} was expected to throw`);
  throw new Error('unreachable');
}

export async function rejected(p: Promise<unknown>, what = 'the promise'): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return e;
  }
  assert.unreachable(`${what} was expected to reject, resolved with ${JSON.stringify(value)?.slice(0, 200)}`);
  throw new Error('unreachable');
}
