/**
 * The CLI's side of the run journal: open it when a run starts (a journal that cannot be written is a
 * warning, not a failed run), close it with the exit code, write the `--report` files, say where the
 * journal is; read an old run's failed and unreachable hosts for `--retry-failed`.
 */
import path from 'node:path';
import { UsageError } from '../errors';
import type { Inventory } from '../inventory/types';
import { buildFleetReport, writeFleetReports, type FleetReportRun } from '../report/fleet-report';
import type { OutcomeTracker } from '../report/outcomes';
import { findRunDir, newRunId, readRun, RunJournal, type RunMeta } from '../report/run-journal';
import { outcomesOfRun } from '../report/run-outcomes';
import type { SecretValues } from '../secrets/secret-values';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { shardOf } from './run-session';

export function openRunJournal(
  io: CliIo,
  m: Omit<RunMeta, 'version' | 'id' | 'cwd' | 'started'> & { secrets: SecretValues | readonly string[] },
): RunJournal | undefined {
  const { secrets, ...rest } = m;
  const meta: RunMeta = {
    version: 1,
    id: newRunId(),
    cwd: io.cwd,
    started: new Date().toISOString(),
    ...rest,
  };
  try {
    return new RunJournal(io.cwd, meta, secrets);
  } catch (e) {
    println(
      io.err,
      `warning: no run journal (cannot write .remediate/runs in ${io.cwd}): ${(e as Error).message}`,
    );
    return undefined;
  }
}

export function runInfo(meta: RunMeta): FleetReportRun {
  return {
    id: meta.id,
    commandLine: meta.commandLine,
    playbook: meta.playbook,
    check: meta.check,
    started: meta.started,
    ...(meta.ended ? { ended: meta.ended } : {}),
    ...(meta.exitCode !== undefined ? { exitCode: meta.exitCode } : {}),
    ...(meta.interrupted ? { interrupted: true } : {}),
    ...(meta.shard ? { shard: meta.shard } : {}),
    digests: meta.digests,
  };
}

export function finishRun(
  io: CliIo,
  journal: RunJournal | undefined,
  outcomes: OutcomeTracker,
  reports: readonly string[] | undefined,
  secrets: SecretValues | readonly string[],
  end: { exitCode: number; interrupted: boolean; canaryStop?: boolean },
): void {
  journal?.finish(end);
  if (journal) {
    const rel = path.relative(io.cwd, journal.dir);
    println(
      io.err,
      end.interrupted
        ? `run journal: ${rel} — to finish the run: remediate runs resume ${journal.id}${end.canaryStop ? ' --yes' : ''}`
        : `run journal: ${rel} (remediate runs show ${journal.id})`,
    );
  }
  if (!reports?.length) return;
  const meta = journal ? readRun(journal.dir).meta : undefined;
  const report = buildFleetReport(meta ? [runInfo(meta)] : [], outcomes.outcomes());
  writeFleetReports(
    reports.map((f) => path.resolve(io.cwd, f)),
    report,
    outcomes.outcomes(),
    secrets,
  );
}

/** The failed and unreachable (and refused) hosts of a journaled run. */
export function failedHostsOf(cwd: string, run: string): Set<string> {
  const dir = findRunDir(cwd, run);
  if (!dir)
    throw new UsageError(`--retry-failed ${run}: no such run in ${path.join(cwd, '.remediate/runs')}`, {
      hint: 'list the runs with: remediate runs list',
    });
  const bad = outcomesOfRun(readRun(dir)).filter(
    (o) => o.outcome !== 'ok' && o.outcome !== 'changed' && o.outcome !== 'would-change',
  );
  return new Set(bad.map((o) => o.host));
}

/**
 * The hosts a run is narrowed to (`--shard`, `--retry-failed`), within `--limit`; undefined when
 * neither is given (the plays' own patterns and --limit decide).
 */
export function selectHosts(
  inventory: Inventory,
  limit: string | undefined,
  o: { shard?: { index: number; count: number }; only?: Set<string>; exclude?: Set<string> },
): string[] | undefined {
  if (!o.shard && !o.only && !o.exclude) return undefined;
  const base = limit !== undefined ? inventory.select(limit) : [...inventory.hosts.keys()];
  return base.filter(
    (h) =>
      (!o.only || o.only.has(h)) &&
      !o.exclude?.has(h) &&
      (!o.shard || shardOf(h, o.shard.count) === o.shard.index),
  );
}
