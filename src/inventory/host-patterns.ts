/**
 * Host patterns for `hosts:` and `--limit`, as in Ansible: names, groups, globs (`web*`), regexes
 * (`~web\d+`), unions (`a:b`, `a,b`), intersections (`a:&b`), exclusions (`a:!b`), subscripts
 * (`web[0]`, `web[1:3]`, inclusive) and `@file` (one host per line, e.g. a retry file).
 */
import * as fs from 'node:fs';
import { InventoryError } from '../errors';
import type { InventoryData } from './inventory-data';

/** Names that resolve to the implicit localhost when the inventory lacks them. */
export const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '::1'];

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]+)?)\]$/;

function patternError(pattern: string, why: string, hint?: string): InventoryError {
  return new InventoryError(`bad host pattern "${pattern}": ${why}`, undefined, {
    hint:
      hint ??
      'patterns are names, groups, globs (web*), ~regex, joined by ":" or "," (union), ":&" (and), ":!" (not)',
  });
}

/** Split a pattern into terms: on commas if any, else on colons outside brackets. */
export function splitPattern(pattern: string): string[] {
  const p = pattern.trim();
  if (p.includes(','))
    return p
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  // a bare IPv6 address is one term
  if (/^[0-9a-fA-F]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/.test(p) && !/^[&!]/.test(p)) return [p];
  // a "[" that no "]" closes would otherwise split the term in two (`~web[(` → `~web`, `(`)
  if (/[[\]]/.test(p.replace(/\[[^\]]*\]/g, '')))
    throw patternError(
      p,
      'unbalanced "[" or "]"',
      'a subscript is web[0] or web[0:2]; a ~regex with brackets needs them closed',
    );
  return (p.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []).map((x) => x.trim()).filter(Boolean);
}

/** fnmatch.translate, anchored at both ends. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body[0] === '!') body = '^' + body.slice(1);
        else if (body[0] === '^') body = '\\' + body;
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

function matcher(term: string, whole: string): (name: string) => boolean {
  if (term.startsWith('~')) {
    let re: RegExp;
    try {
      // Python's re.match: anchored at the start only.
      re = new RegExp(`^(?:${term.slice(1)})`);
    } catch (e) {
      throw patternError(whole, `invalid regular expression ${term}: ${(e as Error).message}`);
    }
    return (n) => re.test(n);
  }
  let re: RegExp;
  try {
    re = globToRegExp(term);
  } catch (e) {
    // a bracket set JavaScript refuses (`[z-a]`): an error naming it, not an internal error
    throw patternError(whole, `invalid character set in ${term}: ${(e as Error).message}`);
  }
  return (n) => re.test(n);
}

function applySubscript(hosts: string[], start: number, end: number | undefined): string[] {
  if (end === undefined) {
    const i = start < 0 ? hosts.length + start : start;
    return i >= 0 && i < hosts.length ? [hosts[i]!] : [];
  }
  return hosts.slice(start, end + 1);
}

function readLimitFile(file: string, whole: string): string[] {
  let text: string;
  try {
    if (fs.statSync(file).isDirectory()) throw patternError(whole, `"@${file}" is a directory, not a file`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InventoryError) throw e;
    throw patternError(
      whole,
      `cannot read host file "${file}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      'a "@FILE" pattern names a file with one host per line, such as PLAYBOOK.retry',
    );
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Hosts matched by one term (no & or ! prefix). */
function matchTerm(inv: InventoryData, term: string, whole: string): string[] {
  if (term.startsWith('@')) {
    const names = readLimitFile(term.slice(1), whole);
    return names.flatMap((n) => (inv.hosts.has(n) ? [n] : matchTerm(inv, n, whole)));
  }
  if (inv.hosts.has(term) && !inv.groups.has(term)) return [term];
  let base = term;
  let sub: { start: number; end?: number } | undefined;
  const m = term.startsWith('~') ? null : SUBSCRIPT.exec(term);
  if (m) {
    base = m[1]!;
    if (m[2] !== undefined) sub = { start: Number(m[2]) };
    else sub = { start: Number(m[3]), end: m[5] !== undefined ? Number(m[5]) : -1 };
  }
  if (base === '*' || base === 'all') {
    const all = inv.groupHosts('all');
    return sub ? applySubscript(all, sub.start, sub.end === -1 ? all.length - 1 : sub.end) : all;
  }
  const test = matcher(base, whole);
  const results: string[] = [];
  const seen = new Set<string>();
  const add = (h: string) => {
    if (!seen.has(h)) {
      seen.add(h);
      results.push(h);
    }
  };
  const groups = [...inv.groups.keys()].filter(test);
  for (const g of groups) inv.groupHosts(g).forEach(add);
  const special = base.startsWith('~') || /[.?*[]/.test(base);
  if (groups.length === 0 || special) {
    for (const h of inv.hosts.keys()) if (!inv.implicitHosts.has(h) && test(h)) add(h);
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(base)) add(inv.implicitLocalhost(base));
  if (results.length === 0 && groups.length === 0)
    inv.warnings.push(`could not match host pattern "${term}", ignoring it`);
  if (!sub) return results;
  return applySubscript(results, sub.start, sub.end === -1 ? results.length - 1 : sub.end);
}

/** Resolve a pattern to host names in inventory order. */
export function selectHosts(inv: InventoryData, pattern: string): string[] {
  if (typeof pattern !== 'string') throw patternError(String(pattern), 'not a string');
  const terms = splitPattern(pattern);
  for (const t of terms) {
    if (t === '&' || t === '!' || t === '@' || t === '~')
      throw patternError(pattern, `"${t}" needs a name after it`);
  }
  const plain = terms.filter((t) => t[0] !== '&' && t[0] !== '!');
  const ands = terms.filter((t) => t[0] === '&');
  const nots = terms.filter((t) => t[0] === '!');
  if (plain.length === 0 && terms.length > 0) plain.push('all');
  let hosts: string[] = [];
  const have = new Set<string>();
  for (const t of plain) {
    for (const h of matchTerm(inv, t, pattern)) {
      if (!have.has(h)) {
        have.add(h);
        hosts.push(h);
      }
    }
  }
  for (const t of ands) {
    const that = new Set(matchTerm(inv, t.slice(1), pattern));
    hosts = hosts.filter((h) => that.has(h));
  }
  for (const t of nots) {
    const that = new Set(matchTerm(inv, t.slice(1), pattern));
    hosts = hosts.filter((h) => !that.has(h));
  }
  return inv.inOrder(hosts);
}
