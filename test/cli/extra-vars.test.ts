import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors';
import { mergeExtraVars, parseExtraVars } from '../../src/cli/extra-vars';

test('key=value pairs stay strings, shell quoting honoured', () => {
  assert.equal(parseExtraVars(`a=1 b='x y' c="q=r" d=`), { a: '1', b: 'x y', c: 'q=r', d: '' });
});

test('JSON and YAML flow mappings keep their types', () => {
  assert.equal(parseExtraVars('{"n": 1, "l": [true, null], "s": "x"}'), { n: 1, l: [true, null], s: 'x' });
  assert.equal(parseExtraVars('{num: 2, ip: 10.254.0.1}'), { num: 2, ip: '10.254.0.1' });
});

test('@file: YAML or JSON, relative to cwd; later -e win', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ev-'));
  try {
    fs.writeFileSync(path.join(dir, 'v.yml'), 'service_ip: 10.254.0.1\nsans: [kubernetes, kube01]\n');
    assert.equal(parseExtraVars('@v.yml', dir), { service_ip: '10.254.0.1', sans: ['kubernetes', 'kube01'] });
    assert.equal(mergeExtraVars(['@v.yml', 'service_ip=x', '{"k": 1}'], dir), {
      service_ip: 'x',
      sans: ['kubernetes', 'kube01'],
      k: 1,
    });
    assert.throws(
      () => parseExtraVars('@missing.yml', dir),
      (e: unknown) => e instanceof UsageError && e.exitCode === 5,
    );
    fs.writeFileSync(path.join(dir, 'bad.yml'), 'a: [1\n');
    assert.throws(() => parseExtraVars('@bad.yml', dir), /bad\.yml:\d+:\d+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('malformed -e is a usage error (exit 5)', () => {
  for (const bad of ['novalue', '=x', '[1, 2]', '{"a": ', "a='open"]) {
    assert.throws(
      () => parseExtraVars(bad),
      (e: unknown) => e instanceof UsageError && e.exitCode === 5,
      bad,
    );
  }
});

test.run();
