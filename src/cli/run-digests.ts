/**
 * Digests a run journal keeps so `runs resume` can refuse to continue a run whose inputs changed:
 * the playbook (the file and the task/vars YAML beside it, two levels deep), the templates
 * (`templates/` beside the playbook or in its parent directory) and the inventory sources (files, and
 * directories with their group_vars/host_vars). sha256 over sorted relative paths and contents.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunDigests } from '../report/run-journal';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.remediate']);

function walk(dir: string, depth: number, keep: (f: string) => boolean, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth > 0 && !SKIP_DIRS.has(e.name)) walk(p, depth - 1, keep, out);
    } else if (e.isFile() && keep(p)) out.push(p);
  }
}

function digestFiles(files: string[], base: string): string {
  const h = createHash('sha256');
  for (const f of [...new Set(files)].sort()) {
    h.update(path.relative(base, f) + '\0');
    try {
      h.update(fs.readFileSync(f));
    } catch {
      h.update('<unreadable>');
    }
    h.update('\0');
  }
  return h.digest('hex');
}

const isYaml = (f: string) => /\.ya?ml$/i.test(f);

export function runDigests(playbookFile: string, inventorySources: string[]): RunDigests {
  const pbDir = path.dirname(playbookFile);
  const pbFiles = [playbookFile];
  walk(pbDir, 2, isYaml, pbFiles);
  const templates: string[] = [];
  for (const d of [path.join(pbDir, 'templates'), path.join(path.dirname(pbDir), 'templates')])
    walk(d, 4, () => true, templates);
  const inv: string[] = [];
  for (const s of inventorySources) {
    if (!fs.existsSync(s)) continue; // a host list "a,b,"
    if (fs.statSync(s).isDirectory()) walk(s, 4, () => true, inv);
    else {
      inv.push(s);
      for (const d of ['group_vars', 'host_vars']) walk(path.join(path.dirname(s), d), 3, () => true, inv);
    }
  }
  return {
    playbook: digestFiles(pbFiles, pbDir),
    templates: digestFiles(templates, path.dirname(pbDir)),
    inventory: digestFiles(inv, '/'),
  };
}
