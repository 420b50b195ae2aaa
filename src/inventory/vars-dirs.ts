/**
 * `group_vars/` and `host_vars/` directories beside an inventory source (and beside the playbook): for a
 * group or host NAME, the file `NAME` / `NAME.yml` / `NAME.yaml` / `NAME.json`, or every file under the
 * directory `NAME/` (sorted, recursively), merged in that order. Names without a matching group or host
 * are ignored, as in Ansible.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InventoryError } from '../errors';
import type { InventoryData, VarsLayer } from './inventory-data';
import type { Vars } from './types';
import { decodeText, TextDecodeError } from '../yaml-guard';
import { parseYamlVars } from './yaml-parser';

const VAR_EXTS = ['', '.yml', '.yaml', '.json'];

function isVisible(name: string): boolean {
  return !name.startsWith('.') && !name.endsWith('~') && !/\.(retry|md|bak|swp|orig|txt|rst)$/.test(name);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!isVisible(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (VAR_EXTS.includes(path.extname(e.name)) || !path.extname(e.name)) out.push(p);
  }
  return out;
}

/** The vars files for `name` in `dir` (group_vars or host_vars), in merge order. */
export function varsFilesFor(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const ext of VAR_EXTS) {
    const p = path.join(dir, name + ext);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) found.push(...filesUnder(p));
    else found.push(p);
  }
  return found;
}

function readVars(file: string): Vars {
  let text: string;
  try {
    text = decodeText(fs.readFileSync(file));
  } catch (e) {
    if (e instanceof TextDecodeError)
      throw new InventoryError(
        e.message,
        { file, line: e.line, col: e.col },
        { hint: 'save the file as UTF-8' },
      );
    throw new InventoryError(`cannot read vars file ${file}: ${(e as Error).message}`);
  }
  return parseYamlVars(text, file);
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Apply `base/group_vars` and `base/host_vars` to the inventory at `layer`. */
export function applyVarsDirs(inv: InventoryData, base: string, layer: VarsLayer): void {
  const gdir = path.join(base, 'group_vars');
  if (isDir(gdir)) {
    for (const g of inv.groups.keys()) {
      for (const f of varsFilesFor(gdir, g)) inv.setGroupVars(g, readVars(f), layer);
    }
  }
  const hdir = path.join(base, 'host_vars');
  if (isDir(hdir)) {
    for (const h of inv.hosts.keys()) {
      for (const f of varsFilesFor(hdir, h)) inv.setHostVars(h, readVars(f), layer);
    }
  }
}
