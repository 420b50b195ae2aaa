/** The old task forms `action:` and `local_action:`, rewritten to the module-key form before loading. */
import type { TaskLoadContext } from './task-keywords';
import type { Path } from './yaml-source';

type Raw = Record<string, unknown>;
const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `action: copy src=a dest=b` / `local_action: {module: copy, src: a}`: the old forms of `copy: ...`
 * (local_action adds `delegate_to: localhost`).
 */
export function actionForm(ctx: TaskLoadContext, raw: Raw, p: Path): Raw {
  const key = 'local_action' in raw ? 'local_action' : 'action';
  const { [key]: spec, ...rest } = raw;
  let module: unknown;
  let args: unknown;
  if (typeof spec === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(spec);
    module = m?.[1];
    args = m?.[2] ? m[2] : null;
  } else if (isMapping(spec)) {
    const { module: name, ...a } = spec;
    module = name;
    args = a;
  }
  if (typeof module !== 'string' || !module)
    throw ctx.src.error(`'${key}' needs a module: '${key}: MODULE ARGS' or '${key}: {module: MODULE, ...}'`, [
      ...p,
      key,
    ]);
  if (module in rest) throw ctx.src.error(`'${module}' given twice (as '${key}' and as a key)`, [...p, key]);
  return { ...rest, [module]: args, ...(key === 'local_action' ? { delegate_to: 'localhost' } : {}) };
}
