/**
 * Dependencies point down: every import in src/ (static, type-only, require() and import()) goes from a
 * higher layer to a lower one in LAYERS — from the CLI toward the transports and the shared leaves —
 * and no module imports itself back at run time (no cycles). A new area of src/ must be placed in LAYERS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SRC = path.resolve(__dirname, '../src');

/** Highest first. An area may import the areas below it, never those above or beside it. */
const LAYERS: string[][] = [
  ['cli'],
  ['lab'],
  ['report'],
  ['runner'],
  ['playbook'],
  ['modules'],
  ['x509'],
  ['facts'],
  ['template'],
  ['inventory'],
  ['transport'],
  // shared pieces: events carry plan steps; plan steps carry commands
  ['events'],
  ['plan'],
  // vault decryption and the run's secret values: used by loaders, runner and reporters alike
  ['vault', 'secrets'],
  // Python's word splitter and PyYAML's reading/writing (py-yaml uses yaml-guard's limits)
  ['shlex', 'py-yaml'],
  // leaves: shared pieces that import nothing of ours
  ['command', 'errors', 'abort', 'suggest', 'py-json', 'yaml-guard', 'zod-lazy-locales'],
];

/**
 * Known upward imports, each with the reason it still exists. Delete an entry when its import goes away.
 */
const EXCEPTIONS: Record<string, string> = {};

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
}

const IMPORT_RE =
  /^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|\brequire\('(\.[^']+)'\)|\bimport\('(\.[^']+)'\)/gm;

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[2] ?? m[3] ?? m[4]!;
    const to = resolveImport(file, spec);
    if (!to) throw new Error(`${path.relative(SRC, file)}: cannot resolve '${spec}'`);
    // `typeof import('../x')` in a type position is no run-time dependency either
    const typeOnly = m[1] !== undefined || (m[4] !== undefined && /typeof\s+$/.test(text.slice(0, m.index)));
    out.push({ from: file, to, typeOnly });
  }
  return out;
}

/** `src/runner/x.ts` → `runner`; `src/events.ts` → `events`. */
function areaOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.ts$/, '');
}

function rankOf(area: string): number {
  return LAYERS.findIndex((l) => l.includes(area));
}

const files = sourceFiles(SRC);
const imports = files.flatMap(importsOf);

test('the import scanner sees the imports (sanity)', () => {
  assert.ok(files.length > 100, `only ${files.length} files under src/`);
  assert.ok(imports.some((i) => areaOf(i.from) === 'runner' && areaOf(i.to) === 'transport'));
  assert.ok(imports.some((i) => areaOf(i.from) === 'cli' && areaOf(i.to) === 'runner'));
});

test('every area of src/ has its place in LAYERS', () => {
  const unplaced = [...new Set(files.map(areaOf))].filter((a) => rankOf(a) < 0);
  assert.equal(unplaced, [], `place these in LAYERS (test/import-graph.test.ts): ${unplaced.join(', ')}`);
});

test('no import points up (or sideways between areas of one layer)', () => {
  const bad: string[] = [];
  for (const i of imports) {
    const a = areaOf(i.from);
    const b = areaOf(i.to);
    if (a === b || rankOf(b) > rankOf(a) || `${a} -> ${b}` in EXCEPTIONS) continue;
    bad.push(`${path.relative(SRC, i.from)} imports ${path.relative(SRC, i.to)} (${a} -> ${b})`);
  }
  assert.equal(bad, [], `upward imports:\n${bad.join('\n')}`);
});

test('no import cycle between modules at run time', () => {
  const graph = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const i of imports) if (!i.typeOnly) graph.get(i.from)!.push(i.to);
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, trail: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      const loop = [...trail.slice(trail.indexOf(f)), f];
      cycles.push(loop.map((x) => path.relative(SRC, x)).join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const t of graph.get(f)!) visit(t, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.equal(cycles, [], `cycles:\n${cycles.join('\n')}`);
});

test.run();
