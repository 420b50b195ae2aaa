/**
 * Load-time check of every template in a task: Jinja2 syntax and filter/test names, located at the YAML
 * node of the string (rendering happens per host at run time; a typo should not wait for it).
 */
import { formatLoc, TemplateError } from '../errors';
import { Templar } from '../template/index';
import type { Path, YamlSource } from './yaml-source';

const checker = new Templar();

/** Keys whose strings are bare expressions (`when: x is defined`) rather than templates. */
const BARE_KEYWORDS = new Set(['when', 'until', 'changed_when', 'failed_when']);
/** Module args that are bare expressions. */
const BARE_ARGS: Record<string, string[]> = { assert: ['that'], debug: ['var'] };

function walk(src: YamlSource, v: unknown, p: Path, bare: boolean, warnings?: string[]): void {
  if (typeof v === 'string') {
    // Ansible warns about this too: a bare expression wrapped in {{ }} is rendered twice
    if (bare && warnings && /\{\{|\{%/.test(v))
      warnings.push(
        `${formatLoc(src.loc(p))}: conditionals and bare expressions should not include {{ }} or {% %}: write \`${v.replace(/\{\{\s*(.*?)\s*\}\}/g, '$1').trim()}\``,
      );
    try {
      checker.check(v, bare);
    } catch (e) {
      if (e instanceof TemplateError) throw src.error(e.message, p, { hint: e.hint });
      throw e;
    }
  } else if (Array.isArray(v)) v.forEach((x, i) => walk(src, x, [...p, i], bare, warnings));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) walk(src, x, [...p, k], bare, warnings);
}

/** Check every template string inside a value (play vars, environment...). */
export function checkTemplates(src: YamlSource, v: unknown, p: Path): void {
  walk(src, v, p, false);
}

/**
 * Check the templates of one task mapping as written. `moduleKey`/`module` name its module key and
 * canonical module (for bare-expression args like assert's `that`).
 */
export function checkTaskTemplates(
  src: YamlSource,
  raw: Record<string, unknown>,
  p: Path,
  moduleKey?: string,
  module?: string,
  warnings?: string[],
): void {
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'block' || k === 'rescue' || k === 'always') continue; // their tasks are checked one by one
    if (k === moduleKey || k === 'args') {
      const bareArgs = BARE_ARGS[module ?? ''] ?? [];
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [a, x] of Object.entries(v)) walk(src, x, [...p, k, a], bareArgs.includes(a), warnings);
      } else walk(src, v, [...p, k], false);
    } else walk(src, v, [...p, k], BARE_KEYWORDS.has(k), warnings);
  }
}
