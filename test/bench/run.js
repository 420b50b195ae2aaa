#!/usr/bin/env node
// Runs benchmarks: every test/bench/*.bench.ts, or those whose name contains one of the given words, one
// after the other (benchmarks must not compete for the CPU), each in its own process through tsx with the
// terminal attached. Arguments after `--` go to every benchmark.
//
//   npm run bench                      # all of them (some need root, a lab or ansible-core: see each header)
//   npm run bench -- runner template   # runner.bench.ts and template.bench.ts
//   npm run bench -- ssh-exec -- 100   # ssh-exec.bench.ts 100
//
// New *.bench.ts files are picked up without changes here. Exit code: 1 when any benchmark failed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = __dirname;
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const names = dash < 0 ? argv : argv.slice(0, dash);
const passOn = dash < 0 ? [] : argv.slice(dash + 1);
const all = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const picked = all.filter((f) => names.length === 0 || names.some((n) => f.includes(n)));
if (picked.length === 0) {
  process.stderr.write(`no benchmark matches ${names.join(', ')}; have: ${all.join(', ')}\n`);
  process.exit(2);
}
const failed = [];
for (const f of picked) {
  process.stdout.write(`\n== ${f} ${passOn.join(' ')}\n`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(dir, f), ...passOn], {
    stdio: 'inherit',
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) failed.push(`${f} (${r.signal ?? `exit ${r.status}`})`);
  process.stdout.write(`== ${f}: ${r.status === 0 ? 'done' : 'FAILED'} in ${secs}s\n`);
}
if (failed.length) process.stdout.write(`\nfailed benchmarks: ${failed.join(', ')}\n`);
process.exit(failed.length ? 1 : 0);
