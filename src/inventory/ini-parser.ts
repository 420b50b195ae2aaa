/**
 * Ansible's INI inventory format: `[group]` host lines with inline `key=value` vars (shell-quoted,
 * values typed as Python literals), `[group:vars]` (one `key = value` a line, the whole rest of the line
 * is the value), `[group:children]`, hosts before any section go to `ungrouped`, ranges and `host:port`.
 * Errors name file:line:col of the bad token.
 */
import { InventoryError } from '../errors';
import { connectionVarProblem } from './connection-vars';
import type { InventoryData } from './inventory-data';
import { expandHostRange, HostRangeError, splitHostPort } from './host-ranges';
import { parseIniValue } from './python-literal';
import { ShlexError, shlexSplit, type ShlexToken } from '../shlex';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

/** Parse INI inventory text into `inv`. Group names already in `inv` count as defined. */
export function parseIniInventory(text: string, file: string, inv: InventoryData): void {
  const lines = text.split(/\r?\n/);
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  const err = (msg: string, line: number, col: number, hint?: string) =>
    new InventoryError(msg, { file, line, col: col + 1 }, { hint });
  /** Groups referenced by [x:vars] or [y:children] but not (yet) defined, with where. */
  const pending = new Map<string, { line: number; col: number; msg: string }>();
  const defined = new Set<string>(inv.groups.keys());
  const define = (g: string) => {
    defined.add(g);
    pending.delete(g);
  };

  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const line = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    const lineNo = n + 1;
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;

    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      if (!m)
        throw err(
          `invalid section header "${line}"`,
          lineNo,
          indent,
          'a section is [group], [group:vars] or [group:children]; group names have no spaces or colons',
        );
      group = m[1]!;
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children')
        throw err(
          `section [${group}:${kind}] has unknown type "${kind}"`,
          lineNo,
          indent + group.length + 2,
          'use [group], [group:vars] or [group:children]',
        );
      state = kind;
      if (state === 'vars') {
        if (!defined.has(group) && !pending.has(group))
          pending.set(group, {
            line: lineNo,
            col: indent + 1,
            msg: `section [${group}:vars] is for an undefined group "${group}"`,
          });
      } else define(group);
      inv.addGroup(group);
      continue;
    }

    if (state === 'hosts') {
      let tokens: ShlexToken[];
      try {
        tokens = shlexSplit(raw, { comments: true });
      } catch (e) {
        if (e instanceof ShlexError) throw err(`cannot parse host line: ${e.message}`, lineNo, e.col);
        throw e;
      }
      if (tokens.length === 0) continue;
      const first = tokens[0]!;
      const { host, port } = splitHostPort(first.text);
      let names: string[];
      try {
        names = expandHostRange(host, first.col);
      } catch (e) {
        if (e instanceof HostRangeError) throw err(e.message, lineNo, e.offset);
        throw e;
      }
      const badName = names.find((n) => n === '' || /[\s[\]]/.test(n));
      if (badName !== undefined)
        throw err(
          `invalid host name "${badName}"`,
          lineNo,
          first.col,
          'a host is a name or address, or a range like web[01:20]',
        );
      const vars: Record<string, unknown> = {};
      if (port !== undefined) vars.ansible_port = port;
      const portProblem = port !== undefined && connectionVarProblem('ansible_port', port);
      if (portProblem) throw err(portProblem.msg, lineNo, first.col, portProblem.hint);
      for (const t of tokens.slice(1)) {
        const eq = t.text.indexOf('=');
        if (eq <= 0)
          throw err(
            `expected key=value host variable, got "${t.text}"`,
            lineNo,
            t.col,
            'quote values that contain spaces: key="a b"',
          );
        const key = t.text.slice(0, eq);
        vars[key] = parseIniValue(t.text.slice(eq + 1));
        const bad = connectionVarProblem(key, vars[key]);
        if (bad) throw err(bad.msg, lineNo, t.col + eq + 1, bad.hint);
      }
      for (const name of names) {
        inv.addHost(name, group, file);
        if (Object.keys(vars).length) inv.setHostVars(name, vars);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0)
        throw err(
          `expected key=value in [${group}:vars], got "${line}"`,
          lineNo,
          indent,
          'one "key = value" a line; the whole rest of the line is the value',
        );
      const key = line.slice(0, eq).trim();
      if (!key) throw err(`missing variable name before "="`, lineNo, indent);
      const value = parseIniValue(line.slice(eq + 1).trim());
      const bad = connectionVarProblem(key, value);
      if (bad) {
        const after = raw.slice(raw.indexOf('=') + 1);
        throw err(bad.msg, lineNo, raw.length - after.trimStart().length, bad.hint);
      }
      inv.setGroupVars(group, { [key]: value });
    } else {
      const tokens = line.split(/\s+/);
      const child = tokens[0]!.replace(/[#;].*$/, '');
      if (!child || /[:[\]]/.test(child))
        throw err(`invalid child group name "${tokens[0]}"`, lineNo, indent);
      if (!defined.has(child) && !pending.has(child))
        pending.set(child, {
          line: lineNo,
          col: indent + 1,
          msg: `section [${group}:children] includes undefined group "${child}"`,
        });
      const cyc = inv.addChild(group, child);
      if (cyc) throw err(cyc, lineNo, indent);
    }
  }
  for (const [, p] of pending) {
    throw new InventoryError(
      p.msg,
      { file, line: p.line, col: p.col },
      {
        hint: 'define the group with a [group] section (it may be empty) before or after this one',
      },
    );
  }
}
