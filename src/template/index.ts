/**
 * Jinja2 templating through nunjucks, with Ansible's filters and tests, StrictUndefined and native types.
 * One nunjucks Environment per Templar; compiled templates are cached (LRU by source string) because the
 * runner renders the same strings for every host of a fleet.
 */
import * as nunjucks from 'nunjucks';
import { TemplateError } from '../errors';
import type { Vars } from '../inventory/types';
import { balanceBraces } from './brace-balance';
import { registerFilters } from './filters';
import { OperandStack, pyAdd, pyCompareChain, pyMod, pyMul } from './operators';
import { templateGet } from './python-methods';
import { didYouMean } from '../suggest';
import { namedFiltersAndTests, strictTransform, type NjNode } from './strict-transform';
import { parseJinja, PySlice } from './jinja-parser';
import { registerTests, runTest } from './tests';
import { LOOKUP_NAMES, lookupResult, runLookup } from './lookups';
import { isDict, pyStr, pyTuple, splitKwargs, toBool, truthy, UNRESOLVED_MARK } from './values';
import type { SecretValues } from '../secrets/secret-values';
import { trackSecretFilters, trackSecretLookup, trackSecretVar } from './secret-tracking';

/* eslint-disable @typescript-eslint/no-require-imports */
const njCompiler = require('nunjucks/src/compiler') as {
  Compiler: new (name: string, throwOnUndefined: boolean) => { compile(n: NjNode): void; getCode(): string };
};
const njRuntime = require('nunjucks/src/runtime') as {
  Frame: new (parent?: unknown, isolateWrites?: boolean) => { variables: Record<string, unknown> };
};
const njTransformer = require('nunjucks/src/transformer') as {
  transform(n: NjNode, asyncFilters: string[], name: string): NjNode;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A variable value carrying `[UNRESOLVED]: Error` (a var whose own template could not be rendered) raises
 * that error where it is used, and counts as undefined under `is defined` / `default()`.
 */
export const UNRESOLVED = UNRESOLVED_MARK;

function unresolvedError(v: unknown): Error | undefined {
  return typeof v === 'object' && v !== null
    ? ((v as { [UNRESOLVED]?: Error })[UNRESOLVED] ?? undefined)
    : undefined;
}

/** The value of `omit`: a module arg rendered to exactly this is dropped by the runner (Ansible's `default(omit)`). */
export const OMIT = '__omit_place_holder__remediate__';

interface Compiled {
  tmpl: nunjucks.Template;
  native: boolean;
}

export interface TemplarOptions {
  /** Compiled templates kept (LRU). Default 2000. */
  cacheSize?: number;
  /**
   * The run's secret values. The templar adds the values of secret-named variables it reads, and what the
   * filters that only re-encode text (`b64encode`, `upper`, `to_json` ...) make of a secret.
   */
  secrets?: SecretValues;
}

const UNDEFINED_HINT = 'define it (vars, inventory, -e) or use `| default(...)` / `is defined`';

/** Find our own TemplateError inside the errors nunjucks wraps around it. */
function unwrap(err: unknown): unknown {
  let e: unknown = err;
  for (let i = 0; i < 10 && e; i++) {
    if (e instanceof TemplateError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** "Template render error: (unknown path) [Line 1, Column 5]\n  Error: msg" → "msg (line 1, col 5)" */
function cleanMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const pos = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const body = raw
    .replace(/^\([^)]*\)(\s*\[Line \d+(, Column \d+)?\])?\s*/, '')
    .replace(/^\s*(Error|TypeError|RangeError|Template render error):\s*/, '')
    .trim();
  return pos ? `${body} (line ${pos[1]}, col ${pos[2]})` : body;
}

/** A Jinja2 expression (bare, as in `when:`), or a literal boolean. */
/** `!unsafe` text as a template that renders once to itself (see yaml-guard.ts). */
export { unsafeLiteral } from '../yaml-guard';

export type Condition = string | boolean;

export class Templar {
  private readonly env: nunjucks.Environment;
  private readonly cache = new Map<string, Compiled>();
  private readonly cacheSize: number;
  /** Value captured by `__rm_capture` during the current native render. */
  private captured: unknown;
  /** The variables of the render in progress (lookups read them: `vars`, `template`, role/playbook paths). */
  private renderingVars: Vars | undefined;
  /** Left operands of `and`/`or` being decided. */
  private readonly operands = new OperandStack();
  /** Compilations done (for tests and benchmarks of the cache). */
  compiles = 0;
  /** The run's secret values, when the templar tracks them. */
  private readonly secrets?: SecretValues;

  constructor(opts: TemplarOptions = {}) {
    this.cacheSize = opts.cacheSize ?? 2000;
    this.env = new nunjucks.Environment(null, {
      autoescape: false,
      trimBlocks: true,
      lstripBlocks: false,
      // keeps the original error (our TemplateError) as `cause` of nunjucks' wrapper
      dev: true,
    });
    const secrets = opts.secrets;
    this.secrets = secrets;
    this.env.addGlobal('__rm_var', (v: unknown, name: string) => {
      if (v === undefined) throw new TemplateError(`'${name}' is undefined`, name, { hint: UNDEFINED_HINT });
      const unresolved = unresolvedError(v);
      if (unresolved) throw unresolved;
      if (secrets) trackSecretVar(secrets, name, v);
      return v;
    });
    this.env.addGlobal('__rm_soft', (v: unknown) => (unresolvedError(v) ? undefined : v));
    this.env.addGlobal('__rm_get', (obj: unknown, key: unknown, strict: boolean, desc: string) => {
      if (obj === undefined || obj === null) {
        if (!strict) return undefined;
        if (obj === undefined)
          throw new TemplateError(`'${desc}' is undefined`, desc, { hint: UNDEFINED_HINT });
        throw new TemplateError(
          `'${desc}' is None and has no attribute '${String(key)}'`,
          `${desc}.${String(key)}`,
        );
      }
      const found = templateGet(obj, key);
      const unresolved = unresolvedError(found);
      if (unresolved && strict) throw unresolved;
      const v = unresolved ? undefined : found;
      if (v === undefined && strict) {
        const what = typeof key === 'number' ? `no item ${key}` : `no attribute '${String(key)}'`;
        throw new TemplateError(`'${desc}' has ${what}`, `${desc}.${String(key)}`, { hint: UNDEFINED_HINT });
      }
      return v;
    });
    this.env.addGlobal('__rm_slice', (a: unknown, b: unknown, c: unknown) => {
      const int = (x: unknown) => (x === null || x === undefined ? null : Math.trunc(Number(x)));
      return new PySlice(int(a), int(b), int(c));
    });
    // A filter or call that gives "nothing" (`[] | first`) is Jinja2's Undefined: an error when printed.
    const defined = (v: unknown, desc: string) => {
      if (v !== undefined) return v;
      throw new TemplateError(
        desc === 'expression'
          ? 'the expression has no value (e.g. first of an empty list)'
          : `'${desc}' is undefined`,
        desc === 'expression' ? undefined : desc,
        { hint: 'add `| default(...)`' },
      );
    };
    // Ansible's finalize: a None printed inside text is empty (`r: {{ none }}` is `r: `)
    this.env.addGlobal('__rm_str', (v: unknown, desc: string) => {
      const d = defined(v, desc);
      return d === null ? '' : pyStr(d);
    });
    this.env.addGlobal('__rm_add', pyAdd);
    this.env.addGlobal('__rm_mul', pyMul);
    this.env.addGlobal('__rm_mod', pyMod);
    this.env.addGlobal('__rm_tuple', (...items: unknown[]) => pyTuple(items));
    this.env.addGlobal('__rm_dict', (...kv: unknown[]) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < kv.length; i += 2) out[pyStr(kv[i])] = kv[i + 1];
      return out;
    });
    this.env.addGlobal('__rm_iter', (v: unknown) => (isDict(v) ? Object.keys(v) : v));
    this.env.addGlobal('__rm_concat', (a: unknown, b: unknown) => pyStr(a) + pyStr(b));
    this.env.addGlobal('__rm_cmp', pyCompareChain);
    this.env.addGlobal('__rm_not', (v: unknown) => !truthy(v));
    this.env.addGlobal('__rm_truthy', truthy);
    this.env.addGlobal('__rm_keep', this.operands.keep);
    this.env.addGlobal('__rm_take', this.operands.take);
    this.env.addGlobal('__rm_second', this.operands.second);
    this.env.addGlobal('__rm_test', (name: string, v: unknown, ...args: unknown[]) =>
      runTest(this.env, name, v, args),
    );
    this.env.addGlobal('__rm_capture', (v: unknown, desc: string) => {
      this.captured = defined(v, desc);
      return '';
    });
    this.env.addGlobal('omit', OMIT);
    // Jinja2's dict(a=1, b=2)
    this.env.addGlobal('dict', (...args: unknown[]) => {
      const kw = args[args.length - 1] as Record<string, unknown> | undefined;
      const out: Record<string, unknown> = { ...(kw && kw.__keywords ? kw : {}) };
      delete out.__keywords;
      return out;
    });
    // lookup('file', 'a', 'b') joins strings with commas; query()/q() always return the list
    const templar = this;
    const lookupCall = (want: boolean, name: unknown, args: unknown[]) => {
      const { pos, kw } = splitKwargs(args);
      const vars = templar.renderingVars ?? {};
      const wantList = want || toBool(kw.wantlist);
      delete kw.wantlist;
      const ran = templar.lookup(String(name), pos, vars, kw);
      return wantList ? ran : lookupResult(ran);
    };
    this.env.addGlobal('lookup', (name: unknown, ...args: unknown[]) => lookupCall(false, name, args));
    for (const q of ['query', 'q'])
      this.env.addGlobal(q, (name: unknown, ...args: unknown[]) => lookupCall(true, name, args));
    registerFilters(this.env);
    registerTests(this.env);
    if (secrets) trackSecretFilters(this.env, secrets);
  }

  /**
   * Run a lookup plugin (src/template/lookups.ts) with the task's variables: what `query()` and every
   * `with_<lookup>` loop use. Errors become TemplateErrors naming the lookup.
   */
  lookup(name: string, terms: unknown[], vars: Vars, kw: Record<string, unknown> = {}): unknown[] {
    try {
      const ran = runLookup(name, terms, kw, { vars, render: (t, v) => this.renderString(t, v as Vars) });
      if (this.secrets) trackSecretLookup(this.secrets, name, ran);
      return ran;
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw new TemplateError((e as Error).message, undefined, {
        hint: `lookups run on the controller; known: ${LOOKUP_NAMES.join(', ')}`,
      });
    }
  }

  private compile(src: string): Compiled {
    const hit = this.cache.get(src);
    if (hit) {
      this.cache.delete(src);
      this.cache.set(src, hit);
      return hit;
    }
    let compiled: Compiled;
    try {
      const env = this.env as unknown as { extensionsList: unknown[]; opts: unknown };
      const ast = parseJinja(balanceBraces(src), env.extensionsList, env.opts);
      const { native } = strictTransform(ast);
      const c = new njCompiler.Compiler('template', false);
      c.compile(njTransformer.transform(ast, [], 'template'));
      const props = new Function(c.getCode())() as unknown;
      const tmpl = new nunjucks.Template(
        { type: 'code', obj: props } as unknown as string,
        this.env,
        undefined,
        true,
      );
      compiled = { tmpl, native };
    } catch (err) {
      throw new TemplateError(
        `template syntax error in ${JSON.stringify(src)}: ${cleanMessage(err)}`,
        undefined,
        {
          hint: 'check the Jinja2 syntax: balanced {{ }}, quotes and parentheses',
        },
      );
    }
    this.compiles++;
    this.cache.set(src, compiled);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return compiled;
  }

  /**
   * Load-time check of a template (or, `bare`, an expression): syntax, and that every filter and test it
   * names exists. Throws TemplateError with a did-you-mean; renders nothing.
   */
  check(template: string, bare = false): void {
    const src = bare && !Templar.isTemplated(template) ? `{{ ${template} }}` : template;
    if (!Templar.isTemplated(src)) return;
    let ast: NjNode;
    try {
      const env = this.env as unknown as { extensionsList: unknown[]; opts: unknown };
      ast = parseJinja(balanceBraces(src), env.extensionsList, env.opts);
    } catch (err) {
      throw new TemplateError(
        `template syntax error in ${JSON.stringify(src)}: ${cleanMessage(err)}`,
        undefined,
        {
          hint: 'check the Jinja2 syntax: balanced {{ }}, quotes and parentheses',
        },
      );
    }
    const known = this.env as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
    for (const { kind, name } of namedFiltersAndTests(ast)) {
      const table = kind === 'filter' ? known.filters : known.tests;
      if (name in table) continue;
      throw new TemplateError(
        `no ${kind} named '${name}' in ${JSON.stringify(src)}${didYouMean(name, Object.keys(table))}`,
        undefined,
        { hint: `see the ${kind}s in the README's templating section` },
      );
    }
  }

  /** Render a template source; native value for a single `{{ expr }}`, else a string. */
  private run(src: string, vars: Vars, native: boolean): unknown {
    const c = this.compile(src);
    const saved = this.captured;
    const savedVars = this.renderingVars;
    const depth = this.operands.depth;
    this.captured = undefined;
    this.renderingVars = vars;
    try {
      // The variables are read through a parent frame that *is* the vars object: nunjucks would copy every
      // variable into a fresh context on each render. Writes ({% set %}) stay in the child frame.
      const frame = new njRuntime.Frame();
      frame.variables = vars;
      const out = (c.tmpl.render as (ctx: object, frame: unknown) => string)({}, frame);
      if (!c.native) return trailingNewlines(src, out);
      return native ? this.captured : pyStr(this.captured);
    } catch (err) {
      const ours = unwrap(err);
      if (ours) throw ours;
      throw new TemplateError(`${cleanMessage(err)} in ${JSON.stringify(src)}`, undefined, { cause: err });
    } finally {
      this.captured = saved;
      this.renderingVars = savedVars;
      this.operands.truncate(depth);
    }
  }

  /** Render any value deeply: strings with `{{ }}` are rendered; a string that is one `{{ expr }}` keeps its native type. */
  render(value: unknown, vars: Vars): unknown {
    if (typeof value === 'string') return Templar.isTemplated(value) ? this.run(value, vars, true) : value;
    if (Array.isArray(value)) return value.map((v) => this.render(v, vars));
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[Templar.isTemplated(k) ? this.renderString(k, vars) : k] = this.render(v, vars);
      }
      return out;
    }
    return value;
  }

  /** Render a template to a string (the `template` module, names). */
  renderString(template: string, vars: Vars): string {
    if (!Templar.isTemplated(template)) return template;
    return this.run(template, vars, false) as string;
  }

  /** Evaluate a bare expression (`when:`, `until:`, `that:`), native result. */
  evaluate(expr: string, vars: Vars): unknown {
    const src = Templar.isTemplated(expr) ? expr : `{{ ${expr} }}`;
    return this.run(src, vars, true);
  }

  /** Evaluate a condition to a boolean with Jinja2 truthiness. */
  condition(c: Condition, vars: Vars): boolean {
    if (typeof c === 'boolean') return c;
    const v = this.evaluate(c, vars);
    // `when: "{{ flag }}"` where flag renders "false": Ansible reads the string as a boolean.
    if (typeof v === 'string' && Templar.isTemplated(c)) return toBool(v);
    return truthy(v);
  }

  /** Does the string contain `{{`, `{%` or `{#`? */
  static isTemplated(s: string): boolean {
    return /\{\{|\{%|\{#/.test(s);
  }
}

/**
 * Trailing newlines as Ansible gives them: Jinja2 drops the template's last newline (keep_trailing_newline
 * is off), then Ansible's templar adds newlines back up to as many as the template ended with. So
 * `"{{ x | to_yaml }}\n"` is the YAML with its one newline, not two.
 */
function trailingNewlines(src: string, out: string): string {
  const count = (s: string) => s.length - s.replace(/\n+$/, '').length;
  // the output's last newline is the template's own last character (not eaten by a tag or `-}}`)
  if (src.endsWith('\n') && !/(?:%\}|#\}|-\}\})\n$/.test(src) && out.endsWith('\n')) out = out.slice(0, -1);
  const want = count(src);
  const have = count(out);
  return want > have ? out + '\n'.repeat(want - have) : out;
}
