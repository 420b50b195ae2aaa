/**
 * `-e` / `--extra-vars`, as in Ansible: `key=value ...` (shell-quoted, values stay strings), a JSON or
 * YAML mapping (`'{"a": 1}'`), or `@file.yml`. Several `-e` merge in order, later keys winning.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InventoryError, UsageError } from '../errors';
import {
  checkYamlDepth,
  decodeText,
  parseYamlDocument,
  stripBom,
  TextDecodeError,
  YamlLimitError,
  yamlToJs,
} from '../yaml-guard';
import { shlexSplit } from '../shlex';
import { parseYamlVars } from '../inventory/yaml-parser';
import type { Vars } from '../inventory/types';

const HINT = 'use -e key=value, -e \'{"key": "value"}\' or -e @vars.yml';

export function parseExtraVars(arg: string, cwd = process.cwd()): Vars {
  const text = arg.trim();
  if (text.startsWith('@')) {
    const file = path.resolve(cwd, text.slice(1));
    let content: string;
    try {
      content = decodeText(fs.readFileSync(file));
    } catch (e) {
      if (e instanceof TextDecodeError)
        throw new InventoryError(
          e.message,
          { file, line: e.line, col: e.col },
          { hint: 'save the file as UTF-8' },
        );
      throw new UsageError(`-e ${text}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`, {
        hint: HINT,
      });
    }
    return parseYamlVars(stripBom(content), file);
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    let value: unknown;
    let doc;
    try {
      doc = parseYamlDocument(text, { version: '1.1' });
      checkYamlDepth(doc);
      value = doc.errors.length ? undefined : yamlToJs(doc);
    } catch (e) {
      if (!(e instanceof YamlLimitError)) throw e;
      throw new UsageError(`-e: ${e.message} (at character ${e.offset + 1})`, { hint: e.hint });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new UsageError(
        `-e ${text}: not a JSON/YAML mapping${doc.errors[0] ? ` (${doc.errors[0].message.split('\n')[0]})` : ''}`,
        { hint: HINT },
      );
    return value as Vars;
  }
  if (!text) return {};
  const out: Vars = {};
  let tokens;
  try {
    tokens = shlexSplit(text);
  } catch (e) {
    throw new UsageError(`-e ${text}: ${(e as Error).message}`, { hint: HINT });
  }
  for (const t of tokens) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) throw new UsageError(`-e ${text}: expected key=value, got "${t.text}"`, { hint: HINT });
    out[t.text.slice(0, eq)] = t.text.slice(eq + 1);
  }
  return out;
}

/** Merge every `-e` in order. */
export function mergeExtraVars(args: string[], cwd = process.cwd()): Vars {
  return Object.assign({}, ...args.map((a) => parseExtraVars(a, cwd))) as Vars;
}
