import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonpath } from '../../src/lab/standin-jsonpath';

const list = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'a' },
      status: { conditions: [{ type: 'Ready', status: 'True' }], cs: [{ ready: true }, { ready: false }] },
    },
    { metadata: { name: 'b' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
  ],
  spec: { clusterIP: '10.254.0.1' },
};

test('dotted paths, [*], [N] and negative indexes', () => {
  assert.is(jsonpath(list, '{.spec.clusterIP}'), '10.254.0.1');
  assert.is(jsonpath(list, '{.items[*].metadata.name}'), 'a b');
  assert.is(jsonpath(list, '{.items[0].status.cs[*].ready}'), 'true false');
  assert.is(jsonpath(list, 'x{.items[-1].metadata.name}y'), 'xby');
});

test('filters, range and quoted literals', () => {
  const t =
    '{range .items[*]}{.metadata.name}{"\\t"}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}';
  assert.is(jsonpath(list, t), 'a\tTrue\nb\tFalse\n');
});

test('missing paths print nothing; bad syntax throws', () => {
  assert.is(jsonpath(list, '{.nope.deeper}'), '');
  assert.throws(() => jsonpath(list, '{.items[}'));
});

test('it is self-contained (serialised into the stand-in script)', () => {
  const fn = new Function(`var __name = (f) => f; return (${jsonpath.toString()});`)();
  assert.is(fn(list, '{.items[1].metadata.name}'), 'b');
});

test.run();
