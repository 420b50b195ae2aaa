/**
 * Play keywords written as templates (kept by the loader, rendered when the play starts), `order:`, and
 * `throttle:` on a play. The run-time behaviour is proved against ansible-playbook by
 * test/ansible-diff/cases/play-keywords.yml.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlaybookError } from '../../src/errors';
import { loadPlaybook } from '../../src/playbook/index';
import { orderHosts, resolvePlayKeywords } from '../../src/playbook/play-keywords';
import { Templar } from '../../src/template/index';
import { thrown } from '../helpers/must-throw';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'play-keywords-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function load(yaml: string) {
  const file = path.join(tmp, `p${Math.random().toString(36).slice(2)}.yml`);
  fs.writeFileSync(file, yaml);
  return loadPlaybook(file);
}

const PLAY = `- hosts: all
  serial: "{{ n }}"
  gather_facts: "{{ g }}"
  strategy: "{{ s }}"
  order: "{{ o }}"
  max_fail_percentage: "{{ p }}"
  force_handlers: "{{ f }}"
  throttle: 2
  tasks:
    - debug: msg=x
`;

test('templated play keywords are kept as templates, then rendered and typed', async () => {
  const [play] = (await load(PLAY)).plays;
  assert.equal(play!.templated, {
    serial: '{{ n }}',
    gather_facts: '{{ g }}',
    strategy: '{{ s }}',
    order: '{{ o }}',
    max_fail_percentage: '{{ p }}',
    force_handlers: '{{ f }}',
  });
  assert.is(play!.throttle, 2);
  const t = new Templar();
  const vars = { n: '2', g: 'no', s: 'free', o: 'sorted', p: 25, f: true };
  const r = resolvePlayKeywords(play!, (s) => t.render(s, vars));
  assert.equal(r.serial, [2]);
  assert.is(r.gatherFacts, false);
  assert.is(r.strategy, 'free');
  assert.is(r.order, 'sorted');
  assert.is(r.maxFailPercentage, 25);
  assert.is(r.forceHandlers, true);
  assert.is(r.templated, undefined);
});

test('a templated keyword that renders to a bad value is an error at the play', async () => {
  const [play] = (await load(PLAY)).plays;
  const t = new Templar();
  const vars = { n: 1, g: true, s: 'fast', o: 'sorted', p: 1, f: false };
  const e = thrown(() => resolvePlayKeywords(play!, (s) => t.render(s, vars)));
  assert.instance(e, PlaybookError);
  assert.match((e as Error).message, /invalid 'strategy' "\{\{ s \}\}" \(fast\)/);
  assert.is((e as PlaybookError).loc?.line, 1);
  const undef = thrown(() => resolvePlayKeywords(play!, (s) => t.render(s, {})));
  assert.match((undef as Error).message, /serial "\{\{ n \}\}": 'n' is undefined/);
});

test('a written order is checked at load time', async () => {
  const e = await load('- hosts: all\n  order: random\n  tasks: []\n').catch((x: unknown) => x);
  assert.match(String((e as Error).message), /order/);
});

test('host orders', () => {
  const hosts = ['w1', 'w2', 'd1'];
  assert.equal(orderHosts(hosts, undefined), hosts);
  assert.equal(orderHosts(hosts, 'inventory'), hosts);
  assert.equal(orderHosts(hosts, 'reverse_inventory'), ['d1', 'w2', 'w1']);
  assert.equal(orderHosts(hosts, 'sorted'), ['d1', 'w1', 'w2']);
  assert.equal(orderHosts(hosts, 'reverse_sorted'), ['w2', 'w1', 'd1']);
  assert.equal([...orderHosts(hosts, 'shuffle')].sort(), ['d1', 'w1', 'w2']);
});

test.run();
