/**
 * from_yaml / from_yaml_all / to_yaml / to_nice_yaml against PyYAML through Ansible's own filter functions:
 * golden/py-yaml.json comes from golden/py-yaml.py (never written by tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Templar } from '../../src/template/index';

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'py-yaml.json'), 'utf8')) as {
  load: { yaml: string; result?: unknown; error?: string }[];
  load_all: { yaml: string; result?: unknown; error?: string }[];
  dump: Record<string, unknown>[];
};

/** Documents remediate does not read as PyYAML does, and why. */
const KNOWN_LOAD: Record<string, string> = {
  'ts: 2001-12-14t21:59:43.10-05:00': 'timestamps stay strings as written (PyYAML makes a datetime)',
  'yes: no': 'mapping keys are strings in JavaScript: the key is "true" (PyYAML: the bool True)',
  "k: !!float '1'": 'an explicit !!float on a quoted integer stays a string',
};

const t = new Templar();
const norm = (v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v)
    ? Number.isNaN(v)
      ? 'NaN'
      : v > 0
        ? 'Infinity'
        : '-Infinity'
    : Array.isArray(v)
      ? v.map(norm)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]))
        : v;

for (const [kind, filter] of [
  ['load', 'from_yaml'],
  ['load_all', 'from_yaml_all'],
] as const) {
  test(`${filter} reads YAML 1.1 as PyYAML (${golden[kind].length} documents)`, () => {
    const bad: string[] = [];
    for (const g of golden[kind]) {
      if (KNOWN_LOAD[g.yaml]) continue;
      let got: unknown;
      try {
        got = norm(t.render(`{{ doc | ${filter} }}`, { doc: g.yaml }));
      } catch (err) {
        if (g.error === undefined) bad.push(`${JSON.stringify(g.yaml)}: threw ${(err as Error).message}`);
        continue;
      }
      if (g.error !== undefined)
        bad.push(`${JSON.stringify(g.yaml)}: gave ${JSON.stringify(got)}, PyYAML fails`);
      else if (JSON.stringify(got) !== JSON.stringify(g.result))
        bad.push(`${JSON.stringify(g.yaml)}: ${JSON.stringify(got)} != PyYAML ${JSON.stringify(g.result)}`);
    }
    assert.is(bad.length, 0, bad.join('\n'));
  });
}

/** Dumps remediate cannot write as PyYAML does, and why. */
const KNOWN_DUMP: Record<string, string> = {
  'to_yaml_unsorted {"1":"one","unicode_key_é":"v","true":"t","null":"n"}':
    'a JavaScript object lists integer-like keys ("1") first, whatever the insertion order',
};

const DUMPS: [string, string][] = [
  ['to_yaml', '{{ v | to_yaml }}'],
  ['to_yaml_unsorted', '{{ v | to_yaml(sort_keys=False) }}'],
  ['to_nice_yaml', '{{ v | to_nice_yaml }}'],
  ['to_nice_yaml_indent2', '{{ v | to_nice_yaml(indent=2) }}'],
  ['to_yaml_block', '{{ v | to_yaml(default_flow_style=False) }}'],
];

test(`to_yaml / to_nice_yaml write what PyYAML writes (${golden.dump.length} values x ${DUMPS.length})`, () => {
  const bad: string[] = [];
  for (const g of golden.dump)
    for (const [key, tpl] of DUMPS) {
      if (KNOWN_DUMP[`${key} ${JSON.stringify(g.value)}`]) continue;
      const got = t.renderString(tpl, { v: g.value });
      if (got !== g[key])
        bad.push(
          `${key} of ${JSON.stringify(g.value).slice(0, 80)}:\n${JSON.stringify(got)}\n!= PyYAML\n${JSON.stringify(g[key])}`,
        );
    }
  assert.is(bad.length, 0, bad.join('\n'));
});

test.run();
