/**
 * Golden files for the reporter tests. Tests only read them — a missing golden is a failure, never a
 * reason to write one:
 *   - ansible-plain.txt, ansible-json.json: recorded from a real ansible-playbook run by
 *     test/report/golden/regenerate.sh (the oracle for what remediate imitates);
 *   - plain-diff.txt, plain-v.txt, json.ndjson: remediate's own output for test/report/scripted-events.ts
 *     (parts with no Ansible counterpart: change descriptions, -v details, the NDJSON record shape), written
 *     only by `npx tsx test/report/golden/update-snapshots.ts` after a deliberate change, reviewed as a diff.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';

export const GOLDEN_DIR = path.join(__dirname, 'golden');

export function readGolden(name: string): string {
  const file = path.join(GOLDEN_DIR, name);
  if (!fs.existsSync(file))
    assert.unreachable(
      `golden file ${path.relative(process.cwd(), file)} is missing: tests never write goldens; ` +
        `restore it from git or regenerate it (test/report/golden/regenerate.sh, update-snapshots.ts)`,
    );
  return fs.readFileSync(file, 'utf8');
}

/** Compare with a committed golden file. */
export function golden(name: string, actual: string): void {
  assert.fixture(actual, readGolden(name));
}

const STATUS = /^(ok|changed|skipping|fatal|failed|rescued): \[|^FAILED - RETRYING: |^\.\.\.ignoring$/;
const BANNER = /^(PLAY|TASK|RUNNING HANDLER) \[.*\] \*+$|^PLAY RECAP \*+$/;
const RECAP =
  /^\S+\s+: ok=\d+ +changed=\d+ +unreachable=\d+ +failed=\d+ +skipped=\d+ +rescued=\d+ +ignored=\d+ +$/;

/**
 * The lines of default-callback output remediate's plain reporter imitates, in order: banners (with their
 * exact 80-column star padding), status lines, retry lines, the debug block and the PLAY RECAP lines (exact,
 * trailing spaces included). Where remediate differs on purpose, the line is cut to the shared part:
 *   - `fatal: [h]: FAILED! => …`, `fatal: [h]: UNREACHABLE! => …`: both print the result as JSON, but the
 *     scripted events' results are not Ansible's (failures.test.ts compares real results line by line).
 *   - Ansible leaves a trailing space after a skipped item's label (`skipping: [h] => (item=b) `); remediate
 *     does not (trailing whitespace is trimmed on status lines).
 *   - diffs: compared separately (see diffHunks) — Ansible prints them before the status line, remediate
 *     under it, after its one-line change description (`    ~ write …`).
 */
export function imitatedLines(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (BANNER.test(l) || RECAP.test(l)) out.push(l);
    else if (STATUS.test(l)) {
      const fatal = l.match(/^(fatal: \[[^\]]+\]: (FAILED|UNREACHABLE)! =>|failed: \[[^\]]+\].*? =>)/);
      out.push(fatal ? fatal[1]! : l.trimEnd());
      if (/ => \{$/.test(l)) {
        // a debug/result block: up to the closing brace at column 0
        for (i++; i < lines.length && lines[i] !== '}'; i++) out.push(lines[i]!);
        out.push('}');
      }
    }
  }
  return out;
}

/** Unified-diff blocks: the `--- before:` line and the hunks (the `+++ after:` header differs on purpose: Ansible
 * names its temp file, remediate the destination). */
export function diffHunks(text: string): string[][] {
  const blocks: string[][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('--- before: ')) continue;
    const block = [lines[i]!];
    i += 2; // skip +++ after:
    for (; i < lines.length && /^(@@ | |-|\+)/.test(lines[i]!); i++) block.push(lines[i]!);
    blocks.push(block);
  }
  return blocks;
}
