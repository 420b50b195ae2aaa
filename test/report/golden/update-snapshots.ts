/**
 * Rewrites remediate's own reporter snapshots (plain-diff.txt, plain-v.txt, json.ndjson) from
 * test/report/scripted-events.ts. These cover what has no Ansible counterpart (change descriptions, -v
 * details, the NDJSON record shape); what remediate imitates is checked against the Ansible goldens recorded
 * by regenerate.sh instead. Tests never write goldens: run this by hand after a deliberate reporter change,
 * read the diff, and commit it with that change.
 *
 *   npx tsx test/report/golden/update-snapshots.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { createReporter } from '../../../src/report/index';
import { SECRET, scriptedEvents, sink } from '../scripted-events';

function render(kind: 'plain' | 'json', verbosity: number): string {
  const out = sink();
  const r = createReporter(kind, {
    verbosity,
    diff: true,
    out,
    err: sink(),
    color: false,
    secrets: [SECRET],
  });
  for (const e of scriptedEvents()) r.on(e);
  return out.text;
}

const snapshots: Record<string, string> = {
  'plain-diff.txt': render('plain', 0),
  'plain-v.txt': render('plain', 1),
  'json.ndjson': render('json', 0),
};
for (const [name, text] of Object.entries(snapshots)) {
  const file = path.join(__dirname, name);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  fs.writeFileSync(file, text);
  process.stdout.write(
    `${before === text ? 'unchanged' : 'wrote    '} ${path.relative(process.cwd(), file)}\n`,
  );
}
