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
