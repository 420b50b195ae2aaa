/**
 * Ansible's lookup plugins that run on the controller: `lookup('file', ...)`, `query(...)`/`q(...)` and
 * every `with_<lookup>` loop use these. Each takes the (rendered) terms and keyword options and returns a
 * list, as Ansible's plugins do; `lookup()` then joins strings with commas (see `lookupResult`).
 * Relative paths are searched as Ansible does: the role's files/ (templates/ for `template`), the role,
 * the playbook directory's files/, the playbook directory.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDict, pyStr, pyTuple, type Dict } from './values';

/** What a lookup may read: the task's variables and, for `template`, a renderer. */
export interface LookupEnv {
  vars: Dict;
  render(template: string, vars: Dict): string;
}

type Lookup = (terms: unknown[], kw: Dict, env: LookupEnv) => unknown[];

/** Candidate locations of a relative controller path, most specific first. */
export function searchPaths(file: string, sub: 'files' | 'templates' | 'vars', vars: Dict): string[] {
  if (path.isAbsolute(file)) return [file];
  const out: string[] = [];
  const role = typeof vars.role_path === 'string' ? vars.role_path : undefined;
  const pb = typeof vars.playbook_dir === 'string' ? vars.playbook_dir : process.cwd();
  if (role) out.push(path.join(role, sub, file), path.join(role, file), path.join(role, 'tasks', file));
  out.push(path.join(pb, sub, file), path.join(pb, file));
  return out;
}

function findFile(file: string, sub: 'files' | 'templates' | 'vars', vars: Dict): string | undefined {
  return searchPaths(file, sub, vars).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
}

function mustFind(kind: string, file: string, sub: 'files' | 'templates', vars: Dict): string {
  const f = findFile(file, sub, vars);
  if (!f)
    throw new Error(
      `lookup('${kind}'): could not find '${file}' (searched ${searchPaths(file, sub, vars).join(', ')})`,
    );
  return f;
}

/** `key=value key2=value2` options inside a term (`password` and `sequence` take them so). */
function termOptions(term: string): { head: string; opts: Dict } {
  const opts: Dict = {};
  const words = term.trim().split(/\s+/);
  const head: string[] = [];
  for (const w of words) {
    const m = /^([a-z_]+)=(.*)$/.exec(w);
    if (m) opts[m[1]] = m[2];
    else head.push(w);
  }
  return { head: head.join(' '), opts };
}

function sh(cmd: string, env: LookupEnv): string {
  const cwd = typeof env.vars.playbook_dir === 'string' ? env.vars.playbook_dir : undefined;
  try {
    return execFileSync('/bin/sh', ['-c', cmd], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status?: number; stderr?: string };
    throw new Error(
      `lookup('pipe'): command '${cmd}' exited ${err.status ?? '?'}: ${String(err.stderr ?? '').trim()}`,
    );
  }
}

/** A shell-style glob of one directory level per segment: `*`, `?`, `[...]`. */
function glob(pattern: string): string[] {
  const toRe = (seg: string) =>
    new RegExp(
      '^' +
        seg
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') +
        '$',
    );
  const parts = pattern.split('/');
  let found = [parts[0] === '' ? '/' : '.'];
  for (const seg of parts.slice(parts[0] === '' ? 1 : 0)) {
    if (!seg) continue;
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?[]/.test(seg)) {
        const p = path.join(dir, seg);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const re = toRe(seg);
      for (const n of names.sort())
        if (re.test(n) && !(n.startsWith('.') && !seg.startsWith('.'))) next.push(path.join(dir, n));
    }
    found = next;
  }
  return found;
}

const CHARSETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

function passwordChars(spec: unknown): string {
  const names = spec === undefined ? ['ascii_letters', 'digits', '.,:-_'] : String(spec).split(',');
  return [...new Set(names.map((n) => CHARSETS[n] ?? n).join(''))].join('');
}

const toList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

export const LOOKUPS: Record<string, Lookup> = {
  env: (terms, kw) => terms.map((t) => process.env[pyStr(t)] ?? (kw.default as string | undefined) ?? ''),
  file: (terms, kw, env) =>
    terms.map((t) => {
      const text = fs.readFileSync(mustFind('file', pyStr(t), 'files', env.vars), 'utf8');
      const strip = kw.rstrip === undefined ? true : Boolean(kw.rstrip);
      const l = kw.lstrip ? text.trimStart() : text;
      return strip ? l.trimEnd() : l;
    }),
  template: (terms, kw, env) =>
    terms.map((t) => {
      const text = fs.readFileSync(mustFind('template', pyStr(t), 'templates', env.vars), 'utf8');
      const extra = isDict(kw.template_vars) ? kw.template_vars : {};
      return env.render(text, { ...env.vars, ...extra });
    }),
  pipe: (terms, _kw, env) => terms.map((t) => sh(pyStr(t), env).replace(/\n+$/, '')),
  lines: (terms, _kw, env) =>
    terms.flatMap((t) =>
      sh(pyStr(t), env)
        .split('\n')
        .filter((l, i, a) => i < a.length - 1 || l !== ''),
    ),
  fileglob: (terms, _kw, env) =>
    terms.flatMap((t) => {
      const pat = pyStr(t);
      const dirs = path.isAbsolute(pat) ? [''] : searchPaths('', 'files', env.vars);
      for (const d of dirs) {
        const hits = glob(d ? path.join(d, pat) : pat).filter((f) => fs.statSync(f).isFile());
        if (hits.length) return hits.map((f) => path.resolve(f));
      }
      return [];
    }),
  first_found: (terms, kw, env) => {
    const files: string[] = [];
    let paths: string[] = toList(kw.paths ?? []).map(pyStr);
    let skip = Boolean(kw.skip);
    for (const t of terms.flatMap(toList)) {
      if (isDict(t)) {
        files.push(...toList(t.files ?? []).flatMap((f) => pyStr(f).split(/[,;]/)));
        paths = [...paths, ...toList(t.paths ?? []).flatMap((p) => pyStr(p).split(/[,:;]/))];
        if (t.skip !== undefined) skip = Boolean(t.skip);
      } else files.push(pyStr(t));
    }
    for (const f of files) {
      const cands =
        paths.length && !path.isAbsolute(f)
          ? paths.map((p) => path.resolve(String(env.vars.playbook_dir ?? '.'), p, f))
          : searchPaths(f, 'files', env.vars);
      const hit = cands.find((c) => fs.existsSync(c));
      if (hit) return [hit];
    }
    if (skip) return [];
    throw new Error(`lookup('first_found'): none of ${files.join(', ')} was found`);
  },
  vars: (terms, kw, env) =>
    terms.map((t) => {
      const name = pyStr(t);
      if (name in env.vars && env.vars[name] !== undefined) return env.vars[name];
      if ('default' in kw) return kw.default;
      throw new Error(`lookup('vars'): No variable found with this name: ${name}`);
    }),
  varnames: (terms, _kw, env) =>
    terms.flatMap((t) => {
      const re = new RegExp(pyStr(t));
      return Object.keys(env.vars).filter((k) => re.test(k));
    }),
  password: (terms, kw) =>
    terms.map((t) => {
      const { head: file, opts } = termOptions(pyStr(t));
      const o = { ...kw, ...opts };
      const length = Number(o.length ?? 20);
      if (file !== '/dev/null' && fs.existsSync(file))
        return fs
          .readFileSync(file, 'utf8')
          .split('\n')[0]
          .replace(/ salt=.*$/, '');
      const chars = passwordChars(o.chars);
      let pw = '';
      for (let i = 0; i < length; i++) pw += chars[randomInt(chars.length)];
      if (file !== '/dev/null') {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, pw + '\n', { mode: 0o600 });
      }
      return pw;
    }),
  sequence: (terms) =>
    terms.flatMap((t) => {
      let { head, opts } = termOptions(pyStr(t));
      const short = /^(?:(-?\d+)-)?(-?\d+)(?:\/(-?\d+))?(?::(.+))?$/.exec(head);
      if (short)
        opts = { start: short[1] ?? '1', end: short[2], stride: short[3] ?? '1', format: short[4], ...opts };
      const start = Number(opts.start ?? 1);
      const stride = Number(opts.stride ?? 1);
      const end = opts.count !== undefined ? start + (Number(opts.count) - 1) * stride : Number(opts.end);
      const fmt = (opts.format as string | undefined) ?? '%d';
      if (!Number.isFinite(end)) throw new Error(`lookup('sequence'): needs end= or count= in '${pyStr(t)}'`);
      if (stride === 0) throw new Error("lookup('sequence'): stride must not be 0");
      const out: string[] = [];
      for (let i = start; stride > 0 ? i <= end : i >= end; i += stride)
        out.push(
          fmt.replace(/%(0?\d*)([dxXo])/, (_m, w: string, c: string) => {
            const s =
              c === 'd'
                ? String(i)
                : c === 'o'
                  ? i.toString(8)
                  : c === 'x'
                    ? i.toString(16)
                    : i.toString(16).toUpperCase();
            return w ? s.padStart(Number(w), w.startsWith('0') ? '0' : ' ') : s;
          }),
        );
      return out;
    }),
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isDict(t)) throw new Error("lookup('dict'): expects a dictionary");
      return Object.entries(t).map(([key, value]) => ({ key, value }));
    }),
  subelements: (terms, kw) => {
    const [list, key, flags] = terms;
    const skip = Boolean((isDict(flags) ? flags.skip_missing : undefined) ?? kw.skip_missing);
    const out: unknown[] = [];
    for (const item of toList(list)) {
      if (!isDict(item)) throw new Error("lookup('subelements'): the list must hold dictionaries");
      let sub: unknown = item;
      for (const k of pyStr(key).split('.')) sub = isDict(sub) ? sub[k] : undefined;
      if (sub === undefined) {
        if (skip) continue;
        throw new Error(`lookup('subelements'): could not find '${pyStr(key)}' key in iterated item`);
      }
      if (!Array.isArray(sub))
        throw new Error(`lookup('subelements'): '${pyStr(key)}' of an item is not a list`);
      for (const s of sub) out.push([item, s]);
    }
    return out;
  },
  together: (terms) => {
    const lists = terms.map(toList);
    const n = Math.max(0, ...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
  items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])),
  list: (terms) => terms,
  indexed_items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])).map((x, i) => pyTuple([i, x])),
  nested: (terms) =>
    terms.map(toList).reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]),
};

export const LOOKUP_NAMES = Object.keys(LOOKUPS);

/** Run a lookup by its name (short or `ansible.builtin.*`). */
export function runLookup(name: string, terms: unknown[], kw: Dict, env: LookupEnv): unknown[] {
  const short = name.replace(/^ansible\.builtin\./, '');
  const fn = LOOKUPS[short];
  if (!fn) throw new Error(`lookup plugin '${name}' not found (known: ${LOOKUP_NAMES.join(', ')})`);
  return fn(terms, kw, env);
}

/** What `lookup()` (not `query()`) returns: strings joined by commas, one item alone, else the list. */
export function lookupResult(ran: unknown[]): unknown {
  if (ran.every((x) => typeof x === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}
