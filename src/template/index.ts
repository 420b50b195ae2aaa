/** Jinja2 templating through nunjucks, with Ansible's filters and tests. Owned by the template area. */
import type { Vars } from '../inventory/types';
import type { Condition } from '../playbook/types';

export class Templar {
  /** Render any value deeply: strings with `{{ }}` are rendered; a string that is one `{{ expr }}` keeps its native type. */
  render(value: unknown, vars: Vars): unknown {
    throw new Error(`Templar.render(${typeof value}, ${Object.keys(vars).length}): not implemented yet`);
  }
  /** Render a template to a string (the `template` module, names). */
  renderString(template: string, vars: Vars): string {
    throw new Error(`Templar.renderString(${template}, ${Object.keys(vars).length}): not implemented yet`);
  }
  /** Evaluate a bare expression (`when:`, `until:`, `that:`), native result. */
  evaluate(expr: string, vars: Vars): unknown {
    throw new Error(`Templar.evaluate(${expr}, ${Object.keys(vars).length}): not implemented yet`);
  }
  /** Evaluate a condition to a boolean with Jinja2 truthiness. */
  condition(c: Condition, vars: Vars): boolean {
    throw new Error(`Templar.condition(${String(c)}, ${Object.keys(vars).length}): not implemented yet`);
  }
  /** Does the string contain `{{`, `{%` or `{#`? */
  static isTemplated(s: string): boolean {
    return /\{\{|\{%|\{#/.test(s);
  }
}
