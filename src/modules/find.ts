/**
 * `find`: list files by name patterns, age, size and type (Ansible's `find`). Read-only: one exec runs GNU
 * `find -printf` over the paths (plus `grep -l` for `contains`), and the filters Ansible applies in Python
 * (fnmatch or regex on the base name, hidden, excludes, age, size) run here on what it printed. No steps;
 * never a change. Result: `files` (stat-like dicts), `matched`, `examined`, `skipped_paths`, `msg`.
 */
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import { pyRegex } from '../template/regex';
import { withAliases } from './arg-aliases';
import { boolArg, intArg } from './arg-types';
import { defineModule } from './types';

const list = z.union([z.array(z.string()), z.string()]);
const args = withAliases(
  z
    .object({
      paths: list.describe('Absolute directories to search (list or comma-separated; aliases: name, path)'),
      patterns: list
        .default([])
        .describe(
          'Shell globs (or regexps with use_regex) the base name must match; none = every name (alias: pattern)',
        ),
      excludes: list.default([]).describe('Globs (or regexps) of base names to leave out (alias: exclude)'),
      contains: z
        .string()
        .optional()
        .describe('Regexp a line of the file must match (files only; grep -P, else -E)'),
      use_regex: boolArg()
        .default(false)
        .describe('patterns/excludes are Python regexps matched at the start'),
      file_type: z
        .enum(['file', 'directory', 'link', 'any'])
        .default('file')
        .describe('Type of entry to list'),
      recurse: boolArg().default(false).describe('Descend into subdirectories'),
      depth: intArg({ min: 1 }).optional().describe('With recurse: how deep to descend'),
      hidden: boolArg().default(false).describe('Include names starting with a dot'),
      follow: boolArg().default(false).describe('Follow symbolic links'),
      age: z.string().optional().describe('Minimum age ("2d", "3h", "1w"); negative: maximum age ("-1d")'),
      age_stamp: z.enum(['mtime', 'atime', 'ctime']).default('mtime').describe('Which time age compares'),
      size: z
        .string()
        .optional()
        .describe('Minimum size ("10k", "1m", "1g", bytes by default); negative: maximum'),
    })
    .strict(),
  { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' },
);
type Args = z.infer<typeof args>;

const splitList = (v: string | string[]) =>
  (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean);

interface Entry {
  path: string;
  mode: number;
  size: number;
  mtime: number;
  atime: number;
  ctime: number;
  uid: number;
  gid: number;
  pw_name: string;
  gr_name: string;
  type: string;
  nlink: number;
  inode: number;
}
interface Facts {
  now: number;
  entries: Entry[];
  skipped: Record<string, string>;
  containing?: string[];
}

const FMT = '%p\\0%m\\0%s\\0%T@\\0%A@\\0%C@\\0%U\\0%G\\0%u\\0%g\\0%y\\0%n\\0%i\\0';

function units(v: string, what: string, mult: Record<string, number>): number {
  const m = /^(-?\d+)([a-z]?)$/i.exec(v.trim());
  if (!m || (m[2] && mult[m[2].toLowerCase()] === undefined))
    throw new ModuleError(`failed to process ${what} ${JSON.stringify(v)}`);
  return Number(m[1]) * (m[2] ? mult[m[2].toLowerCase()]! : 1);
}
const AGE = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Python fnmatch: `*`, `?`, `[...]`, `[!...]`, case-sensitive on POSIX. */
export function fnmatch(name: string, pat: string): boolean {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pat.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pat.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(name);
}

function nameFilter(pats: string[], regex: boolean): (n: string) => boolean {
  if (regex) {
    const res = pats.map((p) => {
      try {
        return pyRegex(p);
      } catch (e) {
        throw new ModuleError(`invalid pattern: ${(e as Error).message}`);
      }
    });
    return (n) => res.some((r) => r.exec(n)?.index === 0);
  }
  return (n) => pats.some((p) => fnmatch(n, p));
}

function parse(stdout: string): Facts {
  const facts: Facts = { now: 0, entries: [], skipped: {} };
  const [head, ...rest] = stdout.split('\n@@FIND\n');
  for (const l of head!.split('\n')) {
    if (l.startsWith('NOW ')) facts.now = Number(l.slice(4));
    else if (l.startsWith('SKIP '))
      facts.skipped[l.slice(5)] =
        `${l.slice(5)} was skipped as it does not seem to be a valid directory or it cannot be accessed`;
  }
  const body = rest.join('\n@@FIND\n');
  const [found, grepped] = body.split('\n@@GREP\n');
  const f = (found ?? '').split('\0');
  for (let i = 0; i + 13 <= f.length; i += 13) {
    const [p, mode, size, mt, at, ct, uid, gid, un, gn, ty, nl, ino] = f.slice(i, i + 13);
    facts.entries.push({
      path: p!.replace(/^\n/, ''),
      mode: parseInt(mode!, 8),
      size: Number(size),
      mtime: Number(mt),
      atime: Number(at),
      ctime: Number(ct),
      uid: Number(uid),
      gid: Number(gid),
      pw_name: un!,
      gr_name: gn!,
      type: ty!,
      nlink: Number(nl),
      inode: Number(ino),
    });
  }
  if (grepped !== undefined) facts.containing = grepped.split('\0').filter(Boolean);
  return facts;
}

function checkArgs(a: Args): string[] {
  const paths = splitList(a.paths);
  if (!paths.length) throw new ModuleError('paths is required');
  for (const p of paths)
    if (!p.startsWith('/')) throw new ModuleError(`paths must be absolute: ${JSON.stringify(p)}`);
  if (a.age) units(a.age, 'age', AGE);
  if (a.size) units(a.size, 'size', SIZE);
  return paths;
}

function entryResult(e: Entry): Record<string, unknown> {
  const m = e.mode;
  return {
    path: e.path,
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: e.type === 'd',
    isreg: e.type === 'f',
    islnk: e.type === 'l',
    ischr: e.type === 'c',
    isblk: e.type === 'b',
    isfifo: e.type === 'p',
    issock: e.type === 's',
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    pw_name: e.pw_name,
    gr_name: e.gr_name,
    rusr: !!(m & 0o400),
    wusr: !!(m & 0o200),
    xusr: !!(m & 0o100),
    rgrp: !!(m & 0o40),
    wgrp: !!(m & 0o20),
    xgrp: !!(m & 0o10),
    roth: !!(m & 0o4),
    woth: !!(m & 0o2),
    xoth: !!(m & 0o1),
    isuid: !!(m & 0o4000),
    isgid: !!(m & 0o2000),
  };
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'find',
  description: 'Find files by name, age, size, type or content (read-only)',
  args,
  async probe(ctx, a) {
    const paths = checkArgs(a);
    const L = a.follow ? ['-L'] : [];
    const depth = a.recurse
      ? a.depth !== undefined
        ? ['-maxdepth', String(a.depth)]
        : []
      : ['-maxdepth', '1'];
    const grep =
      a.contains === undefined
        ? sh`:`
        : sh`echo; echo @@GREP; find ${L} "$@" -mindepth 1 ${depth} -type f -print0 | xargs -0 -r sh -c 'grep -lZP -e "$0" -- "$@" 2>/dev/null || [ $? = 1 ] || grep -lZE -e "$0" -- "$@"' ${a.contains}`;
    const r =
      await ctx.exec(sh`echo "NOW $(date +%s)"; for p in ${paths}; do [ -d "$p" ] && [ -r "$p" ] || echo "SKIP $p"; done
set --; for p in ${paths}; do [ -d "$p" ] && set -- "$@" "$p"; done
echo @@FIND; [ $# -gt 0 ] || exit 0
find ${L} "$@" -mindepth 1 ${depth} -printf ${FMT} 2>/dev/null
${grep}`);
    return parse(r.stdout);
  },
  plan(a, f) {
    checkArgs(a);
    const pats = splitList(a.patterns);
    const match = nameFilter(pats.length ? pats : a.use_regex ? ['.*'] : ['*'], a.use_regex);
    const excl = splitList(a.excludes);
    const exclude = excl.length ? nameFilter(excl, a.use_regex) : () => false;
    const age = a.age ? units(a.age, 'age', AGE) : undefined;
    const size = a.size ? units(a.size, 'size', SIZE) : undefined;
    const contains = f.containing ? new Set(f.containing) : undefined;
    const want = { file: 'f', directory: 'd', link: 'l', any: '' }[a.file_type];
    const files = f.entries.filter((e) => {
      const base = e.path.slice(e.path.lastIndexOf('/') + 1);
      if (!a.hidden && base.startsWith('.')) return false;
      if (want && e.type !== want) return false;
      if (!match(base) || exclude(base)) return false;
      if (age !== undefined) {
        const d = f.now - e[a.age_stamp];
        if (age >= 0 ? d < age : d > -age) return false;
      }
      if (size !== undefined && e.type === 'f' && (size >= 0 ? e.size < size : e.size > -size)) return false;
      if (contains && !contains.has(e.path)) return false;
      return true;
    });
    return {
      changes: [],
      result: {
        files: files.map(entryResult),
        matched: files.length,
        examined: f.entries.length,
        msg: Object.keys(f.skipped).length
          ? 'Not all paths examined, check warnings for details'
          : 'All paths examined',
        skipped_paths: f.skipped,
      },
    };
  },
});
