/**
 * A debug loop's per-item output and a loop's ignored failure, from remediate's plain reporter against
 * what ansible-playbook printed for the same playbook (golden/debug-loop/ansible-plain.txt, recorded by
 * golden/debug-loop/regenerate.sh). remediate's own additions (the `= N hosts: ...` task totals, the
 * summary after the recap, the file:line:col under a failure) are left out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goldenWorkdir, runPlain } from '../helpers/golden-playbook';

const DIR = path.join(__dirname, 'golden', 'debug-loop');
// the run leaves its journal under its working directory: a copy of the playbook in a temporary one
const work = goldenWorkdir(test, DIR, 'debug-loop-');

async function remediatePlain(): Promise<string> {
  const { code, text } = await runPlain(work);
  assert.is(code, 0, text);
  return text;
}

/** The lines up to the recap line, without remediate's task totals. */
function comparable(text: string): string[] {
  const lines = text.split('\n');
  const end = lines.findIndex((l) => l.startsWith('localhost '));
  // remediate's own line under a failure (the task's file:line:col) is left out too
  return lines
    .slice(0, end + 1)
    .filter((l) => !l.startsWith('= ') && !l.startsWith('...ignoring') && !/^ {2}\S/.test(l));
}

test('debug loops print each item as ansible-playbook does', async () => {
  const ours = comparable(await remediatePlain());
  const theirs = comparable(fs.readFileSync(path.join(DIR, 'ansible-plain.txt'), 'utf8'));
  // the failed item too: its result dict as Ansible prints it
  assert.ok(ours.some((l) => l.startsWith('failed: [localhost] (item=p) => {')));
  assert.equal(
    ours.map((l) => l.trimEnd()),
    theirs.map((l) => l.trimEnd()),
  );
});

test('an ignored loop failure prints the items and ...ignoring, no fatal line of its own', async () => {
  const text = await remediatePlain();
  assert.not.match(text, /fatal: \[localhost\]/);
  assert.match(
    text,
    /failed: \[localhost\] \(item=p\) => \{[^\n]*"msg": "boom"\}\n {2}\S+:\d+:\d+\n\.\.\.ignoring\n/,
  );
});

test.run();
