#!/usr/bin/env node
// Runs every test/**/*.test.ts file in its own Node process (through tsx), one after the other, and prints
// one closing line "N passed, N failed". Arguments filter files by substring: `node test/run.js inventory`.
// Each file is a uvu suite; a crash or non-zero exit of a file counts as a failure of that file.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'bench' && e.name !== 'fixtures' && e.name !== 'node_modules') out.push(...walk(p));
    } else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk(path.join(root, 'test'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

let passed = 0;
let failed = 0;
let skipped = 0;
const failedFiles = [];
const started = Date.now();
for (const file of files) {
  const rel = path.relative(root, file);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = (r.stdout || '') + (r.stderr || '');
  const num = (label) => {
    const m = out.match(new RegExp(`${label}:\\s+(\\d+)`));
    return m ? Number(m[1]) : 0;
  };
  const total = num('Total');
  const ok = num('Passed');
  const skip = num('Skipped');
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0 && total > 0) {
    passed += ok;
    skipped += skip;
    failed += total - ok - skip;
    process.stdout.write(`ok   ${rel} (${ok}/${total}, ${secs}s)\n`);
  } else {
    const bad = Math.max(1, total - ok - skip);
    failed += bad;
    passed += ok;
    skipped += skip;
    failedFiles.push(rel);
    process.stdout.write(`FAIL ${rel} (exit ${r.status ?? r.signal}, ${secs}s)\n${out}\n`);
  }
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
if (failedFiles.length) process.stdout.write(`\nfailed files:\n  ${failedFiles.join('\n  ')}\n`);
process.stdout.write(`\n${files.length} files in ${secs}s\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
