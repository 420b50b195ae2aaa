/**
 * The one word splitter (src/shlex.ts) against Python's shlex.split: golden/shlex.json comes from
 * golden/regenerate-shlex.py (never written by tests), with comments off (command, ssh args) and on (INI).
 * The users of the splitter are checked to go through it: command's free form, INI host lines, ssh args.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShlexError, shlexSplit, shlexWords } from '../../src/shlex';
import { shellWords } from '../../src/modules/shell-words';
import { splitArgs as sshSplitArgs } from '../../src/transport/ssh-config';

type Split = string[] | { error: string };
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'shlex.json'), 'utf8')) as {
  line: string;
  split: Split;
  comments: Split;
}[];

function ours(line: string, comments: boolean): Split {
  try {
    return shlexWords(line, { comments });
  } catch (err) {
    if (!(err instanceof ShlexError)) throw err;
    return { error: err.message };
  }
}

test(`shlex.split as python3 does it, comments off and on (${golden.length} lines)`, () => {
  assert.ok(golden.length >= 100);
  const bad: string[] = [];
  for (const g of golden)
    for (const [key, comments] of [
      ['split', false],
      ['comments', true],
    ] as const) {
      const got = ours(g.line, comments);
      if (JSON.stringify(got) !== JSON.stringify(g[key]))
        bad.push(
          `${JSON.stringify(g.line)} (${key}): ${JSON.stringify(got)} != python ${JSON.stringify(g[key])}`,
        );
    }
  assert.is(bad.length, 0, bad.join('\n'));
});

test('the issue example: echo "a\\$b" c#d is one answer everywhere shlex is used', () => {
  const line = 'echo "a\\$b" c#d';
  assert.equal(shellWords(line), ['echo', 'a\\$b', 'c#d']);
  assert.equal(sshSplitArgs(line), ['echo', 'a\\$b', 'c#d']);
  assert.equal(shlexWords(line, { comments: true }), ['echo', 'a\\$b', 'c']);
});

test('an unbalanced quote in ssh args is a usage error, not a crash', () => {
  assert.throws(
    () => sshSplitArgs('-o "ProxyCommand=ssh x'),
    /cannot split ssh arguments: No closing quotation/,
  );
});

test('columns of tokens and of errors', () => {
  assert.equal(shlexSplit(`a  'b c' d#x`, { comments: true }), [
    { text: 'a', col: 0 },
    { text: 'b c', col: 3 },
    { text: 'd', col: 9 },
  ]);
  try {
    shlexSplit(`ok "open`);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ShlexError);
    assert.is((err as ShlexError).col, 3);
  }
});

test.run();
