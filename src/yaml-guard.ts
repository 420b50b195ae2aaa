/**
 * Limits every YAML reader applies (playbooks, inventories, group/host vars, vars files, `-e`), so hostile
 * or broken input is a located error rather than a crash: a UTF-8 byte-order mark is skipped (as PyYAML
 * does), nesting deeper than MAX_YAML_DEPTH levels is refused before anything recurses over it (3,000
 * levels would overflow the stack), and alias expansion is bounded (a "billion laughs" document). A leaf:
 * callers turn a YamlLimitError into their own located error type.
 */
import * as YAML from 'yaml';

export const MAX_YAML_DEPTH = 200;
export const MAX_YAML_ALIASES = 1000;

export class YamlLimitError extends Error {
  constructor(
    message: string,
    /** Offset in the (BOM-stripped) text. */
    readonly offset: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * `YAML.parseDocument`, except that running out of stack on deeply nested text (the parser recurses once
 * per level) is a YamlLimitError located at the first line past the limit, not a RangeError.
 */
export function parseYamlDocument(
  text: string,
  options: YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions,
): YAML.Document.Parsed {
  let doc: YAML.Document.Parsed;
  try {
    // the yaml package's own duplicate-key check compares every key with every other (40,000 keys: 86 s)
    doc = YAML.parseDocument(text, { ...options, uniqueKeys: false });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw tooDeep(deepestOffset(text));
  }
  if (options.uniqueKeys !== false) addDuplicateKeyErrors(doc);
  return doc;
}

/** The duplicate-key errors the yaml package would report, found with one set per mapping. */
function addDuplicateKeyErrors(doc: YAML.Document.Parsed): void {
  const stack: unknown[] = [doc.contents];
  const found: YAML.YAMLParseError[] = [];
  let guard = 0;
  while (stack.length && guard++ < 10_000_000) {
    const node = stack.pop();
    if (!YAML.isCollection(node)) continue;
    const seen = new Set<string>();
    for (const it of node.items as unknown[]) {
      if (YAML.isPair(it)) {
        const k = it.key;
        if (YAML.isScalar(k) && k.value !== '<<') {
          const id = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(id) && k.range)
            found.push(
              new YAML.YAMLParseError([k.range[0], k.range[1]], 'DUPLICATE_KEY', 'Map keys must be unique'),
            );
          seen.add(id);
        }
        stack.push(it.key, it.value);
      } else stack.push(it);
    }
  }
  if (!found.length) return;
  doc.errors.push(...found);
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** Offset of the first line whose indentation (plus open flow brackets) nests past the limit. */
function deepestOffset(text: string): number {
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  for (const line of text.split('\n')) {
    const body = line.trimStart();
    const indent = line.length - body.length;
    if (body && !body.startsWith('#')) {
      while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      for (const c of body) flow += c === '[' || c === '{' ? 1 : c === ']' || c === '}' ? -1 : 0;
      if (indents.length + Math.max(0, flow) > MAX_YAML_DEPTH) return offset;
    }
    offset += line.length + 1;
  }
  return 0;
}

/**
 * Throws YamlLimitError for a document nested deeper than the limit (also when the parser itself ran out
 * of stack on it). Iterative: safe on any depth.
 */
export function checkYamlDepth(doc: YAML.Document.Parsed | YAML.Document): void {
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow) throw tooDeep(overflow.pos[0]);
  const stack: [unknown, number][] = [[doc.contents, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (YAML.isCollection(node)) {
      if (depth > MAX_YAML_DEPTH) throw tooDeep(node.range?.[0] ?? 0);
      for (const it of node.items as unknown[]) {
        if (YAML.isPair(it)) {
          stack.push([it.key, depth + 1]);
          stack.push([it.value, depth + 1]);
        } else stack.push([it, depth + 1]);
      }
    }
  }
}

function tooDeep(offset: number): YamlLimitError {
  return new YamlLimitError(
    `YAML nested more than ${MAX_YAML_DEPTH} levels deep`,
    offset,
    'flatten the data: no playbook, inventory or vars file needs this depth',
  );
}

/**
 * `doc.toJS()` (or one node of it) with alias expansion bounded; a YamlLimitError located at the first alias
 * when it is not.
 */
export function yamlToJs(doc: YAML.Document.Parsed | YAML.Document, node?: YAML.Node): unknown {
  try {
    return node
      ? node.toJS(doc as YAML.Document, { maxAliasCount: MAX_YAML_ALIASES })
      : doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    if (!/alias/i.test((e as Error).message)) throw e;
    let at = 0;
    YAML.visit(doc, {
      Alias(_k, node) {
        at = node.range?.[0] ?? 0;
        return YAML.visit.BREAK;
      },
    });
    throw new YamlLimitError(
      'YAML aliases expand too much (a "billion laughs" document?)',
      at,
      `each alias may expand to at most ${MAX_YAML_ALIASES} nodes: write the data out instead of nesting aliases`,
    );
  }
}

/** 1-based line and column of an offset in `text` (the parser's LineCounter is incomplete after a crash). */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

export class TextDecodeError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

/**
 * A text file's bytes as a string: strict UTF-8 (an invalid byte is a TextDecodeError at its line and
 * column, where Node would silently substitute U+FFFD), no control characters but tab/LF/CR (as PyYAML),
 * a leading byte-order mark dropped.
 */
export function decodeText(buf: Buffer): string {
  let text: string;
  try {
    text = stripBom(new TextDecoder('utf-8', { fatal: true }).decode(buf));
  } catch {
    // the first bad byte: where re-encoding the lossy decoding stops giving back the file's bytes
    const lossy = buf.toString('utf8');
    let pos = 0;
    let chars = 0;
    for (const ch of lossy) {
      const enc = Buffer.from(ch, 'utf8');
      if (!buf.subarray(pos, pos + enc.length).equals(enc)) break;
      pos += enc.length;
      chars += ch.length;
    }
    const prefix = stripBom(lossy.slice(0, chars));
    const { line, col } = lineColAt(prefix, prefix.length);
    const byte = buf[pos] ?? 0;
    throw new TextDecodeError(`invalid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')})`, line, col);
  }
  // what PyYAML refuses too: control characters other than tab, newline and carriage return
  const bad = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F]/.exec(text);
  if (bad) {
    const { line, col } = lineColAt(text, bad.index);
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
    throw new TextDecodeError(
      `unacceptable character #x${code}: control characters are not allowed`,
      line,
      col,
    );
  }
  return text;
}

/**
 * `!unsafe` text (Ansible's AnsibleUnsafe) as a template that renders, once, to exactly that text: one
 * string literal whose braces, `%`, `#`, quotes and backslashes are escaped. Rendered values are never
 * rendered again (variables, set_fact, register), so the text stays literal wherever it travels. Text
 * with nothing Jinja could read is returned as it is.
 */
export function unsafeLiteral(text: string): string {
  if (!/\{\{|\{%|\{#/.test(text)) return text;
  const body = text.replace(/[\\'{}%#\r]/g, (c) =>
    c === '\\' || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `{{ '${body}' }}`;
}

/** `!unsafe` on a scalar: its text (a number stays its text, as PyYAML's construct_scalar gives it). */
export const UNSAFE_TAG: YAML.ScalarTag = { tag: '!unsafe', resolve: (s: string) => s };

/** A collection tagged `!unsafe` is not resolved by the scalar tag: `markUnsafe` handles it. */
export function isUnsafeTagWarning(w: YAML.YAMLWarning): boolean {
  return w.code === 'TAG_RESOLVE_FAILED' && /^Unresolved tag: !unsafe\b/.test(w.message);
}

/**
 * Every `!unsafe` value of `doc` (a scalar, or each string inside a tagged collection) becomes a template
 * that renders to its literal text (`unsafeLiteral`): never templated, as Ansible's AnsibleUnsafe.
 */
export function markUnsafe(doc: YAML.Document): void {
  const literal = (node: YAML.Scalar) => {
    if (typeof node.value === 'string') node.value = unsafeLiteral(node.value);
  };
  YAML.visit(doc, {
    Node(_key, node) {
      if (node.tag !== '!unsafe') return undefined;
      node.tag = undefined;
      if (YAML.isScalar(node)) {
        node.value = String(node.value ?? '');
        literal(node);
      } else YAML.visit(node, { Scalar: (_k, n) => literal(n) });
      return undefined;
    },
  });
}

const BOOL = 'tag:yaml.org,2002:bool';
const boolTag = (value: boolean, test: RegExp): YAML.ScalarTag => ({
  identify: (v) => v === value,
  default: true,
  tag: BOOL,
  test,
  resolve: () => value,
});
/** PyYAML's booleans (what Ansible reads): yes/no/on/off/true/false, but not y/n as YAML 1.1 proper says. */
const PYYAML_BOOLS = [
  boolTag(true, /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/),
  boolTag(false, /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/),
];
/** The YAML 1.1 schema's tags with its booleans replaced by PyYAML's (for `customTags`). */
export function pyyamlTags(tags: YAML.Tags): YAML.Tags {
  return [...tags.filter((t) => (t as YAML.ScalarTag).tag !== BOOL), ...PYYAML_BOOLS];
}
