#!/usr/bin/env node
// Runs every test/**/*.test.ts file in its own Node process (through tsx) and prints one closing line
// "N passed, N failed, N skipped" (CI parses that line: keep its shape).
//
//   node test/run.js [FILTER|FILE ...] [--timeout SECONDS] [--jobs N]
//
// FILTER picks discovered files by substring (`node test/run.js inventory`); an argument naming an existing
// .ts file runs that file even outside discovery (test/fixtures and test/bench are not discovered).
//
// A file fails the run when it exits non-zero, dies from a signal, runs past its timeout, reports no tests,
// passes fewer tests than it declared while exiting 0 (uvu 0.5.6 swallows a throwing before/after hook), or —
// under CI=true — skips any test (CI installs everything; a skip there is a missing install step). Each file
// runs detached in its own process group; on timeout the whole group gets SIGTERM, then SIGKILL, and when the
// file exits, whatever it left running in its group is killed too.
//
// Timeout: TEST_TIMEOUT seconds (default 300) or --timeout; a file may ask for more with a comment in its
// first 10 lines: `// test-timeout: 900`. Parallelism: TEST_JOBS or --jobs (default 1).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const guard = path.join(__dirname, 'helpers', 'hook-guard.ts');
const CI = process.env.CI === 'true' || process.env.CI === '1';

const { values: opts, positionals } = parseArgs({
  options: { timeout: { type: 'string' }, jobs: { type: 'string' } },
  allowPositionals: true,
});
const defaultTimeout = Number(opts.timeout ?? process.env.TEST_TIMEOUT ?? 300);
const jobs = Math.max(1, Number(opts.jobs ?? process.env.TEST_JOBS ?? 1));
if (!(defaultTimeout > 0)) {
  process.stderr.write(`test/run.js: --timeout must be a positive number of seconds\n`);
  process.exit(2);
}

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

const explicit = positionals.filter((a) => a.endsWith('.ts') && fs.existsSync(a)).map((a) => path.resolve(a));
const filters = positionals.filter((a) => !(a.endsWith('.ts') && fs.existsSync(a)));
const discovered =
  explicit.length && !filters.length
    ? []
    : walk(path.join(root, 'test'))
        .sort()
        .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
const files = [...new Set([...explicit, ...discovered])];

/** The timeout a file declares (`// test-timeout: 900` in its first 10 lines), else the default. */
function timeoutFor(file) {
  const head = fs.readFileSync(file, 'utf8').split('\n').slice(0, 10).join('\n');
  const m = head.match(/^\s*\/\/\s*test-timeout:\s*(\d+)\s*$/m);
  return m ? Math.max(Number(m[1]), defaultTimeout) : defaultTimeout;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone already */
  }
}

const running = new Set();
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    interrupted = true;
    // SIGTERM first: the hook guard turns it into a normal exit, so the files' exit cleanups (sshd
    // processes, network namespaces, temp dirs) run; whatever is left goes with SIGKILL.
    for (const pid of running) killGroup(pid, 'SIGTERM');
    setTimeout(() => {
      for (const pid of running) killGroup(pid, 'SIGKILL');
      process.exit(130);
    }, 3000);
  });
}

/** Runs one file; resolves with its verdict. Never rejects. */
function runFile(file) {
  const limit = timeoutFor(file);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-r', guard, file], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    running.add(child.pid);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    let timedOut = false;
    let killer;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      killer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
    }, limit * 1000);
    let settled = false;
    const finish = (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      // Whatever the file left running in its group (an sshd, a sleep) goes with it.
      killGroup(child.pid, 'SIGKILL');
      running.delete(child.pid);
      resolve(verdict(file, out, { code, signal, timedOut, limit, ms: Date.now() - t0 }));
    };
    child.on('error', (e) => {
      out += `\ncannot start: ${e.message}\n`;
      finish(null, null);
    });
    // 'exit' then a short grace for the pipes: a grandchild holding stdout must not hang the run.
    child.on('exit', (code, signal) => {
      const grace = setTimeout(() => finish(code, signal), 2000);
      child.on('close', () => {
        clearTimeout(grace);
        finish(code, signal);
      });
    });
  });
}

function verdict(file, out, { code, signal, timedOut, limit, ms }) {
  const num = (label) => {
    const all = [...out.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  const total = num('Total');
  const passed = num('Passed') ?? 0;
  const skipped = num('Skipped') ?? 0;
  const skipLines = out.split('\n').filter((l) => /^SKIP /.test(l));
  const reasons = [];
  if (timedOut) reasons.push(`timed out after ${limit}s (process group killed)`);
  else if (signal) reasons.push(`killed by ${signal}`);
  else if (code !== 0) reasons.push(`exit code ${code}`);
  if (/^HOOK FAILED /m.test(out)) reasons.push('a before/after hook threw');
  if (total === undefined) {
    if (!timedOut) reasons.push('no uvu summary (crashed before or while running its tests)');
  } else if (total === 0 && skipped === 0) reasons.push('reports no tests');
  else if (code === 0 && !timedOut && passed < total && !reasons.length)
    reasons.push(`passed ${passed} of ${total} declared tests yet exited 0 (a hook failed; uvu hides it)`);
  if (CI && (skipped > 0 || skipLines.length))
    reasons.push(`skipped ${Math.max(skipped, skipLines.length)} test(s) under CI=true`);
  const failedTests = total === undefined ? 0 : Math.max(0, total - passed);
  return {
    rel: path.relative(root, file),
    ok: reasons.length === 0,
    reasons,
    out,
    passed,
    skipped,
    failed: reasons.length ? Math.max(1, failedTests) : failedTests,
    total: total ?? 0,
    skipLines,
    ms,
  };
}

async function main() {
  const started = Date.now();
  const results = [];
  let next = 0;
  async function worker() {
    while (!interrupted && next < files.length) {
      const file = files[next++];
      const r = await runFile(file);
      results.push(r);
      const secs = (r.ms / 1000).toFixed(1);
      const skip = r.skipped ? `, ${r.skipped} skipped` : '';
      if (r.ok) process.stdout.write(`ok   ${r.rel} (${r.passed}/${r.total}${skip}, ${secs}s)\n`);
      else process.stdout.write(`FAIL ${r.rel} (${r.reasons.join('; ')}, ${secs}s)\n${r.out}\n`);
      for (const l of r.skipLines) process.stdout.write(`     ${l}\n`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));

  const sum = (k) => results.reduce((n, r) => n + r[k], 0);
  const failedFiles = results.filter((r) => !r.ok);
  const skips = results.flatMap((r) => r.skipLines);
  if (skips.length) process.stdout.write(`\nskipped:\n  ${skips.join('\n  ')}\n`);
  if (failedFiles.length)
    process.stdout.write(
      `\nfailed files:\n${failedFiles.map((r) => `  ${r.rel}: ${r.reasons.join('; ')}`).join('\n')}\n`,
    );
  const slow = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5);
  if (results.length > 5)
    process.stdout.write(
      `\nslowest: ${slow.map((r) => `${r.rel} ${(r.ms / 1000).toFixed(1)}s`).join(', ')}\n`,
    );
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\n${files.length} files in ${secs}s${jobs > 1 ? ` (${jobs} jobs)` : ''}\n`);
  process.stdout.write(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped\n`);
  if (interrupted) {
    process.stdout.write(`interrupted: ${files.length - results.length} file(s) not run\n`);
    process.exit(130);
  }
  process.exit(failedFiles.length > 0 || sum('failed') > 0 || files.length === 0 ? 1 : 0);
}

main();
