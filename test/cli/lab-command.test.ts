import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTable } from '../../src/cli/lab-command';

test('lab status table: columns padded to the widest cell, no trailing spaces', () => {
  assert.is(
    formatTable(
      ['CLUSTER', 'MASTER', 'KUBE-DNS'],
      [
        ['c01', '10.77.0.11', '2/3'],
        ['c10-long', '10.77.0.110', '3/3'],
      ],
    ),
    'CLUSTER   MASTER       KUBE-DNS\nc01       10.77.0.11   2/3\nc10-long  10.77.0.110  3/3\n',
  );
});

test.run();
