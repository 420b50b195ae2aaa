/**
 * YAML as PyYAML reads it (Ansible's `from_yaml`/`from_yaml_all` use PyYAML's SafeLoader): YAML 1.1 with
 * PyYAML's implicit resolvers exactly — booleans are yes/no/true/false/on/off in three casings (not `y`/`n`),
 * ints are decimal, `0b`, `0x`, `0` octal (`0777` is 511) and sexagesimal (`1:30` is 90), with `_`
 * separators; floats need a dot (`1e3` is a string, `1.0e+3` is 1000) or are `.inf`/`.nan` or
 * sexagesimal; timestamps stay as written (a string). Merge keys `<<` apply.
 * Proved against python3-yaml by test/template/golden/py-yaml.json.
 */
import * as YAML from 'yaml';
import { MAX_YAML_ALIASES, parseYamlDocument, stripBom } from './yaml-guard';

type Tags = Exclude<YAML.SchemaOptions['customTags'], null | undefined | ((t: never) => unknown)>;

const BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

function sexagesimal(s: string): number {
  let v = 0;
  for (const part of s.split(':')) v = v * 60 + Number(part);
  return v;
}

/** PyYAML's construct_yaml_int. */
export function pyYamlInt(src: string): number {
  let s = src.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

/** PyYAML's construct_yaml_float. */
export function pyYamlFloat(src: string): number {
  let s = src.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

const scalar = (tag: string, test: RegExp, resolve: (s: string) => unknown): YAML.ScalarTag => ({
  tag,
  test,
  default: true,
  resolve: (s: string) => resolve(s) as never,
});

/** PyYAML's implicit scalar resolvers, replacing the yaml package's YAML 1.1 ones. */
export const PYYAML_SCALAR_TAGS: YAML.ScalarTag[] = [
  scalar('tag:yaml.org,2002:bool', BOOL_TRUE, () => true),
  scalar('tag:yaml.org,2002:bool', BOOL_FALSE, () => false),
  scalar('tag:yaml.org,2002:int', INT, pyYamlInt),
  scalar('tag:yaml.org,2002:float', FLOAT, pyYamlFloat),
  scalar('tag:yaml.org,2002:timestamp', TIMESTAMP, (s) => s),
];

const REPLACED = new Set([
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:timestamp',
]);

/** `customTags` for the yaml package: the YAML 1.1 schema with PyYAML's resolvers. */
export function pyYamlTags(tags: Tags): Tags {
  return [...tags.filter((t) => typeof t === 'string' || !REPLACED.has(t.tag)), ...PYYAML_SCALAR_TAGS];
}

function docToJs(doc: YAML.Document.Parsed): unknown {
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new Error(`the input is not valid YAML${pos ? ` (line ${pos.line}, col ${pos.col})` : ''}`);
  }
  return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
}

/** `yaml.safe_load(text)`. */
export function pyYamlLoad(text: string): unknown {
  return docToJs(
    parseYamlDocument(stripBom(text), {
      version: '1.1',
      customTags: pyYamlTags,
      merge: true,
      prettyErrors: false,
    }),
  );
}

/** `list(yaml.safe_load_all(text))`. */
export function pyYamlLoadAll(text: string): unknown[] {
  const docs = YAML.parseAllDocuments(stripBom(text), {
    version: '1.1',
    customTags: pyYamlTags,
    merge: true,
    prettyErrors: false,
  });
  if (!Array.isArray(docs)) return [];
  return docs.map((d) => docToJs(d));
}

// ---------------------------------------------------------------------------------------------------------
// Writing: PyYAML's SafeRepresenter + Serializer + emitter, as Ansible's to_yaml / to_nice_yaml call them
// (`yaml.dump(v, Dumper=AnsibleDumper, allow_unicode=True, default_flow_style=..., indent=..., ...)`; the
// AnsibleDumper is CSafeDumper, libyaml's emitter, where libyaml is installed as on Debian): a transcription
// of PyYAML's emitter with libyaml's differences (which characters are printable, no `...` after a root
// plain scalar), for the node kinds JSON-like data has. Collections of scalars are flow style when default_flow_style is None (to_yaml), keys sorted
// unless sort_keys=False, a string quoted when it would read back as something else, scalars folded at the
// width (80), and a lone plain scalar at the root ends its document with `...`.

type YNode =
  | { kind: 'scalar'; tag: string; value: string; plainOk: boolean }
  | { kind: 'seq'; flow: boolean; items: YNode[] }
  | { kind: 'map'; flow: boolean; pairs: [YNode, YNode][] };

export interface PyYamlDumpOptions {
  /** PyYAML's default_flow_style: undefined = None (collections of scalars in flow style). */
  defaultFlowStyle?: boolean;
  indent?: number;
  width?: number;
  sortKeys?: boolean;
  explicitStart?: boolean;
}

const IMPLICIT = [
  BOOL_TRUE,
  BOOL_FALSE,
  INT,
  FLOAT,
  TIMESTAMP,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:<<)$/,
  /^(?:=)$/,
];

const cpCompare = (a: string, b: string): number => {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  let s: string;
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) s = v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  else s = String(v);
  s = s.toLowerCase();
  if (!s.includes('.') && s.includes('e')) s = s.replace('e', '.0e');
  return s;
}

function represent(v: unknown, o: PyYamlDumpOptions): YNode {
  const scalar = (tag: string, value: string): YNode => ({
    kind: 'scalar',
    tag,
    value,
    plainOk: tag === 'str' ? !IMPLICIT.some((re) => re.test(value)) : true,
  });
  if (v === null || v === undefined) return scalar('null', 'null');
  if (typeof v === 'boolean') return scalar('bool', v ? 'true' : 'false');
  if (typeof v === 'bigint') return scalar('int', v.toString());
  if (typeof v === 'number')
    return Number.isInteger(v) ? scalar('int', BigInt(v).toString()) : scalar('float', pyFloatRepr(v));
  if (typeof v === 'string') return scalar('str', v);
  const flowOf = (kids: YNode[]): boolean => o.defaultFlowStyle ?? kids.every((k) => k.kind === 'scalar');
  if (Array.isArray(v)) {
    const items = v.map((x) => represent(x, o));
    return { kind: 'seq', flow: flowOf(items), items };
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    let entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x !== 'function');
    if (o.sortKeys ?? true) entries = entries.sort((a, b) => cpCompare(a[0], b[0]));
    const pairs = entries.map(([k, x]) => [represent(k, o), represent(x, o)] as [YNode, YNode]);
    return { kind: 'map', flow: flowOf(pairs.flat()), pairs };
  }
  return scalar('str', String(v));
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

const BREAKS = '\n\x85\u2028\u2029';
const WS_OR_END = '\0 \t\r\n\x85\u2028\u2029';

function analyze(text: string): Analysis {
  const s = [...text];
  if (s.length === 0)
    return {
      empty: true,
      multiline: false,
      allowFlowPlain: false,
      allowBlockPlain: true,
      allowSingleQuoted: true,
    };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) blockIndicators = flowIndicators = true;
  let precededByWs = true;
  let followedByWs = s.length === 1 || WS_OR_END.includes(s[1]);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true;
      if ('?:'.includes(ch)) {
        flowIndicators = true;
        if (followedByWs) blockIndicators = true;
      }
      if (ch === '-' && followedByWs) flowIndicators = blockIndicators = true;
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWs) blockIndicators = true;
      }
      if (ch === '#' && precededByWs) flowIndicators = blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const c = ch.codePointAt(0)!;
    // libyaml's IS_PRINTABLE (Ansible dumps with CSafeDumper): no NEL, nothing beyond the BMP, no BOM
    if (!(
      ch === '\n' ||
      (c >= 0x20 && c <= 0x7e) ||
      (c >= 0xa0 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
    ))
      special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === s.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === s.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWs = WS_OR_END.includes(ch);
    followedByWs = i + 2 >= s.length || WS_OR_END.includes(s[i + 2]);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
    allowFlowPlain = allowBlockPlain = false;
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent: number | null = null;
  private readonly indents: (number | null)[] = [];
  private flowLevel = 0;
  private root = false;
  private mappingCtx = false;
  private simpleKey = false;

  constructor(
    private readonly bestIndent: number,
    private readonly bestWidth: number,
  ) {}

  document(node: YNode, explicitStart: boolean): string {
    if (explicitStart) {
      this.writeIndent();
      this.writeIndicator('---', true);
    }
    this.node(node, { root: true });
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
    return this.out;
  }

  private write(data: string): void {
    this.column += [...data].length;
    this.out += data;
  }

  private writeIndicator(ind: string, needWs: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWs ? ind : ' ' + ind;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  private isEmptyCollection(n: YNode): boolean {
    return (n.kind === 'seq' && n.items.length === 0) || (n.kind === 'map' && n.pairs.length === 0);
  }

  /** libyaml's check_simple_key: a one-line scalar of at most 128 bytes (even empty), or an empty collection. */
  private checkSimpleKey(n: YNode): boolean {
    if (n.kind === 'scalar') return !analyze(n.value).multiline && Buffer.byteLength(n.value, 'utf8') <= 128;
    return this.isEmptyCollection(n);
  }

  private node(n: YNode, ctx: { root?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.root = ctx.root ?? false;
    this.mappingCtx = ctx.mapping ?? false;
    this.simpleKey = ctx.simpleKey ?? false;
    if (n.kind === 'scalar') {
      this.increaseIndent(true);
      this.scalar(n);
      this.popIndent();
    } else if (n.kind === 'seq') {
      if (this.flowLevel || n.flow || n.items.length === 0) this.flowSeq(n.items);
      else this.blockSeq(n.items);
    } else if (this.flowLevel || n.flow || n.pairs.length === 0) this.flowMap(n.pairs);
    else this.blockMap(n.pairs);
  }

  private flowSeq(items: YNode[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      this.node(item, {});
    });
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator(']', false);
  }

  private flowMap(pairs: [YNode, YNode][]): void {
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    pairs.forEach(([k, v], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      if (this.checkSimpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true);
        this.node(k, { mapping: true });
        if (this.column > this.bestWidth) this.writeIndent();
        this.writeIndicator(':', true);
      }
      this.node(v, { mapping: true });
    });
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator('}', false);
  }

  private blockSeq(items: YNode[]): void {
    const indentless = this.mappingCtx && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, {});
    }
    this.popIndent();
  }

  private blockMap(pairs: [YNode, YNode][]): void {
    this.increaseIndent(false);
    for (const [k, v] of pairs) {
      this.writeIndent();
      if (this.checkSimpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(v, { mapping: true });
    }
    this.popIndent();
  }

  private scalar(n: YNode & { kind: 'scalar' }): void {
    const a = analyze(n.value);
    let style: '' | "'" | '"' = '"';
    if (
      n.plainOk &&
      !(this.simpleKey && (a.empty || a.multiline)) &&
      ((this.flowLevel && a.allowFlowPlain) || (!this.flowLevel && a.allowBlockPlain))
    )
      style = '';
    else if (a.allowSingleQuoted && !(this.simpleKey && a.multiline)) style = "'";
    const split = !this.simpleKey;
    const text = [...n.value];
    if (style === '') this.writePlain(text, split);
    else if (style === "'") this.writeSingleQuoted(text, split);
    else this.writeDoubleQuoted(text, split);
  }

  private writeBreaks(text: string[], start: number, end: number): void {
    if (text[start] === '\n') this.writeLineBreak();
    for (const br of text.slice(start, end)) this.writeLineBreak(br);
    this.writeIndent();
  }

  private writePlain(text: string[], split: boolean): void {
    // libyaml (CSafeDumper, which Ansible uses when available) does not end a plain root scalar with `...`
    if (text.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.bestWidth && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(text.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          this.writeBreaks(text, start, end);
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === undefined || (' ' + BREAKS).includes(ch)) {
        this.write(text.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  private writeSingleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (
            start + 1 === end &&
            this.column > this.bestWidth &&
            split &&
            start !== 0 &&
            end !== text.length
          )
            this.writeIndent();
          else this.write(text.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          this.writeBreaks(text, start, end);
          start = end;
        }
      } else if (ch === undefined || (' ' + BREAKS).includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  /** libyaml's write_double_quoted: escapes, and a long line folded at a space (no trailing backslash). */
  private writeDoubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let spaces = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      const c = ch.codePointAt(0)!;
      const printable =
        ch === '\n' ||
        (c >= 0x20 && c <= 0x7e) ||
        (c >= 0xa0 && c <= 0xd7ff) ||
        (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
      if (!printable || '\r\n\x85\u2028\u2029"\\'.includes(ch)) {
        const hex = (w: number) => c.toString(16).toUpperCase().padStart(w, '0');
        this.write(
          ch in ESCAPES
            ? '\\' + ESCAPES[ch]
            : c <= 0xff
              ? `\\x${hex(2)}`
              : c <= 0xffff
                ? `\\u${hex(4)}`
                : `\\U${hex(8)}`,
        );
        spaces = false;
      } else if (ch === ' ') {
        if (split && !spaces && this.column > this.bestWidth && i !== 0 && i !== text.length - 1) {
          this.writeIndent();
          if (text[i + 1] === ' ') this.write('\\');
        } else this.write(' ');
        spaces = true;
      } else {
        this.write(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false);
  }
}

/** `yaml.dump(value, Dumper=AnsibleDumper, allow_unicode=True, ...)`. */
export function pyYamlDump(value: unknown, o: PyYamlDumpOptions = {}): string {
  const bestIndent = o.indent !== undefined && o.indent > 1 && o.indent < 10 ? o.indent : 2;
  const bestWidth = o.width !== undefined && o.width > bestIndent * 2 ? o.width : 80;
  return new Emitter(bestIndent, bestWidth).document(represent(value, o), o.explicitStart ?? false);
}
