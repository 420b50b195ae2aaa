/**
 * Several facts in one exec: the facts not cached yet are asked together (one round trip per become
 * setting), each in its own subshell between markers on stdout and stderr, then parsed and cached one by
 * one exactly as if asked alone (stdout, stderr and exit code per fact).
 */
import { randomBytes } from 'node:crypto';
import { execCommand, type ExecCommand } from '../command';
import type { Fact } from '../facts/types';
import type { ExecResult } from '../transport/types';
import type { FactsCache } from './facts-cache';

export type RunFactScript = (cmd: ExecCommand, become: boolean) => Promise<ExecResult>;

/** The combined script and a splitter back into one result per fact. */
export function batchScript(facts: readonly Fact<unknown>[]): {
  cmd: ExecCommand;
  split(r: ExecResult): ExecResult[];
} {
  const tag = `RMD-${randomBytes(6).toString('hex')}`;
  const part = (f: Fact<unknown>, i: number, reveal: boolean) =>
    `printf '%s\\n' '${tag} ${i}'; printf '%s\\n' '${tag} ${i}' >&2; (\n${reveal ? f.command.script : f.command.display}\n); printf '\\n%s %s\\n' '${tag}-END ${i}' $?; printf '\\n%s\\n' '${tag}-END ${i}' >&2`;
  const cmd = execCommand(
    facts.map((f, i) => part(f, i, true)).join('\n'),
    facts.map((f, i) => part(f, i, false)).join('\n'),
  );
  const section = (text: string, i: number): [string, string] => {
    const head = `${tag} ${i}\n`;
    const start = text.indexOf(head);
    if (start < 0) return ['', ''];
    // "END 1" is a prefix of "END 10": the marker is followed by " RC" (stdout) or a new line (stderr)
    let end = text.indexOf(`\n${tag}-END ${i} `, start);
    if (end < 0) end = text.indexOf(`\n${tag}-END ${i}\n`, start);
    if (end < 0) return ['', ''];
    const body = text.slice(start + head.length, end);
    const after = text.slice(end + `\n${tag}-END ${i}`.length).split('\n')[0] ?? '';
    return [body, after.trim()];
  };
  return {
    cmd,
    split(r) {
      return facts.map((_, i) => {
        const [stdout, rc] = section(r.stdout, i);
        const [stderr] = section(r.stderr, i);
        const code = rc === '' ? (r.code === 0 ? 1 : r.code) : Number(rc);
        return { stdout, stderr, code, signal: null, durationMs: r.durationMs };
      });
    },
  };
}

/** Ask every fact not cached yet in one exec per become setting, caching each; returns their values. */
export async function askFacts<T extends readonly Fact<unknown>[]>(
  cache: FactsCache,
  facts: T,
  run: RunFactScript,
): Promise<unknown[]> {
  const missing = facts.filter((f, i) => !cache.has(f) && facts.findIndex((g) => g.key === f.key) === i);
  for (const become of [true, false]) {
    const group = missing.filter((f) => (f.become ?? true) === become);
    if (group.length === 0) continue;
    if (group.length === 1) continue; // asked alone below, as ctx.fact would
    const { cmd, split } = batchScript(group);
    const loaded = run(cmd, become).then(split);
    group.forEach((f, i) => cache.get(f, () => loaded.then((rs) => f.parse(rs[i]!.stdout, rs[i]!))));
  }
  return Promise.all(
    facts.map((f) =>
      cache.get(f, async () => {
        const r = await run(f.command, f.become ?? true);
        return f.parse(r.stdout, r);
      }),
    ),
  );
}
