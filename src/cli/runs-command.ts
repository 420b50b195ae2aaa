/**
 * `remediate runs list | show RUN | resume RUN | merge DIR...`: the run journals in `.remediate/runs/`
 * of the working directory. `resume` continues an interrupted run: the hosts that did not stop for good,
 * each from its first unfinished task, refused when the playbook, templates or inventory changed since
 * (unless --force). `merge` joins the journals of shards (or any runs) into one fleet report.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors';
import { buildFleetReport, reportFormatError, writeFleetReports } from '../report/fleet-report';
import { groupOutcomes, renderGroupedSummary, totalsLine } from '../report/grouped-summary';
import { OUTCOME_LABEL, totals, type HostOutcome } from '../report/outcomes';
import { findRunDir, listRuns, readRun, type RunMeta, type StoredRun } from '../report/run-journal';
import { outcomesOfRun, runCompleted, stoppedHosts } from '../report/run-outcomes';
import { resumeStateFrom } from '../runner/resume-state';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { collect } from './option-parsers';
import { runDigests } from './run-digests';
import { runInfo } from './run-journal-io';
import { runCommand, type RunOpts } from './run-command';

function status(r: StoredRun): string {
  if (r.meta.interrupted) return 'interrupted';
  if (r.meta.exitCode !== undefined) return `exit ${r.meta.exitCode}`;
  return runCompleted(r) ? 'ended' : 'unfinished (killed?)';
}

function load(io: CliIo, run: string): StoredRun {
  const dir = findRunDir(io.cwd, run);
  if (!dir)
    throw new UsageError(`no run '${run}' in ${path.join(io.cwd, '.remediate', 'runs')}`, {
      hint: 'list the runs with: remediate runs list (run it in the directory the run was started in)',
    });
  return readRun(dir);
}

function checkReports(files: string[]): void {
  for (const f of files) {
    const bad = reportFormatError(f);
    if (bad) throw new UsageError(bad);
  }
}

export function registerRunsCommands(program: Command, io: CliIo, done: (code: number) => void): void {
  const runs = program
    .command('runs')
    .description('the run journals in .remediate/runs/ (list, show, resume, merge)');
  runs
    .command('list')
    .description('list the journaled runs, oldest first')
    .action(() => {
      for (const r of listRuns(io.cwd)) {
        const o = outcomesOfRun(r);
        println(
          io.out,
          `${r.meta.id}  ${path.basename(r.meta.playbook)}${r.meta.check ? ' --check' : ''}${r.meta.shard ? ` shard ${r.meta.shard.index}/${r.meta.shard.count}` : ''}  ${status(r)}  ${totalsLine(totals(o), o.length)}`,
        );
      }
      done(ExitCode.OK);
    });
  runs
    .command('show')
    .description("a run's grouped results, or one host's task results (--host)")
    .argument('<run>', 'run id (or a unique prefix, or the run directory)')
    .option('--host <host>', "that host's task results")
    .option('--report <file>', 'write the fleet report to FILE.json or FILE.md (repeatable)', collect, [])
    .action((run: string, o: { host?: string; report: string[] }) => {
      checkReports(o.report);
      const r = load(io, run);
      const outcomes = outcomesOfRun(r);
      println(io.out, `run ${r.meta.id}: ${r.meta.commandLine.join(' ')}`);
      println(
        io.out,
        `started ${r.meta.started}${r.meta.ended ? `, ended ${r.meta.ended}` : ''}, ${status(r)}`,
      );
      if (o.host) showHost(io, r, outcomes, o.host);
      else
        for (const l of renderGroupedSummary(groupOutcomes(outcomes), { diff: false, check: r.meta.check }))
          println(io.out, l);
      if (!runCompleted(r) && !o.host)
        println(io.out, `\nthe run did not finish: remediate runs resume ${r.meta.id}`);
      writeFleetReports(
        o.report.map((f) => path.resolve(io.cwd, f)),
        buildFleetReport([runInfo(r.meta)], outcomes),
        outcomes,
      );
      done(ExitCode.OK);
    });
  runs
    .command('resume')
    .description('finish an interrupted run: unfinished hosts only, each from its first unfinished task')
    .argument('<run>', 'run id (or a unique prefix, or the run directory)')
    .option('--force', 'resume even though the playbook, templates or inventory changed since')
    .option('-e, --extra-vars <vars>', 'extra vars again (secret values are not journaled)', collect, [])
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .option('-y, --yes', 'continue after a canary wave without asking')
    .option('--report <file>', 'write the fleet report to FILE.json or FILE.md (repeatable)', collect, [])
    .action(
      async (
        run: string,
        o: { force?: boolean; extraVars: string[]; askBecomePass?: boolean; report: string[]; yes?: boolean },
      ) => {
        done(await resumeRun(io, run, o));
      },
    );
  runs
    .command('merge')
    .description(
      'one fleet report from several runs (the shards of a run): run directories, or directories of runs',
    )
    .argument('<dir...>', 'run directories (.remediate/runs/ID) or directories holding them')
    .option('--report <file>', 'write the merged report to FILE.json or FILE.md (repeatable)', collect, [])
    .action((dirs: string[], o: { report: string[] }) => {
      checkReports(o.report);
      const found = dirs.flatMap((d) => runDirsIn(path.resolve(io.cwd, d)));
      if (!found.length) throw new UsageError(`runs merge: no run journals (run.json) in ${dirs.join(', ')}`);
      const stored = found.map(readRun).sort((a, b) => a.meta.id.localeCompare(b.meta.id));
      const byHost = new Map<string, HostOutcome>();
      for (const r of stored) for (const h of outcomesOfRun(r)) byHost.set(h.host, h);
      const outcomes = [...byHost.values()];
      for (const l of renderGroupedSummary(groupOutcomes(outcomes), {
        diff: false,
        check: stored.some((r) => r.meta.check),
      }))
        println(io.out, l);
      writeFleetReports(
        o.report.map((f) => path.resolve(io.cwd, f)),
        buildFleetReport(
          stored.map((r) => runInfo(r.meta)),
          outcomes,
        ),
        outcomes,
      );
      done(ExitCode.OK);
    });
}

function runDirsIn(d: string): string[] {
  if (fs.existsSync(path.join(d, 'run.json'))) return [d];
  if (!fs.existsSync(d)) throw new UsageError(`runs merge: ${d} does not exist`);
  const nested = fs.existsSync(path.join(d, '.remediate', 'runs')) ? path.join(d, '.remediate', 'runs') : d;
  return fs
    .readdirSync(nested)
    .map((x) => path.join(nested, x))
    .filter((x) => fs.existsSync(path.join(x, 'run.json')));
}

function showHost(io: CliIo, r: StoredRun, outcomes: HostOutcome[], host: string): void {
  const o = outcomes.find((x) => x.host === host);
  if (!o) throw new UsageError(`run ${r.meta.id} has no host '${host}'`);
  println(
    io.out,
    `\n${host}: ${OUTCOME_LABEL[o.outcome]}${o.reason ? ` (${o.reason})` : ''}${o.message ? `: ${o.message}` : ''}`,
  );
  for (const e of r.events) {
    if (e.kind !== 'task-result' || e.host !== host) continue;
    const item = e.item !== undefined ? ` (item=${e.item})` : '';
    println(io.out, `  ${e.status.padEnd(11)} ${e.task}${item}${e.msg ? ` — ${e.msg}` : ''}`);
    for (const c of e.changes ?? []) println(io.out, `              ~ ${c.describe}`);
  }
}

/** What changed since the run: the names of the digests that differ. */
export function changedInputs(meta: RunMeta): string[] {
  const sources = ((meta.options['inventory'] as string[] | undefined) ?? []).filter((s) => fs.existsSync(s));
  const now = runDigests(meta.playbook, sources);
  return (['playbook', 'templates', 'inventory'] as const).filter((k) => now[k] !== meta.digests[k]);
}

async function resumeRun(
  io: CliIo,
  run: string,
  o: { force?: boolean; extraVars: string[]; askBecomePass?: boolean; report: string[]; yes?: boolean },
): Promise<number> {
  const r = load(io, run);
  if (runCompleted(r)) {
    println(io.err, `run ${r.meta.id} finished (${status(r)}): nothing to resume`);
    return ExitCode.OK;
  }
  const changed = changedInputs(r.meta);
  if (changed.length && !o.force)
    throw new UsageError(
      `runs resume ${r.meta.id}: the ${changed.join(', ')} changed since the run started; refusing to resume`,
      { hint: 'start a new run, or pass --force to resume with what is there now' },
    );
  if (changed.length)
    println(io.err, `warning: resuming although the ${changed.join(', ')} changed (--force)`);
  const stopped = stoppedHosts(r.events);
  const prior = r.meta.options as unknown as RunOpts;
  const opts: RunOpts = {
    ...prior,
    extraVars: [...(prior.extraVars ?? []), ...o.extraVars],
    askBecomePass: o.askBecomePass ?? prior.askBecomePass,
    yes: o.yes ?? prior.yes,
    report: o.report,
    retryFailed: undefined,
    resume: resumeStateFrom(r.meta.id, r.events),
    exclude: [...stopped],
    commandLine: ['remediate', 'runs', 'resume', r.meta.id],
  };
  if (stopped.size)
    println(io.err, `not resumed (stopped for good in ${r.meta.id}): ${[...stopped].join(', ')}`);
  return runCommand(r.meta.playbook, opts, { ...io, cwd: r.meta.cwd });
}
