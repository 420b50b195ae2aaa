/**
 * A failed task's line as ansible-playbook's default callback prints it: `fatal: [h]: FAILED! => {...}` (and
 * `failed: [h] (item=x) => {...}`, `fatal: [h]: UNREACHABLE! => {...}`) with the result as JSON, keys sorted,
 * `failed` left out, indented for assert — compared with golden/failures/ansible-plain.txt, recorded from
 * ansible-playbook by golden/failures/regenerate.sh. remediate adds a line under each (the task's
 * file:line:col and its own message when it says more), its task totals and its summary: left out here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goldenWorkdir, runPlain } from '../helpers/golden-playbook';

const DIR = path.join(__dirname, 'golden', 'failures');
const work = goldenWorkdir(test, DIR, 'failures-');

async function remediatePlain(verbose = false): Promise<string> {
  // h2 is unreachable (nothing listens on port 9): exit 3
  const { code, text } = await runPlain(work, verbose ? ['-v'] : []);
  assert.is(code, 3, text);
  return text;
}

/** Banners, status lines, result blocks and the recap; volatile values replaced as regenerate.sh does. */
function comparable(text: string): string[] {
  const lines = text
    .split(`${work}/`)
    .join('')
    .replace(/"delta": "[^"]*"/g, '"delta": "<delta>"')
    .replace(/"(start|end)": "[^"]*"/g, '"$1": "<time>"')
    .split('\n');
  const end = lines.findIndex((l) => l.startsWith('h2 '));
  return lines
    .slice(0, end + 1)
    .filter((l) => l !== '' && !l.startsWith('= ') && !/^ {2}\S/.test(l) && !l.startsWith('    ~ '));
}

test('failed results print as ansible-playbook prints them', async () => {
  const text = await remediatePlain();
  const ours = comparable(text);
  const theirs = comparable(fs.readFileSync(path.join(DIR, 'ansible-plain.txt'), 'utf8'));
  // where remediate's message differs on purpose: an unreachable host (ssh2's words are not ssh's)
  const differs = (l: string) => /UNREACHABLE!/.test(l);
  const a = ours.filter((l) => !differs(l));
  const b = theirs.filter((l) => !differs(l));
  assert.equal(a, b);
  const un = (ls: string[]) => JSON.parse(ls.find((l) => /UNREACHABLE!/.test(l))!.split(' => ')[1]!);
  assert.equal(Object.keys(un(ours)), Object.keys(un(theirs)));
  assert.is(un(ours).unreachable, true);
  // an undefined variable in a task's arguments: Ansible's words and source excerpt (compared above), then
  // remediate's own message and hint under it
  assert.match(
    text,
    /"msg": "The task includes an option with an undefined variable\. The error was: 'nope'/,
  );
  assert.match(text, /\n {2}\S*site\.yml:27:7: 'nope' is undefined \(define it/);
  // remediate's location and detail follow the result
  assert.match(
    text,
    /"rc": 3,.*\n {2}\S*site\.yml:8:7: non-zero return code 3: err \(the command was: sh -c/,
  );
  // the secret stays hidden: no_log's censored result, and the generic message of a later failure visible
  assert.not.match(text, /"\*\*\*"|: \*\*\*/);
});

test('-v prints the same one-line result (no second dump)', async () => {
  const text = await remediatePlain(true);
  assert.match(
    text,
    /fatal: \[h1\]: FAILED! => \{"changed": false, "msg": "stop here"\}\n {2}\S*site\.yml:23:7\n/,
  );
});

test.run();
