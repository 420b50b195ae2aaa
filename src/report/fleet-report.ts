/**
 * The fleet report (`--report FILE.json` / `--report FILE.md`, `runs show --report`, `runs merge`): per
 * host the outcome — fixed (changed), already fine, would fix (check), refused (reason), failed (task,
 * message), unreachable (reason) — with totals, the slowest hosts, the command line and the digests of
 * what ran. The JSON follows schemas/fleet-report.schema.json; the Markdown is ready for a ticket.
 */
import fs from 'node:fs';
import path from 'node:path';
import { groupOutcomes, totalsLine } from './grouped-summary';
import { collapseHosts, hostCount, naturalCompare } from './host-list';
import { OUTCOME_KINDS, OUTCOME_LABEL, totals, type HostOutcome, type OutcomeKind } from './outcomes';
import { maskLiterals, redactValue } from './redact';
import type { RunDigests } from './run-journal';
import type { SecretValues } from '../secrets/secret-values';

export interface FleetReportHost {
  host: string;
  outcome: OutcomeKind;
  reason?: string;
  task?: string;
  loc?: string;
  message?: string;
  changes: string[];
  durationMs: number;
}

export interface FleetReportRun {
  id: string;
  commandLine: string[];
  playbook: string;
  check: boolean;
  started: string;
  ended?: string;
  exitCode?: number;
  interrupted?: boolean;
  shard?: { index: number; count: number };
  digests: RunDigests;
}

export interface FleetReport {
  schema: 'remediate-fleet-report/1';
  /** The runs it covers: one, or every shard of a merged report. */
  runs: FleetReportRun[];
  totals: Record<OutcomeKind, number> & { hosts: number };
  hosts: FleetReportHost[];
  /** The ten slowest hosts, slowest first. */
  slowest: { host: string; durationMs: number }[];
}

export function buildFleetReport(runs: FleetReportRun[], outcomes: readonly HostOutcome[]): FleetReport {
  const hosts = [...outcomes]
    .sort((a, b) => naturalCompare(a.host, b.host))
    .map((o): FleetReportHost => ({
      host: o.host,
      outcome: o.outcome,
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      ...(o.task !== undefined ? { task: o.task } : {}),
      ...(o.loc !== undefined ? { loc: o.loc } : {}),
      ...(o.message !== undefined ? { message: o.message } : {}),
      changes: o.changes.map((c) => c.describe),
      durationMs: o.durationMs,
    }));
  const slowest = [...outcomes]
    .sort((a, b) => b.durationMs - a.durationMs || naturalCompare(a.host, b.host))
    .slice(0, 10)
    .map((o) => ({ host: o.host, durationMs: o.durationMs }));
  return {
    schema: 'remediate-fleet-report/1',
    runs,
    totals: { ...totals(outcomes), hosts: outcomes.length },
    hosts,
    slowest,
  };
}

/** Outcomes back from a report (for `runs merge` of reports). */
export function outcomesOf(r: FleetReport): HostOutcome[] {
  const zero = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
  return r.hosts.map((h) => ({
    host: h.host,
    outcome: h.outcome,
    ...(h.reason !== undefined ? { reason: h.reason } : {}),
    ...(h.task !== undefined ? { task: h.task } : {}),
    ...(h.loc !== undefined ? { loc: h.loc } : {}),
    ...(h.message !== undefined ? { message: h.message } : {}),
    changes: h.changes.map((d) => ({ task: '', loc: '', describe: d })),
    counts: { ...zero },
    durationMs: h.durationMs,
  }));
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The report as Markdown: summary, grouped outcomes, per-host table, slowest hosts, provenance. */
export function fleetReportMarkdown(r: FleetReport, outcomes: readonly HostOutcome[]): string {
  const run = r.runs[0];
  const check = r.runs.some((x) => x.check);
  const l: string[] = [];
  l.push(`# remediate ${check ? 'preview (--check)' : 'run'}: ${run ? path.basename(run.playbook) : ''}`, '');
  l.push(`**${totalsLine(r.totals, r.totals.hosts)}**`, '');
  l.push('| outcome | hosts |', '| --- | ---: |');
  for (const k of OUTCOME_KINDS) if (r.totals[k] > 0) l.push(`| ${OUTCOME_LABEL[k]} | ${r.totals[k]} |`);
  const g = groupOutcomes(outcomes);
  const section = (title: string, groups: { text: string; hosts: string[]; task?: string }[]) => {
    if (!groups.length) return;
    l.push('', `## ${title}`, '');
    for (const x of groups)
      l.push(
        `- **${hostCount(x.hosts.length)}** (${collapseHosts(x.hosts)}): ${x.task ? `[${md(x.task)}] ` : ''}\`${md(x.text)}\``,
      );
  };
  section(check ? 'Would change' : 'Changed', g.changes);
  section('Refused (nothing was changed)', g.refused);
  section('Failed', g.failed);
  section('Unreachable', g.unreachable);
  if (g.ok.length) l.push('', `## Already fine`, '', `${hostCount(g.ok.length)} (${collapseHosts(g.ok)})`);
  l.push('', '## Hosts', '', '| host | outcome | detail | time |', '| --- | --- | --- | ---: |');
  for (const h of r.hosts) {
    const detail =
      h.outcome === 'refused'
        ? `${h.reason}: ${h.message ?? ''}`
        : h.outcome === 'failed'
          ? `${h.task ?? ''}: ${h.message ?? ''}`
          : h.outcome === 'unreachable'
            ? (h.reason ?? '')
            : h.changes.join('; ');
    l.push(`| ${md(h.host)} | ${OUTCOME_LABEL[h.outcome]} | ${md(detail)} | ${secs(h.durationMs)} |`);
  }
  if (r.slowest.length) {
    l.push('', '## Slowest hosts', '');
    for (const s of r.slowest) l.push(`- ${md(s.host)}: ${secs(s.durationMs)}`);
  }
  l.push('', '## Runs', '');
  for (const x of r.runs) {
    l.push(
      `- \`${x.id}\`${x.shard ? ` (shard ${x.shard.index}/${x.shard.count})` : ''}: \`${md(x.commandLine.join(' '))}\`, started ${x.started}${x.ended ? `, ended ${x.ended}` : ''}${x.exitCode !== undefined ? `, exit ${x.exitCode}` : ''}${x.interrupted ? ' (interrupted)' : ''}`,
      `  - digests: playbook \`${x.digests.playbook.slice(0, 16)}\`, templates \`${x.digests.templates.slice(0, 16)}\`, inventory \`${x.digests.inventory.slice(0, 16)}\``,
    );
  }
  return l.join('\n') + '\n';
}

/** Write the report to each FILE by its extension (.json or .md); secrets masked. */
export function writeFleetReports(
  files: readonly string[],
  r: FleetReport,
  outcomes: readonly HostOutcome[],
  secrets: SecretValues | readonly string[] = [],
): void {
  for (const f of files) {
    const text = /\.md$/i.test(f)
      ? fleetReportMarkdown(r, outcomes)
      : JSON.stringify(redactValue(r), null, 2) + '\n';
    fs.mkdirSync(path.dirname(path.resolve(f)), { recursive: true });
    fs.writeFileSync(f, maskLiterals(text, secrets));
  }
}

/** `--report FILE`: .json or .md, nothing else. */
export function reportFormatError(file: string): string | undefined {
  return /\.(json|md)$/i.test(file) ? undefined : `--report ${file}: the file name must end in .json or .md`;
}
