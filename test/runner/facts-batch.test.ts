import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execCommand } from '../../src/command';
import { fileContent, fileStat } from '../../src/facts/file';
import type { Fact } from '../../src/facts/types';
import { askFacts, batchScript } from '../../src/runner/facts-batch';
import { FactsCache } from '../../src/runner/facts-cache';
import { LocalTransport } from '../../src/transport/local';

const t = new LocalTransport('localhost');
let dir = '';
test.before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-fbatch-'));
  writeFileSync(path.join(dir, 'a'), 'alpha\n');
  writeFileSync(path.join(dir, 'b'), Buffer.from([0, 1, 2, 255]));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const raw = (name: string, script: string): Fact<string> => ({
  key: `t:${name}`,
  command: execCommand(script, script),
  parse: (stdout, r) => JSON.stringify([stdout, r.stderr, r.code]),
});

test('each fact gets its own stdout, stderr and exit code, exactly as when asked alone', async () => {
  const facts: Fact<unknown>[] = [
    fileStat(path.join(dir, 'a')),
    fileStat(path.join(dir, 'missing')),
    fileContent(path.join(dir, 'b')),
    raw('noeol', 'printf x; echo err >&2; exit 3'),
    raw('exit', 'echo out; exit 0; echo never'),
    ...Array.from({ length: 10 }, (_, i) => raw(`n${i}`, `echo ${i}`)),
  ];
  const alone = await Promise.all(
    facts.map(async (f) => {
      const r = await t.exec(f.command);
      return f.parse(r.stdout, r);
    }),
  );
  const { cmd, split } = batchScript(facts);
  const rs = split(await t.exec(cmd));
  assert.equal(
    facts.map((f, i) => f.parse(rs[i]!.stdout, rs[i]!)),
    alone,
  );
});

test('askFacts: one exec for the uncached ones, cached afterwards, same values', async () => {
  const cache = new FactsCache();
  const execs: string[] = [];
  const run = (c: Parameters<typeof t.exec>[0]) => {
    execs.push(c.display);
    return t.exec(c);
  };
  const fs = [fileStat(path.join(dir, 'a')), fileContent(path.join(dir, 'a')), raw('x', 'echo x')] as const;
  const got = await askFacts(cache, fs, run);
  assert.is(execs.length, 1);
  assert.is((got[1] as { content: Buffer }).content.toString(), 'alpha\n');
  await askFacts(cache, fs, run);
  assert.is(execs.length, 1, 'nothing asked twice');
});

test.run();
