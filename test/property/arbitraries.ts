/**
 * fast-check input generators for the parser property tests: text built from the tokens each format is
 * made of (so the parsers get past their first character) mixed with arbitrary strings, and the bounds.
 */
import fc from 'fast-check';

/** Runs per property (reported in the closing note). */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 1500);
/**
 * A fixed seed by default, so a green CI run stays green and a failure reproduces; PROPERTY_SEED=random
 * (or a number) explores other inputs locally.
 */
const SEED = process.env.PROPERTY_SEED;
if (SEED !== 'random') fc.configureGlobal({ seed: SEED ? Number(SEED) : 20261202 });
/** No single input may take longer than this to load or be refused. */
export const TIME_BOUND_MS = 2000;

const INI_TOKENS = [
  '[web]',
  '[web:vars]',
  '[all:children]',
  '[g',
  'web',
  'h1',
  'h[1:3]',
  'h[a:c]',
  'h[3:1]',
  'a=1',
  'ansible_port=22',
  'ansible_port=abc',
  'x="y z"',
  "q='",
  '=',
  ':',
  ' ',
  '\t',
  '#c',
  ';c',
  '\\',
  '"',
  '[',
  ']',
  '\u00e9',
  '\r',
];
const YAML_TOKENS = [
  'all:',
  'hosts:',
  'vars:',
  'children:',
  'h1:',
  '  ',
  '    ',
  '- ',
  '-',
  ': ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a ',
  '*a',
  '!!str ',
  '!vault ',
  '? ',
  '|',
  '>',
  '"',
  "'",
  '#',
  '\\',
  'null',
  '~',
  'yes',
  '0o17',
  '0x1F',
  '1e3',
  '---',
  '...',
  'ansible_port: 22',
  'ansible_port: x',
  '<<: *a',
  '%YAML 1.1',
  '\t',
  '\r',
  '\u2028',
  '\ufeff',
];
const PATTERN_TOKENS = [
  'web',
  'db',
  'all',
  '*',
  '?',
  'h1',
  'h[0]',
  'web[0:1]',
  'web[-1]',
  '~',
  '~^h\\d',
  '~(',
  '&',
  '!',
  ':',
  ',',
  '@',
  '[',
  ']',
  ':&',
  ':!',
  'localhost',
  '127.0.0.1',
  '::1',
  '[1:',
  '-',
  ' ',
];
const TEMPLATE_TOKENS = [
  '{{',
  '}}',
  '{%',
  '%}',
  '{#',
  '#}',
  'x',
  'y.z',
  "'s'",
  '"d"',
  '|',
  'default(1)',
  'upper',
  'join(",")',
  'int',
  'map(attribute="a")',
  '(',
  ')',
  '[',
  ']',
  '+',
  '~',
  ' if ',
  ' else ',
  ' is ',
  'defined',
  ' and ',
  ' not ',
  '1',
  '0.5',
  'for i in x',
  'endfor',
  'if x',
  'endif',
  'set a = 1',
  'raw',
  'endraw',
  ':',
  ',',
  '{',
  '}',
  'lookup(',
  'range(3)',
  '**',
  '//',
];

function tokenText(tokens: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...tokens) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 2, arbitrary: fc.constant('\n') },
  );
  return fc.array(piece, { maxLength: 60 }).map((a) => a.join(''));
}

export const iniText = tokenText(INI_TOKENS);
export const yamlText = fc.oneof(tokenText(YAML_TOKENS), fc.string({ maxLength: 200 }));
export const patternText = fc
  .array(fc.constantFrom(...PATTERN_TOKENS), { maxLength: 8 })
  .map((a) => a.join(''));
export const templateText = fc.oneof(tokenText(TEMPLATE_TOKENS), fc.string({ maxLength: 80 }));

/** Calls `f`, failing the property when it takes longer than the bound. */
export function bounded<T>(f: () => T): T {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    const ms = performance.now() - t0;
    if (ms > TIME_BOUND_MS) throw new Error(`took ${Math.round(ms)} ms (bound ${TIME_BOUND_MS} ms)`);
  }
}
