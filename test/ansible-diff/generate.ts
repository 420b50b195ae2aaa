/**
 * Records what Debian's ansible-playbook does with each playbook of the differential corpus into
 * golden/<case>.json (exit code, per-host recap, files produced; then the recap of a second run).
 * Regenerate with: `npx tsx test/ansible-diff/generate.ts [case-name...]` (needs ansible-core 2.14).
 * Tests only read these files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CASES, GOLDEN, listCases, snapshot, type Golden, type Recap, type RunRecord } from './corpus';

function runAnsible(
  file: string,
  inventory: string,
  args: string[],
  out: string,
): Omit<RunRecord, 'files'> & { customStats?: Record<string, unknown> } {
  const r = spawnSync(
    'ansible-playbook',
    ['-i', inventory, file, '-e', `out=${out}`, '-e', `workdir=${out}`, ...args],
    {
      cwd: CASES,
      encoding: 'utf8',
      env: {
        ...process.env,
        ANSIBLE_STDOUT_CALLBACK: 'default',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCALHOST_WARNING: '0',
        ANSIBLE_DEPRECATION_WARNINGS: '0',
        ANSIBLE_CONFIG: path.join(CASES, 'ansible.cfg'),
        ANSIBLE_SHOW_CUSTOM_STATS: '1',
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // The default callback's PLAY RECAP lines (a playbook that does not load prints none).
  const recap: Record<string, Recap> = {};
  const line =
    /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm;
  for (const m of r.stdout.matchAll(line)) {
    const [ok, changed, unreachable, failed, skipped, rescued, ignored] = m.slice(2).map(Number);
    recap[m[1]] = { ok, changed, unreachable, failed, skipped, rescued, ignored };
  }
  // CUSTOM STATS: a tab-indented `host: {json}` line per host, then `RUN: {json}` (set_stats)
  let customStats: Record<string, unknown> | undefined;
  const at = r.stdout.search(/^CUSTOM STATS: \*+$/m);
  if (at >= 0) {
    customStats = {};
    for (const m of r.stdout.slice(at).matchAll(/^\t(\S+): (.*)$/gm))
      customStats[m[1] === 'RUN' ? '_run' : m[1]!] = JSON.parse(m[2]!);
  }
  return { exitCode: r.status ?? -1, recap, ...(customStats ? { customStats } : {}) };
}

const only = process.argv.slice(2);
for (const c of listCases()) {
  if (only.length && !only.includes(c.name)) continue;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ansible-diff-'));
  try {
    const { customStats, ...first } = runAnsible(c.file, c.inventory, c.args, out);
    const files = snapshot(out);
    const { customStats: _again, ...second } = runAnsible(c.file, c.inventory, c.args, out);
    const golden: Golden = {
      case: c.name,
      args: c.args,
      first: { ...first, files },
      ...(customStats ? { customStats } : {}),
      second,
    };
    fs.writeFileSync(path.join(GOLDEN, `${c.name}.json`), JSON.stringify(golden, null, 2) + '\n');
    process.stdout.write(`${c.name}: exit ${first.exitCode}/${second.exitCode}\n`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
