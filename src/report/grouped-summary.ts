/**
 * The end-of-run summary that reads at 500 hosts: identical changes grouped with their host count and a
 * collapsed host list (`180 hosts (kube01.c001–c180): ~ SAN +IP:10.254.0.1 -IP:172.16.0.1`), refusals by
 * reason, failures by task and message, unreachable hosts by reason, then one totals line. With --diff,
 * one diff per distinct change. Text that differs between hosts only by the host's own name (a cluster
 * name in a CA's subject) is grouped, the differing part shown as `*`.
 */
import type { Change } from '../modules/types';
import { renderDiff } from './ansible-format';
import { collapseHosts, hostCount } from './host-list';
import { OUTCOME_KINDS, OUTCOME_LABEL, totals, type HostOutcome, type OutcomeKind } from './outcomes';

export interface Group {
  /** The shared text (host-specific parts as `*`). */
  text: string;
  hosts: string[];
  /** A task heading, for changes and failures. */
  task?: string;
  diff?: string;
  /** Where its first host came in the input (tasks are listed in run order). */
  order: number;
}

/** Segments of host names that differ between hosts (`c001` in `kube01.c001`), per host. */
function hostTokens(hosts: readonly string[]): Map<string, string[]> {
  const split = hosts.map((h) => h.split('.'));
  const out = new Map<string, string[]>();
  hosts.forEach((h, i) => {
    const segs = split[i]!;
    const varying = segs.filter((s, pos) => s.length >= 2 && !split.every((o) => o[pos] === s));
    out.set(
      h,
      [h, ...varying].sort((a, b) => b.length - a.length),
    );
  });
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces a host's own name (and the parts of it that vary across the fleet) with `*`. */
export function genericText(text: string, tokens: readonly string[]): string {
  // what differs from run to run and host to host without meaning: durations, random temp names, hashes
  let out = text
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '* $2')
    .replace(/\.(remediate|tmp)\.[A-Za-z0-9]{6}\b/g, '.$1.*')
    .replace(/\b[0-9a-f]{8,}\b/g, '*');
  for (const t of tokens) out = out.replace(new RegExp(`(?<![\\w-])${escapeRe(t)}(?![\\w-])`, 'g'), '*');
  return out;
}

function grouped<T>(
  items: T[],
  key: (t: T) => string,
  make: (t: T, hosts: string[]) => Omit<Group, 'order'>,
  host: (t: T) => string,
): Group[] {
  const by = new Map<string, { first: T; hosts: string[]; order: number }>();
  items.forEach((it, order) => {
    const k = key(it);
    const g = by.get(k);
    if (g) g.hosts.push(host(it));
    else by.set(k, { first: it, hosts: [host(it)], order });
  });
  return [...by.values()]
    .map((g) => ({ ...make(g.first, g.hosts), order: g.order }))
    .sort((a, b) => b.hosts.length - a.hosts.length || a.text.localeCompare(b.text));
}

export interface GroupedSummary {
  changes: Group[];
  diffs: Group[];
  refused: Group[];
  failed: Group[];
  unreachable: Group[];
  ok: string[];
  unfinished: string[];
  totals: Record<OutcomeKind, number>;
  hostCount: number;
}

export function groupOutcomes(outcomes: readonly HostOutcome[]): GroupedSummary {
  const tokens = hostTokens(outcomes.map((o) => o.host));
  const tk = (h: string) => tokens.get(h) ?? [h];
  // a host that changed things and then failed did change them: its changes are listed too
  const changeItems = outcomes.flatMap((o) => o.changes.map((c) => ({ host: o.host, c })));
  const changes = grouped(
    changeItems,
    (i) => `${i.c.task}\u0000${genericText(i.c.describe, tk(i.host))}`,
    (i, hosts) => ({ task: i.c.task, text: shown(i.c.describe, tk(i.host), hosts), hosts }),
    (i) => i.host,
  );
  const diffItems = changeItems.filter((i) => i.c.diff && !i.c.diff.secret);
  const diffs = grouped(
    diffItems,
    (i) => genericText(renderDiff({ describe: '', diff: i.c.diff } as Change) ?? '', tk(i.host)),
    (i, hosts) => ({
      task: i.c.task,
      text: shown(i.c.describe, tk(i.host), hosts),
      diff: shown(renderDiff({ describe: '', diff: i.c.diff } as Change) ?? '', tk(i.host), hosts),
      hosts,
    }),
    (i) => i.host,
  );
  const of = (k: OutcomeKind) => outcomes.filter((o) => o.outcome === k);
  const refused = grouped(
    of('refused'),
    (o) => o.reason ?? '',
    (o, hosts) => ({
      text: `refused (${o.reason}) — ${shown(o.message ?? '', tk(o.host), hosts)}${hosts.length > 1 ? ` (e.g. ${o.host})` : ''}`,
      task: o.task,
      hosts,
    }),
    (o) => o.host,
  );
  const failed = grouped(
    of('failed'),
    (o) => `${o.task}\u0000${genericText(o.message ?? '', tk(o.host))}`,
    (o, hosts) => ({ text: shown(o.message ?? 'failed', tk(o.host), hosts), task: o.task, hosts }),
    (o) => o.host,
  );
  const unreachable = grouped(
    of('unreachable'),
    (o) => genericReason(o),
    (o, hosts) => ({ text: hosts.length === 1 ? (o.reason ?? 'unreachable') : genericReason(o), hosts }),
    (o) => o.host,
  );
  return {
    changes,
    diffs,
    refused,
    failed,
    unreachable,
    ok: of('ok').map((o) => o.host),
    unfinished: of('unfinished').map((o) => o.host),
    totals: totals(outcomes),
    hostCount: outcomes.length,
  };
}

/** What a group shows: one host's own text, or the text common to several hosts. */
function shown(raw: string, tokens: readonly string[], hosts: readonly string[]): string {
  return hosts.length === 1 ? raw : genericText(raw, tokens);
}

/** A connection failure with its address as `*`: `cannot connect to root@*:22: connection refused`. */
function genericReason(o: HostOutcome): string {
  return (o.reason ?? 'unreachable')
    .replace(/\b[\w.-]+@[\w.:-]+?:(\d+)\b/g, '*:$1')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '*');
}

/** `TOTAL 6 hosts: 2 would fix (check), 1 already fine, 2 refused, 1 unreachable` (kinds with 0 left out). */
export function totalsLine(t: Record<OutcomeKind, number>, n: number): string {
  const parts = OUTCOME_KINDS.filter((k) => t[k] > 0).map((k) => `${t[k]} ${OUTCOME_LABEL[k]}`);
  return `${hostCount(n)}: ${parts.join(', ') || 'nothing ran'}`;
}

/** The summary as text lines (no colour), for the plain and pretty reporters. */
export function renderGroupedSummary(s: GroupedSummary, opts: { diff: boolean; check: boolean }): string[] {
  const lines: string[] = [];
  const hostsOf = (g: Group) => `${hostCount(g.hosts.length)} (${collapseHosts(g.hosts)})`;
  const section = (title: string, groups: Group[], byTask: boolean, body: (g: Group) => string[]) => {
    if (!groups.length) return;
    lines.push('', title);
    let task: string | undefined;
    const taskOrder = new Map<string | undefined, number>();
    for (const g of groups) taskOrder.set(g.task, Math.min(taskOrder.get(g.task) ?? g.order, g.order));
    const ordered = byTask
      ? groups.slice().sort((a, b) => taskOrder.get(a.task)! - taskOrder.get(b.task)!)
      : groups;
    for (const g of ordered) {
      if (byTask && g.task !== task) {
        task = g.task;
        lines.push(`  [${task}]`);
      }
      lines.push(...body(g).map((l) => (byTask ? '  ' : '') + l));
    }
  };
  section(opts.check ? 'WOULD CHANGE' : 'CHANGED', s.changes, true, (g) => {
    const out = [`  ${hostsOf(g)}: ~ ${g.text}`];
    if (!opts.diff) return out;
    // one diff per distinct change; when hosts of one change differ in their diff, each variant says whose
    const variants = s.diffs.filter((d) => d.task === g.task && d.text === g.text);
    for (const d of variants) {
      if (variants.length > 1) out.push(`    ${hostsOf(d)}:`);
      out.push(
        ...(d.diff ?? '')
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `    ${l}`),
      );
    }
    return out;
  });
  section('REFUSED (nothing was changed)', s.refused, false, (g) => [`  ${hostsOf(g)}: ${g.text}`]);
  section('FAILED', s.failed, true, (g) => [`  ${hostsOf(g)}: ${g.text}`]);
  section('UNREACHABLE', s.unreachable, false, (g) => [`  ${hostsOf(g)}: ${g.text}`]);
  if (s.ok.length) lines.push('', `ALREADY FINE: ${hostCount(s.ok.length)} (${collapseHosts(s.ok)})`);
  if (s.unfinished.length)
    lines.push(
      '',
      `DID NOT FINISH (interrupted): ${hostCount(s.unfinished.length)} (${collapseHosts(s.unfinished)})`,
    );
  lines.push('', `TOTAL ${totalsLine(s.totals, s.hostCount)}`);
  return lines;
}
