/**
 * The one Python-to-JavaScript regex translation (src/template/regex.ts) against Python's `re`:
 * golden/py-regex.json comes from golden/py-regex.py (never written by tests). A pattern Python refuses is
 * refused; a pattern JavaScript cannot match the same way (possessive, atomic, scoped flags, conditionals,
 * \N{...}) is refused with a clear "not supported" error, and is listed here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pyAnchored, pyRegex, pyReplacement } from '../../src/template/regex';
import { editLines } from '../../src/modules/line-edit';

interface Case {
  op: 'search' | 'match' | 'fullmatch' | 'sub' | 'findall';
  pattern: string;
  subject: string;
  repl?: string;
  result?: unknown;
  error?: string;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden', 'py-regex.json'), 'utf8')) as Case[];

/** Python accepts these; JavaScript has no equivalent, so remediate refuses them. */
const REFUSED = new Set(['a++', 'a*+b', '(?>ab)', '(?i:a)b', '(a)?(?(1)b|c)', '\\N{LATIN SMALL LETTER A}']);

function codeUnitToPoint(s: string, i: number): number {
  return [...s.slice(0, i)].length;
}

function run(c: Case): unknown {
  if (c.op === 'sub') return c.subject.replace(pyRegex(c.pattern, {}, true), pyReplacement(c.repl!));
  if (c.op === 'findall')
    return [...c.subject.matchAll(pyRegex(c.pattern, {}, true))].map((m) =>
      m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : m.slice(1).map((g) => g ?? ''),
    );
  const re = pyRegex(c.pattern);
  const m = c.op === 'search' ? re.exec(c.subject) : pyAnchored(re, c.subject, c.op);
  if (!m) return null;
  return {
    span: [codeUnitToPoint(c.subject, m.index), codeUnitToPoint(c.subject, m.index + m[0].length)],
    groups: m.slice(1).map((g) => g ?? null),
    named: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, v ?? null])),
  };
}

test(`python re results, errors and refusals (${golden.length} cases)`, () => {
  assert.ok(golden.length >= 150);
  const bad: string[] = [];
  let refused = 0;
  for (const c of golden) {
    const label = `${c.op} ${JSON.stringify(c.pattern)} on ${JSON.stringify(c.subject)}`;
    let got: unknown;
    try {
      got = run(c);
    } catch (err) {
      const msg = (err as Error).message;
      if (REFUSED.has(c.pattern)) {
        if (/not supported/.test(msg)) refused++;
        else bad.push(`${label}: refused without saying so: ${msg}`);
      } else if (c.error === undefined)
        bad.push(`${label}: threw ${msg}, python: ${JSON.stringify(c.result)}`);
      continue;
    }
    if (REFUSED.has(c.pattern)) bad.push(`${label}: should be refused`);
    else if (c.error !== undefined)
      bad.push(`${label}: gave ${JSON.stringify(got)}, python raises ${c.error}`);
    else if (JSON.stringify(got) !== JSON.stringify(c.result))
      bad.push(`${label}: ${JSON.stringify(got)} != python ${JSON.stringify(c.result)}`);
  }
  assert.is(bad.length, 0, `${bad.length} differ:\n${bad.join('\n')}`);
  assert.is(refused, REFUSED.size);
});

test('lineinfile uses the same translation: \\A, (?i), named groups, \\g<n> backrefs, refusals', () => {
  const text = 'Port 22\nport 2222\n#Port 1\n';
  const e = editLines(text, {
    regexp: '(?i)^(?P<k>port)\\s+(?P<v>\\d+)$',
    line: '\\g<k> \\g<v>0',
    backrefs: true,
    state: 'present',
    firstmatch: false,
  });
  assert.is(e.content, 'Port 22\nport 22220\n#Port 1\n');
  // \Z does not match before the line's newline (Ansible searches lines as read)
  const z = editLines(text, { regexp: '22\\Z', line: 'X', state: 'present', firstmatch: false });
  assert.is(z.content, text + 'X\n');
  assert.throws(
    () => editLines(text, { regexp: 'a++', line: 'X', state: 'present', firstmatch: false }),
    /invalid regexp: .*possessive quantifiers .* are not supported/,
  );
  assert.throws(
    () => editLines(text, { regexp: '\\q', line: 'X', state: 'present', firstmatch: false }),
    /bad escape \\q/,
  );
});

test.run();
