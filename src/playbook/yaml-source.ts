/**
 * A YAML file parsed with its source ranges kept, so any value can be traced back to `file:line:col` by
 * its path (`[0, 'tasks', 3, 'become']`). YAML 1.1 like Ansible (PyYAML): `yes`/`no`/`on`/`off` are
 * booleans (`y`/`n` stay strings), `0644` is octal.
 */
import * as fs from 'node:fs/promises';
import * as YAML from 'yaml';
import { PlaybookError, type SourceLoc } from '../errors';
import {
  checkYamlDepth,
  decodeText,
  isUnsafeTagWarning,
  markUnsafe,
  UNSAFE_TAG,
  TextDecodeError,
  lineColAt,
  parseYamlDocument,
  pyyamlTags,
  stripBom,
  YamlLimitError,
  yamlToJs,
} from '../yaml-guard';
import { decryptVaultFile, decryptVaultValues, revealValues, VAULT_TAG } from '../vault/yaml-vault';

export type Path = readonly (string | number)[];

const customTags: YAML.SchemaOptions['customTags'] = (tags) => [...pyyamlTags(tags), VAULT_TAG, UNSAFE_TAG];
export class YamlSource {
  constructor(
    readonly file: string,
    readonly doc: YAML.Document,
    private readonly lines: YAML.LineCounter,
    /** The plain JavaScript value of the document. */
    readonly value: unknown,
  ) {}

  static parse(file: string, raw: string): YamlSource {
    const text = stripBom(raw);
    const lines = new YAML.LineCounter();
    const limited = (e: unknown): never => {
      if (!(e instanceof YamlLimitError)) throw e;
      throw new PlaybookError(e.message, { file, ...lineColAt(text, e.offset) }, { hint: e.hint });
    };
    let doc: YAML.Document.Parsed;
    try {
      doc = parseYamlDocument(text, {
        version: '1.1',
        customTags,
        lineCounter: lines,
        prettyErrors: false,
      });
      checkYamlDepth(doc);
    } catch (e) {
      return limited(e);
    }
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
      const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new PlaybookError(
        `YAML syntax error: ${message}`,
        { file, line: pos.line, col: pos.col },
        {
          hint:
            err.code === 'DUPLICATE_KEY'
              ? 'a key may appear only once in a mapping (each task is its own `- ` list item)'
              : 'check indentation, quoting (a value starting with {{ must be quoted) and unclosed brackets',
        },
      );
    }
    // a collection tagged !unsafe is not resolved by the scalar tag: markUnsafe handles it
    const tagWarning = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' && !isUnsafeTagWarning(w));
    if (tagWarning) {
      const pos = tagWarning.linePos?.[0] ?? lines.linePos(tagWarning.pos[0]);
      const tag = tagWarning.message.split(' at line')[0].replace(/^Unresolved tag: /, '');
      throw new PlaybookError(
        `unknown YAML tag: ${tag}`,
        { file, line: pos.line, col: pos.col },
        { hint: 'only the standard YAML tags, !vault and !unsafe are supported' },
      );
    }
    markUnsafe(doc);
    // `!vault |` values (ansible-vault encrypt_string) become their plaintext, secret from here on
    decryptVaultValues(doc, lines, file);
    // `msg: {{ x }}` unquoted is a flow mapping whose key is a mapping: say what it is (Ansible does too).
    let complexKey: YAML.Node | undefined;
    YAML.visit(doc, {
      Pair(_key, pair) {
        if (YAML.isCollection(pair.key)) {
          complexKey = pair.key;
          return YAML.visit.BREAK;
        }
        return undefined;
      },
    });
    if (complexKey) {
      const p = lines.linePos((complexKey as YAML.Node).range?.[0] ?? 0);
      const looksTemplated = YAML.isMap(complexKey) && complexKey.flow;
      throw new PlaybookError(
        looksTemplated ? 'a value starting with {{ must be quoted' : 'mapping keys must be plain values',
        { file, line: p.line, col: Math.max(1, p.col - (looksTemplated ? 1 : 0)) },
        { hint: looksTemplated ? 'write `msg: "{{ x }}"`, not `msg: {{ x }}`' : undefined },
      );
    }
    let value: unknown;
    try {
      value = yamlToJs(doc);
    } catch (e) {
      if (e instanceof YamlLimitError) limited(e);
      throw new PlaybookError(`YAML error: ${(e as Error).message}`, { file, line: 1, col: 1 });
    }
    return new YamlSource(file, doc, lines, value);
  }

  static async load(file: string, includedFrom?: SourceLoc, what = 'file'): Promise<YamlSource> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new PlaybookError(
        `cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
        includedFrom,
        {
          hint: includedFrom ? 'paths are relative to the directory of the file that names them' : undefined,
        },
      );
    }
    let text: string;
    try {
      text = decodeText(bytes);
    } catch (e) {
      if (!(e instanceof TextDecodeError)) throw e;
      throw new PlaybookError(
        e.message,
        { file, line: e.line, col: e.col },
        { hint: 'save the file as UTF-8' },
      );
    }
    // a whole file encrypted with ansible-vault; the values of a vaulted vars file are all secret
    const plain = decryptVaultFile(text, file);
    const src = YamlSource.parse(file, plain.text);
    if (plain.revealed && what === 'vars file') revealValues(src.value);
    return src;
  }

  private posOf(node: YAML.Node | null | undefined): SourceLoc | undefined {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const p = this.lines.linePos(offset);
    return { file: this.file, line: p.line, col: p.col };
  }

  /**
   * Location of the value at `path` (or of its key when `key` is true). Falls back to the deepest node
   * that exists, so a missing key points at the mapping that lacks it.
   */
  loc(path: Path, key = false): SourceLoc {
    let cur: unknown = this.doc.contents;
    let best: SourceLoc = this.posOf(cur as YAML.Node) ?? { file: this.file, line: 1, col: 1 };
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (YAML.isAlias(cur)) cur = cur.resolve(this.doc);
      if (YAML.isMap(cur)) {
        const pair = cur.items.find(
          (p) => String(YAML.isScalar(p.key) ? p.key.value : p.key) === String(seg),
        );
        if (!pair) return best;
        const keyLoc = this.posOf(pair.key as YAML.Node);
        const valNode = pair.value as YAML.Node | null;
        const isLast = i === path.length - 1;
        const empty = !valNode || (YAML.isScalar(valNode) && valNode.value === null && valNode.source === '');
        if (isLast && (key || empty)) return keyLoc ?? best;
        cur = valNode;
        best = (empty ? keyLoc : this.posOf(valNode)) ?? keyLoc ?? best;
      } else if (YAML.isSeq(cur) && typeof seg === 'number') {
        const item = cur.items[seg] as YAML.Node | undefined;
        if (!item) return best;
        cur = item;
        best = this.posOf(item) ?? best;
      } else return best;
    }
    return best;
  }

  error(message: string, path: Path, opts: { key?: boolean; hint?: string } = {}): PlaybookError {
    return new PlaybookError(message, this.loc(path, opts.key), { hint: opts.hint });
  }
}
