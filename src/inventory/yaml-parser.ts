/**
 * Ansible's YAML inventory format: top-level group names mapping to `{hosts, vars, children}`, hosts
 * mapping to their vars (or null), children nesting groups the same way. Parsed with the `yaml` package
 * (YAML 1.1 like Ansible's PyYAML: `yes`/`no` are booleans), so errors carry file:line:col.
 */
import { didYouMean } from '../suggest';
import { isMap, isScalar, LineCounter, type Document, type Node } from 'yaml';
import { InventoryError } from '../errors';
import { connectionVarProblem } from './connection-vars';
import {
  checkYamlDepth,
  lineColAt,
  markUnsafe,
  parseYamlDocument,
  pyyamlTags,
  stripBom,
  UNSAFE_TAG,
  YamlLimitError,
  yamlToJs,
} from '../yaml-guard';
import type { InventoryData } from './inventory-data';
import { expandHostRange, HostRangeError, splitHostPort } from './host-ranges';
import type { Vars } from './types';
import { decryptVaultFile, decryptVaultValues, revealValues, VAULT_TAG } from '../vault/yaml-vault';

interface Ctx {
  file: string;
  /** The text parsed (BOM stripped). */
  text: string;
  doc: Document;
  lc: LineCounter;
  inv: InventoryData;
}

function locOf(ctx: Ctx, node: Node | null | undefined, offset = 0) {
  const pos = node?.range ? ctx.lc.linePos(node.range[0] + offset) : { line: 1, col: 1 };
  return { file: ctx.file, line: pos.line, col: pos.col };
}

function fail(ctx: Ctx, node: Node | null | undefined, msg: string, hint?: string): never {
  throw new InventoryError(msg, locOf(ctx, node), { hint });
}

function keyName(ctx: Ctx, key: unknown): string {
  if (isScalar(key) && key.value !== null && typeof key.value !== 'object') return String(key.value);
  fail(ctx, key as Node, 'expected a plain name as the key');
}

/**
 * Parse a YAML vars file (host_vars/group_vars, `-e @file`) to a mapping; errors located. A file encrypted
 * with ansible-vault is decrypted (all its values are then secret), `!vault` values too.
 */
export function parseYamlVars(text: string, file: string): Vars {
  const plain = decryptVaultFile(text, file);
  const ctx = parseContext(plain.text, file);
  const { doc } = ctx;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return {};
  if (!isMap(doc.contents))
    fail(ctx, doc.contents, 'a vars file must be a mapping of variable names to values');
  checkVarsNode(ctx, doc.contents);
  const vars = guarded(ctx, () => yamlToJs(doc)) as Vars;
  if (plain.revealed) revealValues(vars);
  return vars;
}

/** A located error for a connection variable with a bad value (ansible_port: abc) in a mapping node. */
function checkVarsNode(ctx: Ctx, node: unknown): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) fail(ctx, pair.key as Node, 'expected a plain name as the key');
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const bad = connectionVarProblem(String(pair.key.value), value);
    if (bad) fail(ctx, (pair.value ?? pair.key) as Node, bad.msg, bad.hint);
  }
}

/** Runs `f`, turning a YAML limit (depth, alias expansion) into a located InventoryError. */
function guarded<T>(ctx: Ctx, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof YamlLimitError)) throw e;
    throw new InventoryError(
      e.message,
      { file: ctx.file, ...lineColAt(ctx.text, e.offset) },
      { hint: e.hint },
    );
  }
}

function throwYamlErrors(ctx: Ctx): void {
  guarded(ctx, () => checkYamlDepth(ctx.doc));
  const e = ctx.doc.errors[0];
  if (!e) return;
  const pos = ctx.lc.linePos(e.pos[0]);
  throw new InventoryError(
    e.message.split('\n')[0]!,
    { file: ctx.file, line: pos.line, col: pos.col },
    { hint: 'fix the YAML syntax (indentation, quoting, ":" after keys)' },
  );
}

/** How Python names the type of a YAML value Ansible's loader gives (for its warning texts). */
function pythonType(node: Node): string {
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'boolean') return "<class 'bool'>";
    if (typeof v === 'number')
      return Number.isInteger(v) && !/[.eE]/.test(node.source ?? '') ? "<class 'int'>" : "<class 'float'>";
    return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
  }
  return "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>";
}

function groupEntry(ctx: Ctx, name: string, nameNode: Node, value: unknown): void {
  const inv = ctx.inv;
  if (/[\s:[\]]/.test(name) || name === '')
    fail(ctx, nameNode, `invalid group name "${name}"`, 'group names have no spaces, colons or brackets');
  inv.addGroup(name);
  if (value === null || value === undefined || (isScalar(value) && value.value === null)) return;
  if (!isMap(value))
    fail(ctx, value as Node, `group "${name}" must be a mapping with hosts, vars and/or children`);
  for (const pair of value.items) {
    const section = keyName(ctx, pair.key);
    const body = pair.value as Node | null;
    if (body === null || (isScalar(body) && body.value === null)) continue;
    if (section !== 'hosts' && section !== 'vars' && section !== 'children') {
      // Ansible skips the key with a warning (its text), and goes on; ours also says where it is
      const at = locOf(ctx, pair.key as Node);
      const where = ` (${at.file}:${at.line}:${at.col}${didYouMean(section, ['hosts', 'vars', 'children'])})`;
      ctx.inv.warnings.push(
        isMap(body)
          ? `Skipping unexpected key (${section}) in group (${name}), only "vars", "children" and "hosts" are valid${where}`
          : `Skipping key (${section}) in group (${name}) as it is not a mapping, it is a ${pythonType(body)}${where}`,
      );
      continue;
    }
    if (isScalar(body) && typeof body.value === 'string' && section !== 'vars') {
      // `hosts: web1` is allowed as shorthand for a one-entry mapping
      if (section === 'hosts') hostEntry(ctx, name, body.value, body, null);
      else {
        const cyc = inv.addChild(name, body.value);
        if (cyc) fail(ctx, body, cyc);
      }
      continue;
    }
    if (!isMap(body))
      fail(ctx, body, `"${section}" of group "${name}" must be a mapping, not a ${typeof body.toJSON()}`);
    if (section === 'vars') {
      checkVarsNode(ctx, body);
      inv.setGroupVars(name, guarded(ctx, () => yamlToJs(ctx.doc, body)) as Vars);
    } else if (section === 'children') {
      for (const p of body.items) {
        const child = keyName(ctx, p.key);
        groupEntry(ctx, child, p.key as Node, p.value);
        const cyc = inv.addChild(name, child);
        if (cyc) fail(ctx, p.key as Node, cyc);
      }
    } else {
      for (const p of body.items) hostEntry(ctx, name, keyName(ctx, p.key), p.key as Node, p.value);
    }
  }
}

function hostEntry(ctx: Ctx, group: string, pattern: string, keyNode: Node, value: unknown): void {
  const { host, port } = splitHostPort(pattern);
  let names: string[];
  try {
    names = expandHostRange(host);
  } catch (e) {
    if (e instanceof HostRangeError) {
      const loc = locOf(ctx, keyNode, e.offset);
      throw new InventoryError(e.message, loc);
    }
    throw e;
  }
  let vars: Vars = {};
  if (value !== null && value !== undefined && !(isScalar(value) && value.value === null)) {
    if (!isMap(value))
      fail(ctx, value as Node, `host "${pattern}" must map to its variables (a mapping) or nothing`);
    checkVarsNode(ctx, value);
    vars = guarded(ctx, () => yamlToJs(ctx.doc, value)) as Vars;
  }
  if (port !== undefined) vars = { ansible_port: port, ...vars };
  for (const n of names) {
    ctx.inv.addHost(n, group, ctx.file);
    if (Object.keys(vars).length) ctx.inv.setHostVars(n, vars);
  }
}

/** Parse YAML (or JSON) inventory text into `inv`. */
export function parseYamlInventory(text: string, file: string, inv: InventoryData): void {
  const ctx = parseContext(text, file, inv);
  const { doc, lc } = ctx;
  const top = doc.contents;
  if (top === null || (isScalar(top) && top.value === null)) return;
  if (!isMap(top)) fail(ctx, top, 'a YAML inventory must be a mapping of group names', 'start with "all:"');
  for (const pair of top.items) {
    const name = keyName(ctx, pair.key);
    if (name === 'plugin')
      fail(
        ctx,
        pair.key as Node,
        'inventory plugins are not supported',
        'list hosts and groups in YAML or INI',
      );
    groupEntry(ctx, name, pair.key as Node, pair.value);
  }
}

/**
 * Parse YAML 1.1 (as PyYAML: BOM skipped, depth and alias expansion bounded, `!vault` values decrypted)
 * into a located context; syntax errors are thrown at their line and column.
 */
function parseContext(text: string, file: string, inv?: InventoryData): Ctx {
  const lc = new LineCounter();
  const ctx = { file, lc, inv, text: stripBom(text) } as Ctx;
  ctx.doc = guarded(ctx, () =>
    parseYamlDocument(ctx.text, {
      lineCounter: lc,
      version: '1.1',
      prettyErrors: false,
      customTags: (tags) => [...pyyamlTags(tags), VAULT_TAG, UNSAFE_TAG],
    }),
  );
  throwYamlErrors(ctx);
  // `!unsafe` values (inventory, group_vars/host_vars, -e @file) are never templated, as in Ansible
  markUnsafe(ctx.doc);
  decryptVaultValues(ctx.doc, lc, file);
  return ctx;
}
