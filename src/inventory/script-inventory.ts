/**
 * Dynamic inventory scripts and the JSON they print, as Ansible's `script` inventory plugin reads them: a
 * source with a `#!` line (or a compiled executable) runs with
 * `--list` and prints `{GROUP: {hosts: [...], vars: {...}, children: [...]} | [hosts...], "_meta":
 * {"hostvars": {HOST: {...}}}}`; without `_meta.hostvars`, `SCRIPT --host HOST` is run for each host. The
 * same JSON in a static `.json` file (what `ansible-inventory --list` prints) is read the same way.
 * Failures are InventoryErrors (exit 4) naming the script, its exit status and stderr, or where the JSON
 * is wrong.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { InventoryError } from '../errors';
import type { InventoryData } from './inventory-data';
import type { Vars } from './types';

/**
 * Is this file an inventory script? `head` is its first bytes. As Ansible: a `#!` line, or an executable.
 * Unlike Ansible, an executable text file without `#!` is read as a static inventory: run, it would go to
 * /bin/sh (execvp's fallback), which would execute an INI file's lines as commands (a host named
 * `reboot`). A compiled executable (ELF) is run.
 */
export function isInventoryScript(file: string, head: Buffer): boolean {
  if (head.subarray(0, 2).toString('latin1') === '#!') return true;
  if (head.subarray(0, 4).toString('latin1') !== '\x7fELF') return false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Does this parsed JSON have the `--list` shape (rather than the YAML inventory's `all: {hosts: {...}}`)? */
export function isListJson(data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const groups = Object.entries(data as Record<string, unknown>);
  if (groups.some(([k]) => k === '_meta')) return true;
  return groups.some(
    ([, g]) =>
      Array.isArray(g) ||
      (g !== null &&
        typeof g === 'object' &&
        (Array.isArray((g as Vars).hosts) || Array.isArray((g as Vars).children))),
  );
}

/** 1-based line and column of a character offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

/** Offset of the first character where `text` stops being JSON (JSON.parse's messages do not always say). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
        text.slice(i, i + 400),
      );
      if (!m) fail();
      i += m![0].length;
    }
  };
  const str = () => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return at as number;
  }
}

/** JSON.parse with the error at a line and column of `text` (`where` names the file or the script's output). */
function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const off = jsonErrorOffset(text);
    const at = off >= 0 ? lineCol(text, off) : undefined;
    const near =
      off >= 0 ? (off < text.length ? `at ${JSON.stringify(text.slice(off, off + 12))}` : 'at the end') : '';
    const msg = text.trim() === '' ? 'nothing was printed' : near || (e as Error).message;
    throw new InventoryError(
      `${where} is not valid JSON: ${msg}${at ? ` (line ${at.line}, column ${at.col} of the output)` : ''}`,
      undefined,
      {
        hint: 'an inventory script prints one JSON object: {"group": {"hosts": [...]}, "_meta": {...}}',
      },
    );
  }
}

/** Where a group's key is in a static file's text (for a located error), else the file's start. */
function keyLoc(
  text: string | undefined,
  file: string,
  key: string,
): { file: string; line: number; col: number } {
  const i = text ? text.indexOf(JSON.stringify(key)) : -1;
  return { file, ...(i >= 0 ? lineCol(text!, i) : { line: 1, col: 1 }) };
}

/**
 * Fill `inv` from `--list` JSON. `hostVars(host)` supplies a host's variables when `_meta.hostvars` is
 * absent (the script's `--host`). `text` (a static file's content) is used to locate errors.
 */
export function addListJson(
  data: unknown,
  inv: InventoryData,
  src: { file: string; what: string; text?: string },
  hostVars?: (host: string) => Vars,
): void {
  const fail = (msg: string, key: string, hint: string): never => {
    throw new InventoryError(`${src.what}: ${msg}`, keyLoc(src.text, src.file, key), { hint });
  };
  if (!data || typeof data !== 'object' || Array.isArray(data))
    fail(
      'needs to be a JSON object of groups',
      '',
      'print {"group": {"hosts": ["h1"]}, "_meta": {"hostvars": {}}}',
    );
  const hosts: string[] = [];
  let meta: Record<string, unknown> | undefined;
  for (const [name, raw] of Object.entries(data as Record<string, unknown>)) {
    if (name === '_meta') {
      const hv = raw && typeof raw === 'object' ? (raw as Vars).hostvars : undefined;
      if (hv !== undefined) {
        if (!hv || typeof hv !== 'object' || Array.isArray(hv))
          fail(
            '"_meta.hostvars" must be an object of host: {vars}',
            '_meta',
            'give {"hostvars": {"h1": {"x": 1}}}',
          );
        meta = hv as Record<string, unknown>;
      }
      continue;
    }
    inv.addGroup(name);
    let g: Vars;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) g = { hosts: raw };
    // neither hosts, vars nor children: Ansible's shorthand for a host of that name with those variables
    else if (!['hosts', 'vars', 'children'].some((k) => k in raw)) g = { hosts: [name], vars: raw };
    else g = raw as Vars;
    if (g.hosts !== undefined && g.hosts !== null) {
      if (!Array.isArray(g.hosts))
        fail(`group "${name}" has bad data for the host list`, name, 'give "hosts": ["h1", "h2"]');
      for (const h of g.hosts as unknown[]) {
        const host = String(h);
        if (!inv.hosts.has(host)) hosts.push(host);
        inv.addHost(host, name, src.file);
      }
    }
    if (g.vars !== undefined && g.vars !== null) {
      if (typeof g.vars !== 'object' || Array.isArray(g.vars))
        fail(`group "${name}" has bad data for variables`, name, 'give "vars": {"key": "value"}');
      inv.setGroupVars(name, g.vars as Vars);
    }
    if (g.children !== undefined && g.children !== null) {
      const kids = Array.isArray(g.children)
        ? g.children
        : typeof g.children === 'object'
          ? Object.keys(g.children)
          : fail(`group "${name}" has bad data for children`, name, 'give "children": ["group1"]');
      for (const c of kids as unknown[]) {
        const cyc = inv.addChild(name, String(c));
        if (cyc) fail(cyc, name, 'remove the loop between the groups');
      }
    }
  }
  for (const h of hosts) {
    let vars: unknown;
    if (meta) vars = meta[h] ?? {};
    else vars = hostVars ? hostVars(h) : {};
    if (!vars || typeof vars !== 'object' || Array.isArray(vars))
      fail(`the variables of host "${h}" are not an object`, h, 'give {"h1": {"key": "value"}}');
    if (Object.keys(vars as Vars).length) inv.setHostVars(h, vars as Vars);
  }
}

/** Run the script with `args`; its stdout, or an InventoryError naming the exit status and stderr. */
function runScript(file: string, args: string[]): string {
  const r = spawnSync(file, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 << 20,
  });
  const cmd = [file, ...args].join(' ');
  if (r.error)
    throw new InventoryError(`inventory script ${cmd} could not run: ${r.error.message}`, undefined, {
      hint: 'the script needs a #! line and the execute bit (chmod +x)',
    });
  if (r.status !== 0) {
    const why = r.status === null ? `was killed by ${r.signal}` : `exited ${r.status}`;
    const err = r.stderr.trim();
    throw new InventoryError(`inventory script ${cmd} ${why}${err ? `: ${err}` : ''}`, undefined, {
      hint: `run it by hand: ${cmd}`,
    });
  }
  return r.stdout;
}

/** Run an inventory script (`--list`, then `--host H` per host without `_meta.hostvars`) into `inv`. */
export function loadInventoryScript(file: string, inv: InventoryData): void {
  const out = runScript(file, ['--list']);
  const data = parseJson(out, `the output of ${file} --list`);
  addListJson(data, inv, { file, what: `${file} --list` }, (host) => {
    const text = runScript(file, ['--host', host]);
    if (text.trim() === '') return {};
    return parseJson(text, `the output of ${file} --host ${host}`) as Vars;
  });
}

/** A static `.json` inventory in the `--list` shape; false when the JSON has the YAML inventory's shape. */
export function loadListJsonFile(text: string, file: string, inv: InventoryData): boolean {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return false; // the YAML parser reads it and locates the error
  }
  if (!isListJson(data)) return false;
  addListJson(data, inv, { file, what: file, text });
  return true;
}
