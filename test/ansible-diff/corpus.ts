/**
 * The differential corpus: which playbooks, and how each is run. Shared by generate.ts (records what
 * ansible-playbook does) and differential.test.ts (runs remediate and compares).
 *
 * A case is a playbook run against inventory.ini (inventory-local.ini for the engine corpus) with `-e out=DIR` (and `-e workdir=DIR` for the engine's
 * corpus in test/fixtures/playbooks). A first line `# args: ...` adds command-line options (only
 * --limit, --tags, --skip-tags, --check, -e K=V are understood). A leading comment line
 * `# inventory: PATH` (relative to cases/) runs the case on that inventory instead.
 */
import fs from 'node:fs';
import path from 'node:path';

export const HERE = __dirname;
export const CASES = path.join(HERE, 'cases');
export const GOLDEN = path.join(HERE, 'golden');
export const INVENTORY = path.join(HERE, 'inventory.ini');
/** The engine corpus writes to one shared work directory: one host only. */
export const LOCAL_INVENTORY = path.join(HERE, 'inventory-local.ini');
export const ENGINE_CORPUS = path.resolve(HERE, '..', 'fixtures', 'playbooks');

export interface Case {
  name: string;
  file: string;
  args: string[];
  inventory: string;
}

export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface RunRecord {
  exitCode: number;
  /** Per host; empty when the playbook did not load. */
  recap: Record<string, Recap>;
  /** Files under out/, path → content ("<dir>" for directories, "-> target" for symlinks). */
  files: Record<string, string>;
}

export interface Golden {
  case: string;
  args: string[];
  first: RunRecord;
  /**
   * set_stats' statistics as the default callback prints them with show_custom_stats (per host, `_run`
   * for the run's own); absent when the playbook sets none.
   */
  customStats?: Record<string, unknown>;
  /** The same playbook again on the same out/: idempotency as Ansible sees it. */
  second: Omit<RunRecord, 'files'>;
}

/** `# inventory: PATH` among the leading comment lines: the case's own inventory (relative to cases/). */
function inventoryOf(file: string, dflt: string): string {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('#')) break;
    const m = /^# inventory: (\S+)\s*$/.exec(line);
    if (m) return path.resolve(CASES, m[1]);
  }
  return dflt;
}

function argsOf(file: string): string[] {
  const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  const m = /^# args: (.*)$/.exec(first);
  return m ? m[1].trim().split(/\s+/) : [];
}

export function listCases(): Case[] {
  const own = fs
    .readdirSync(CASES)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.yml$/, ''),
      file: path.join(CASES, f),
      inventory: inventoryOf(path.join(CASES, f), INVENTORY),
    }));
  const engine = fs
    .readdirSync(ENGINE_CORPUS)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => ({
      name: `engine-${f.replace(/\.yml$/, '')}`,
      file: path.join(ENGINE_CORPUS, f),
      inventory: LOCAL_INVENTORY,
    }));
  return [...own, ...engine].map((c) => ({ ...c, args: argsOf(c.file) }));
}

/** The files a run left under `dir`, as comparable text. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isDirectory()) {
        out[rel] = '<dir>';
        walk(p);
      } else out[rel] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}
