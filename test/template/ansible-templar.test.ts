/**
 * Playbook strings against Ansible 2.14's own Templar: golden/ansible-templar.json comes from
 * golden/ansible-templar.py (never written by tests). Tests true/false/nan/issubset/issuperset, the path
 * tests (controller side), urlsplit, groupby's (grouper, list) tuples, map(attribute=...) on items that
 * lack the attribute. An error case must fail here too, naming the same missing attribute.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Templar } from '../../src/template/index';
import { thrown } from '../helpers/must-throw';

const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'golden', 'ansible-templar.json'), 'utf8'),
) as {
  vars: Record<string, unknown>;
  cases: { template: string; result?: string; error?: string }[];
};

const t = new Templar();
for (const g of golden.cases) {
  test(`renders as Ansible: ${JSON.stringify(g.template).slice(0, 70)}`, () => {
    if (g.result !== undefined) {
      assert.is(t.renderString(g.template, { ...golden.vars }), g.result);
      return;
    }
    const e = thrown(() => t.renderString(g.template, { ...golden.vars }));
    const missing = /has no attribute '[^']+'/.exec(g.error ?? '')?.[0] ?? g.error!;
    assert.match((e as Error).message, missing);
  });
}

test.run();
