/**
 * Property tests (fast-check): any input to the inventory parsers (INI, YAML), the host pattern language,
 * the template layer and the YAML loader either loads or is refused with the project's own located error
 * (file:line:col inside the input; a vault error is a located PlaybookError, exit 4 as well) — never another exception, a hang or a stack overflow — within a bound.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryError, PlaybookError, RemediateError, type SourceLoc } from '../../src/errors';
import { InventoryData } from '../../src/inventory';
import { selectHosts } from '../../src/inventory/host-patterns';
import { parseIniInventory } from '../../src/inventory/ini-parser';
import { parseYamlInventory, parseYamlVars } from '../../src/inventory/yaml-parser';
import { YamlSource } from '../../src/playbook/yaml-source';
import { Templar } from '../../src/template';
import { bounded, iniText, patternText, RUNS, templateText, yamlText } from './arbitraries';

const counts: Record<string, { runs: number; loaded: number; refused: number }> = {};

/** The located-error contract: the input loads, or the error is `Kind` with a location inside `text`. */
function locatedOrLoaded(
  name: string,
  text: string,
  f: () => unknown,
  kinds: (new (...a: never[]) => RemediateError)[],
  file: string,
): void {
  const c = (counts[name] ??= { runs: 0, loaded: 0, refused: 0 });
  c.runs++;
  try {
    bounded(f);
    c.loaded++;
  } catch (e) {
    if (!kinds.some((k) => e instanceof k))
      throw new Error(
        `${name}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for ${JSON.stringify(text)}`,
      );
    c.refused++;
    const loc = (e as { loc?: SourceLoc }).loc;
    if (!loc) return; // file-level errors (e.g. not a mapping of groups at line 1) may omit it
    assert.is(loc.file, file);
    const lines = text.split('\n').length + 1;
    assert.ok(
      loc.line >= 1 && loc.line <= lines,
      `${name}: line ${loc.line} outside the input (${lines} lines)`,
    );
    assert.ok(loc.col >= 1, `${name}: col ${loc.col}`);
  }
}

test('INI inventory parser: loads or a located InventoryError', () => {
  fc.assert(
    fc.property(iniText, (t) =>
      locatedOrLoaded(
        'INI inventory',
        t,
        () => parseIniInventory(t, 'inv.ini', new InventoryData()),
        [InventoryError],
        'inv.ini',
      ),
    ),
    { numRuns: RUNS },
  );
});

test('YAML inventory parser: loads or a located InventoryError', () => {
  fc.assert(
    fc.property(yamlText, (t) =>
      locatedOrLoaded(
        'YAML inventory',
        t,
        () => parseYamlInventory(t, 'inv.yml', new InventoryData()),
        [InventoryError, PlaybookError],
        'inv.yml',
      ),
    ),
    { numRuns: RUNS },
  );
});

test('group/host vars loader: loads or a located InventoryError', () => {
  fc.assert(
    fc.property(yamlText, (t) =>
      locatedOrLoaded(
        'vars file',
        t,
        () => parseYamlVars(t, 'vars.yml'),
        [InventoryError, PlaybookError],
        'vars.yml',
      ),
    ),
    { numRuns: RUNS },
  );
});

test('YAML loader (playbooks): loads or a located PlaybookError', () => {
  fc.assert(
    fc.property(yamlText, (t) =>
      locatedOrLoaded('YAML loader', t, () => YamlSource.parse('play.yml', t), [PlaybookError], 'play.yml'),
    ),
    { numRuns: RUNS },
  );
});

test('host patterns: a subset of the inventory, or an InventoryError', () => {
  const inv = new InventoryData();
  parseIniInventory('[web]\nweb1\nweb2\n[db]\ndb1\n[all:children]\nweb\ndb\n', 'inv.ini', inv);
  const all = new Set(inv.hosts.keys());
  fc.assert(
    fc.property(patternText, (p) => {
      const c = (counts['host patterns'] ??= { runs: 0, loaded: 0, refused: 0 });
      c.runs++;
      try {
        const hosts = bounded(() => selectHosts(inv, p));
        c.loaded++;
        for (const h of hosts)
          assert.ok(all.has(h) || ['localhost', '127.0.0.1', '::1'].includes(h), `${p} -> ${h}`);
      } catch (e) {
        if (!(e instanceof InventoryError))
          throw new Error(`${p}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
        c.refused++;
      }
    }),
    { numRuns: RUNS },
  );
});

test('template layer: renders or a RemediateError (TemplateError), never another exception', () => {
  const templar = new Templar();
  const vars = { x: [1, 2], y: { z: 'v' }, s: 'text' };
  fc.assert(
    fc.property(templateText, (t) => {
      const c = (counts['templates'] ??= { runs: 0, loaded: 0, refused: 0 });
      c.runs++;
      try {
        bounded(() => templar.renderString(t, vars));
        c.loaded++;
      } catch (e) {
        if (!(e instanceof RemediateError))
          throw new Error(
            `${JSON.stringify(t)}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`,
          );
        c.refused++;
      }
    }),
    { numRuns: RUNS },
  );
});

test.after(() => {
  process.stdout.write(`property runs: ${JSON.stringify(counts)}\n`);
});

test.run();
