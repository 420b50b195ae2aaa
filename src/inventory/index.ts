/**
 * Ansible-compatible inventories (INI, YAML, JSON in `ansible-inventory --list` form, executable inventory
 * scripts, directories, host_vars/group_vars). Owned by the inventory area.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeText, TextDecodeError } from '../yaml-guard';
import { InventoryError } from '../errors';
import { InventoryData } from './inventory-data';
import { parseIniInventory } from './ini-parser';
import { isInventoryScript, loadInventoryScript, loadListJsonFile } from './script-inventory';
import { applyVarsDirs } from './vars-dirs';
import { parseYamlInventory } from './yaml-parser';
import type { Inventory } from './types';

export { InventoryData } from './inventory-data';
export { splitPattern } from './host-patterns';
export { parseIniValue } from './python-literal';

export interface LoadInventoryOptions {
  /**
   * The playbook's directory: its `group_vars/` and `host_vars/` apply on top of the inventory's, as in
   * Ansible ("playbook group_vars" beat "inventory group_vars").
   */
  playbookDir?: string;
}

/**
 * Files skipped in an inventory directory: Ansible 2.14's default INVENTORY_IGNORE_EXTS (`ansible-config
 * dump`: .pyc .pyo .swp .bak ~ .rpm .md .txt .rst .orig .ini .cfg .retry).
 */
const IGNORED = /(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;
const VARS_DIRS = new Set(['group_vars', 'host_vars']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.') || IGNORED.test(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!VARS_DIRS.has(e.name)) out.push(...sourceFiles(p));
    } else out.push(p);
  }
  return out;
}

function looksLikeYaml(text: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line === '---') continue;
    return /^[^\s[=]+:\s*(#.*)?$/.test(line) || line.startsWith('{');
  }
  return false;
}

function parseFile(file: string, inv: InventoryData): void {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InventoryError(`cannot read inventory ${file}: ${(e as Error).message}`);
  }
  // as Ansible's script plugin: a #! line (or a compiled executable) makes the file a dynamic inventory
  if (isInventoryScript(file, bytes.subarray(0, 4))) return loadInventoryScript(file, inv);
  let text: string;
  try {
    text = decodeText(bytes);
  } catch (e) {
    if (e instanceof TextDecodeError)
      throw new InventoryError(
        e.message,
        { file, line: e.line, col: e.col },
        { hint: 'save the file as UTF-8' },
      );
    throw e;
  }
  const ext = path.extname(file).toLowerCase();
  // `ansible-inventory --list` output (or a script's, saved) is read as the script plugin reads it
  if ((ext === '.json' || text.trimStart().startsWith('{')) && loadListJsonFile(text, file, inv)) return;
  if (ext === '.yml' || ext === '.yaml' || ext === '.json' || (ext !== '.ini' && looksLikeYaml(text)))
    parseYamlInventory(text, file, inv);
  else parseIniInventory(text, file, inv);
}

/**
 * Load one or more inventory sources (files or directories), merged in order. A source that is not a
 * path but contains a comma is a host list (`web1,web2,`). With no sources, the implicit inventory:
 * just `localhost` with `ansible_connection=local`. Throws InventoryError (exit 4).
 */
export async function loadInventory(sources: string[], opts: LoadInventoryOptions = {}): Promise<Inventory> {
  return loadInventorySync(sources, opts);
}

/** Synchronous `loadInventory`, returning the concrete InventoryData (for the CLI's `inventory` command). */
export function loadInventorySync(sources: string[], opts: LoadInventoryOptions = {}): InventoryData {
  const inv = new InventoryData();
  const bases: string[] = [];
  if (sources.length === 0) {
    inv.addHost('localhost');
    inv.setHostVars('localhost', { ansible_connection: 'local' });
  }
  for (const src of sources) {
    const abs = path.resolve(src);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      st = undefined;
    }
    if (!st) {
      if (src.includes(',')) {
        for (const h of src
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean))
          inv.addHost(h);
        continue;
      }
      throw new InventoryError(`inventory source "${src}" does not exist`, undefined, {
        hint: 'pass an INI or YAML file, a directory of them, or a host list ending in a comma ("web1,")',
      });
    }
    if (st.isDirectory()) {
      for (const f of sourceFiles(abs)) parseFile(f, inv);
      bases.push(abs);
    } else {
      parseFile(abs, inv);
      bases.push(path.dirname(abs));
    }
  }
  for (const b of [...new Set(bases)]) applyVarsDirs(inv, b, 'inventory-dir');
  if (opts.playbookDir) applyVarsDirs(inv, path.resolve(opts.playbookDir), 'playbook-dir');
  return inv.finalize();
}
