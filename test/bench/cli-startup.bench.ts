/**
 * `remediate --version` start-up time: the built CLI (dist/cli/main.js) against bare `node -e 0` (the
 * floor every Node CLI pays), interleaved in one invocation so machine load hits both alike. Prints the
 * median wall time of each, the mean CPU time (user + system: less sensitive to a busy machine than wall
 * time), the difference (what remediate adds) and the ratio; then the time to load
 * dist/cli/main.js in-process, which is what lazy-loading the subcommands keeps small. Target: < 100 ms.
 * Builds dist/ first when it is missing (`npm run build`); rebuild after changing src/.
 * Run: npx tsx test/bench/cli-startup.bench.ts [RUNS] [DIST_DIR]   (default 7 runs; DIST_DIR compares
 *      another build, e.g. one of the previous commit, laid out as DIR/dist and DIR/package.json)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** CPU seconds (user + system) of this process's waited-for children, from /proc (clock ticks of 10 ms). */
function childCpuMs(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // after "pid (comm) ": state is field 3, cutime 16 and cstime 17 (1-based) → indexes 13 and 14 here
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function wallMs(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function main(): void {
  const runs = Number(process.argv[2] ?? 7);
  const dirs = [ROOT, ...(process.argv[3] ? [path.resolve(process.argv[3])] : [])];
  const mainJs = path.join(ROOT, 'dist/cli/main.js');
  if (!fs.existsSync(mainJs)) {
    console.log('dist/cli/main.js missing: npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const subjects = [
    { label: 'node -e 0 (floor)', args: ['-e', '0'] },
    ...dirs.map((d) => ({
      label: `${path.relative(ROOT, path.join(d, 'dist/cli/main.js')) || 'dist/cli/main.js'} --version`,
      args: [path.join(d, 'dist/cli/main.js'), '--version'],
    })),
  ];
  const times = subjects.map(() => [] as number[]);
  const cpu = subjects.map(() => 0);
  for (const s of subjects) wallMs(s.args); // warm the file cache
  for (let i = 0; i < runs; i++)
    subjects.forEach((s, j) => {
      const before = childCpuMs();
      times[j]!.push(wallMs(s.args));
      cpu[j]! += childCpuMs() - before;
    });
  const floor = median(times[0]!);
  console.log(`median of ${runs} runs each, interleaved:`);
  subjects.forEach((s, j) => {
    const m = median(times[j]!);
    const extra =
      j === 0 ? '' : `   +${(m - floor).toFixed(0)} ms over the floor, ${(m / floor).toFixed(2)}×`;
    const cpuMs = (cpu[j]! / runs).toFixed(0).padStart(4);
    console.log(
      `  ${s.label.padEnd(44)} ${m.toFixed(0).padStart(5)} ms wall, ${cpuMs} ms CPU (mean)${extra}`,
    );
  });
  for (const d of dirs) {
    const code =
      `const t=process.hrtime.bigint();require(${JSON.stringify(path.join(d, 'dist/cli/main.js'))});` +
      `process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
    const load = median(
      Array.from({ length: runs }, () =>
        Number(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })),
      ),
    );
    console.log(
      `  load ${path.join(path.relative(ROOT, d) || '.', 'dist/cli/main.js')} in-process: ${load.toFixed(1)} ms (median)`,
    );
  }
  console.log(
    `load average now: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
}

main();
