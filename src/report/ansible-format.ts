/** Text in Ansible's shapes: banners, the PLAY RECAP line, unified diffs, colors. */
import { pyJsonDumps } from '../py-json';
import type { HostCounts } from '../events';
import type { ReportedChange } from '../plan/steps';

/** `TASK [x] ****...`: the message, a space, then stars up to column 80 (at least 3), as Ansible does. */
export function banner(msg: string, columns = 79): string {
  const m = msg.trim();
  return `${m} ${'*'.repeat(Math.max(3, columns - m.length))}`;
}

/** One PLAY RECAP line, padded exactly like ansible-playbook without colors. */
export function recapLine(host: string, c: HostCounts, color = false): string {
  const field = (lead: string, n: number, code: string) => {
    const s = `${lead}=${String(n).padEnd(4)}`;
    return color && n !== 0 ? paint(s, code) : s;
  };
  const h = color ? paint(host.padEnd(26), hostColor(c)) : host.padEnd(26);
  return (
    `${h} : ` +
    [
      field('ok', c.ok, GREEN),
      field('changed', c.changed, YELLOW),
      field('unreachable', c.unreachable, BRIGHT_RED),
      field('failed', c.failed, RED),
      field('skipped', c.skipped, CYAN),
      field('rescued', c.rescued, MAGENTA),
      field('ignored', c.ignored, BLUE),
    ].join(' ')
  );
}

function hostColor(c: HostCounts): string {
  if (c.failed || c.unreachable) return RED;
  if (c.changed) return YELLOW;
  return GREEN;
}

export const GREEN = '32';
export const YELLOW = '33';
export const RED = '31';
export const BRIGHT_RED = '1;31';
export const CYAN = '36';
export const MAGENTA = '35';
export const BLUE = '34';
export const BRIGHT_PURPLE = '1;35';

export function paint(s: string, code: string): string {
  return `\u001b[${code}m${s}\u001b[0m`;
}

/** A change's unified diff (Ansible's `--- before: path` / `+++ after: path`), or '' when secret/absent. */
export function renderDiff(change: ReportedChange): string {
  const d = change.diff;
  if (!d || d.secret) return '';
  if (d.before === d.after) return '';
  const p = d.path ?? '';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when a diff is shown
  const patch = (require('diff') as typeof import('diff')).createTwoFilesPatch(
    `before${p ? `: ${p}` : ''}`,
    `after${p ? `: ${p}` : ''}`,
    d.before,
    d.after,
    undefined,
    undefined,
    { context: 3 },
  );
  const lines = patch.split('\n');
  const start = lines.findIndex((l) => l.startsWith('--- '));
  return lines
    .slice(start < 0 ? 0 : start)
    .filter((l) => l !== '\\ No newline at end of file')
    .join('\n')
    .replace(/\s+$/, '');
}

export function colorDiff(text: string): string {
  return text
    .split('\n')
    .map((l) =>
      l.startsWith('+') && !l.startsWith('+++')
        ? paint(l, GREEN)
        : l.startsWith('-') && !l.startsWith('---')
          ? paint(l, RED)
          : l.startsWith('@@')
            ? paint(l, CYAN)
            : l,
    )
    .join('\n');
}

/**
 * set_stats' statistics after the recap, as ansible-playbook's default callback prints them with
 * show_custom_stats: a banner, a tab-indented line per host (sorted), then the run's own as `RUN:`.
 */
export function customStatsLines(stats: Record<string, Record<string, unknown>>): string[] {
  const dump = (v: unknown) =>
    pyJsonDumps(v, { indent: 1, sortKeys: true, ensureAscii: false }).replace(/\n/g, '');
  const out = [banner('CUSTOM STATS: ')];
  for (const host of Object.keys(stats).sort())
    if (host !== '_run') out.push(`\t${host}: ${dump(stats[host])}`);
  if (stats['_run']) out.push('', `\tRUN: ${dump(stats['_run'])}`);
  out.push('');
  return out;
}

/** JSON as Ansible prints results: 4-space indentation, keys sorted. */
export function resultJson(v: unknown, indent = 4): string {
  return JSON.stringify(sortKeys(v), null, indent);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
