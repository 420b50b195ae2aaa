import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shouldRunTags } from '../../src/runner/tags';

const table: [string[], string[], string[], boolean][] = [
  // task tags, --tags, --skip-tags, runs
  [[], [], [], true],
  [['web'], [], [], true],
  [['never'], [], [], false],
  [['never', 'dbg'], ['dbg'], [], true],
  [['always'], ['web'], [], true],
  [['always'], [], ['always'], false],
  [['always'], [], ['all'], true],
  [['web'], [], ['all'], false],
  [['web'], ['db'], [], false],
  [['web'], ['tagged'], [], true],
  [[], ['tagged'], [], false],
  [[], ['untagged'], [], true],
  [['web'], ['untagged'], [], false],
  [['web'], [], ['web'], false],
  [['web', 'db'], ['db'], ['web'], false],
  [[], [], ['untagged'], false],
  [['x'], [], ['tagged'], false],
  [['x'], ['all'], [], true],
];

test('Ansible tag selection table', () => {
  for (const [tags, only, skip, want] of table) {
    assert.is(shouldRunTags(tags, only, skip), want, `${JSON.stringify([tags, only, skip])}`);
  }
});

test.run();
