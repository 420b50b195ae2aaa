/**
 * Python's `%` formatting in templates against python3-jinja2: golden/py-format.json comes from
 * golden/py-format.py (never written by tests). Each case renders to the same text, or fails with
 * CPython's error text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Templar } from '../../src/template/index';

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'py-format.json'), 'utf8')) as {
  template: string;
  result?: string;
  error?: string;
}[];

/** Cases remediate cannot render as Python does, and why. */
const KNOWN: Record<string, string> = {
  "{{ '%s' % 1.0 }}": 'a float with an integral value is an int in JavaScript (1.0 prints as 1)',
};

const vars = { d: { n: 'name', v: 1.5 }, n: 10 };
const t = new Templar();
let compared = 0;
const failures: string[] = [];
for (const g of golden) {
  if (KNOWN[g.template]) continue;
  compared++;
  let got: string;
  try {
    got = t.renderString(g.template, vars) as string;
  } catch (err) {
    const msg = (err as Error).message;
    if (g.error === undefined || !msg.includes(g.error))
      failures.push(
        `${g.template}: threw ${JSON.stringify(msg)}, python: ${JSON.stringify(g.result ?? g.error)}`,
      );
    continue;
  }
  if (g.error !== undefined)
    failures.push(`${g.template}: gave ${JSON.stringify(got)}, python raises ${g.error}`);
  else if (got !== g.result)
    failures.push(`${g.template}: ${JSON.stringify(got)} != python ${JSON.stringify(g.result)}`);
}

test(`every golden % expression renders as python3 does (${golden.length} cases)`, () => {
  assert.ok(golden.length > 1000);
  assert.is(compared, golden.length - Object.keys(KNOWN).length);
  assert.is(failures.length, 0, `${failures.length} differ:\n${failures.slice(0, 40).join('\n')}`);
});

test.run();
