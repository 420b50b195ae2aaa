/**
 * zod schemas of the playbook format: play keywords and task keywords — the one source of truth for
 * them. Module arguments are not here: each module owns its args schema (src/modules), and the loader
 * checks them separately. Field descriptions feed the JSON Schema (`remediate schema`) and error hints.
 *
 * Each keyword's schema validates the YAML value and (with `.transform`) produces the value the runner
 * sees; the model types in types.ts are derived from these tables (`become_user` → `becomeUser`, typed
 * as the schema's output), and the loaders copy parsed values with `keywordValues`.
 *
 * Adding a keyword (issue #11: remote_user, throttle, order, ...):
 *  - a keyword that plays, blocks, includes and tasks may set and that passes down from play to block to
 *    task (remote_user, throttle): one entry in `inheritedKeywords`. The task, block, include and play
 *    schemas, the `InheritedKeywords` type and the runner's inheritance (runner/play-context.ts,
 *    runner/variables.ts rootScope) all follow from it; read it in the runner as `scope.inherited.x`.
 *  - a keyword of module tasks only (register, until, ...): one entry in `moduleTaskKeywords`; it
 *    appears on `ModuleTask` and the task loader fills it. Of plays only (order): one entry in
 *    `playKeywords`, then read it in play-loader.ts.
 * Then give it its behaviour in the runner, and a test.
 */
import { z } from 'zod';
import type { Condition } from '../template/index';
import { LOOKUP_NAMES } from '../template/lookups';

export const TEMPLATE_RE = /\{\{|\{%/;
export const template = z.string().regex(TEMPLATE_RE).describe('A Jinja2 template ({{ ... }})');
/**
 * The template branch of `X or a {{ template }}`: zod reports a string's failed pattern (not the union's
 * message), so the branch itself says what was expected.
 */
const templateOr = (what: string) =>
  z
    .string()
    .regex(TEMPLATE_RE, `expected ${what} or a {{ template }}`)
    .describe('A Jinja2 template ({{ ... }})');

const condition = z.union([z.string(), z.boolean()]);
/** One condition or a list (all must hold), as a list of trimmed expressions. */
export const conditions = z
  .union([condition, z.array(condition)], {
    error: 'expected a Jinja2 expression, a boolean, or a list of them',
  })
  .transform((v): Condition[] =>
    (Array.isArray(v) ? v : [v]).map((c) => (typeof c === 'string' ? c.trim() : c)),
  )
  .describe('Jinja2 expression(s) without {{ }}; a list means all must hold');

/** `a,b`, `[a, b]`, a number: the list of tag names. */
export function toTags(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list
    .flatMap((t) => String(t).split(','))
    .map((t) => t.trim())
    .filter(Boolean);
}

const tags = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))], {
    error: 'expected a tag, a comma-separated string or a list of tags',
  })
  .transform(toTags)
  .describe('Tags for --tags / --skip-tags');
const varsMap = z.record(z.string(), z.unknown(), {
  error: 'expected a mapping of variable names to values',
});
const boolOrTemplate = z.union([z.boolean(), templateOr('a boolean')], {
  error: 'expected a boolean or a {{ template }}',
});
const intOrTemplate = z.union(
  [z.number().int().min(0, 'must not be negative'), templateOr('a non-negative integer')],
  {
    error: 'expected a non-negative integer or a {{ template }}',
  },
);
const numOrTemplate = z.union(
  [z.number().min(0, 'must not be negative'), templateOr('a non-negative number')],
  {
    error: 'expected a non-negative number or a {{ template }}',
  },
);
const becomeMethod = z
  .enum(['sudo', 'su'], { error: "expected 'sudo' or 'su'" })
  .describe('How to become: sudo or su');
const environment = z
  .union([z.record(z.string(), z.unknown()), templateOr('a mapping')], {
    error: 'expected a mapping or a {{ template }}',
  })
  .describe('Environment variables for commands');
const stringOrList = z
  .union([z.string(), z.array(z.string())], {
    error: 'expected a string or a list of strings',
  })
  .transform((v) => (Array.isArray(v) ? v.map(String) : [String(v)]));
const loopValue = z
  .union([z.array(z.unknown()), templateOr('a list')], {
    error: 'expected a list or a {{ template }} evaluating to a list',
  })
  .describe('Items to run the task for (as `item`)');

/** `with_<lookup>` for every lookup plugin but items and list (those are with_items / with_list above). */
export const withLookupKeywords = Object.fromEntries(
  LOOKUP_NAMES.filter((n) => n !== 'items' && n !== 'list').map((n) => [
    `with_${n}`,
    z.unknown().describe(`Loop over lookup('${n}', ...) of these terms`),
  ]),
) as Record<`with_${string}`, z.ZodUnknown>;

export const loopControl = z
  .object({
    loop_var: z
      .string()
      .regex(/^[A-Za-z_]\w*$/, 'must be a variable name')
      .optional()
      .describe('Name of the loop variable (default item)'),
    index_var: z
      .string()
      .regex(/^[A-Za-z_]\w*$/, 'must be a variable name')
      .optional()
      .describe('Variable holding the 0-based index'),
    label: z.string().optional().describe('What to show for each item'),
    pause: z.number().min(0).optional().describe('Seconds to wait between items'),
    extended: z.boolean().optional().describe('Set ansible_loop with first/last/length...'),
  })
  .strict()
  .transform((lc): LoopControl => {
    const out: LoopControl = { loopVar: lc.loop_var ?? 'item' };
    if (lc.index_var !== undefined) out.indexVar = lc.index_var;
    if (lc.label !== undefined) out.label = lc.label;
    if (lc.pause !== undefined) out.pause = lc.pause;
    if (lc.extended !== undefined) out.extended = lc.extended;
    return out;
  });

export interface LoopControl {
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
  extended?: boolean;
}

/**
 * Keywords a play, block, include or task may set, passed down from the play to its blocks and includes
 * to their tasks (the innermost wins; environment dicts merge key by key). `delegate_to` is not a play
 * keyword (as in Ansible).
 */
export const inheritedKeywords = {
  become: boolOrTemplate.describe('Run as another user (may be templated)'),
  become_user: z.string().describe('User to become (default root)'),
  become_method: becomeMethod,
  remote_user: z
    .string()
    .describe('Login user where the host sets no ansible_user (may be templated; -u is the fallback)'),
  environment,
  no_log: boolOrTemplate.describe('Hide arguments and results from output'),
  ignore_errors: boolOrTemplate.describe('Carry on when the task fails'),
  ignore_unreachable: z.boolean().describe('Carry on when the host is unreachable'),
  check_mode: z.boolean().describe('true: always dry-run; false: run for real even under --check'),
  delegate_to: z
    .string()
    .describe(
      'Run on this host instead (an inventory host with its connection vars, or localhost; may be templated)',
    ),
  delegate_facts: boolOrTemplate.describe(
    'Facts a delegated task sets (setup, set_fact) go to the delegated host instead of the task host',
  ),
  run_once: z.boolean().describe('Run for the first host of the batch only'),
  throttle: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .describe('At most this many hosts run each task at once (below --forks)'),
  any_errors_fatal: z.boolean().describe('A failure stops the play for all hosts'),
  timeout: intOrTemplate.describe(
    'Seconds each attempt of the task may take; then its commands are killed (their process groups on the target) and it fails (0: no limit; default --task-timeout)',
  ),
};

/** The inherited keywords a play may set. */
export const {
  delegate_to: _taskOnly,
  delegate_facts: _taskOnlyFacts,
  ...playInheritedKeywords
} = inheritedKeywords;

/** Keywords every kind of task accepts (module tasks, blocks, includes). */
export const commonTaskKeywords = {
  name: z.string().describe('Task name (may be templated)'),
  when: conditions,
  tags,
  vars: varsMap.describe('Variables for this task'),
  ...inheritedKeywords,
};

/** Keywords of a task that calls a module. */
export const moduleTaskKeywords = {
  ...commonTaskKeywords,
  register: z
    .string()
    .regex(/^[A-Za-z_]\w*$/, 'must be a variable name')
    .describe('Variable to store the result in'),
  loop: loopValue,
  with_items: loopValue.describe('Old form of loop (flattens one level)'),
  with_list: loopValue.describe('Old form of loop'),
  ...withLookupKeywords,
  loop_control: loopControl,
  until: conditions.describe('Retry until this holds'),
  retries: intOrTemplate.describe('Attempts for until (default 3)'),
  delay: numOrTemplate.describe('Seconds between until attempts (default 5)'),
  changed_when: conditions.describe('Override "changed"'),
  failed_when: conditions.describe('Override "failed"'),
  notify: stringOrList.describe('Handlers (names or listen topics) to run when changed'),
  args: z.record(z.string(), z.unknown()).describe('Module arguments (merged with the module key)'),
};

export const handlerKeywords = {
  ...moduleTaskKeywords,
  listen: stringOrList.describe('Topics this handler answers to'),
};

const inheritedNotify = stringOrList.describe(
  'Handlers notified by each task inside that changes (a task with its own notify keeps it)',
);

export const blockKeywords = {
  ...commonTaskKeywords,
  notify: inheritedNotify,
  block: z.array(z.unknown()).describe('Tasks'),
  rescue: z.array(z.unknown()).describe('Tasks to run when a block task fails'),
  always: z.array(z.unknown()).describe('Tasks to run in any case'),
};

const includeFile = z.union([z.string(), z.object({ file: z.string() }).strict()], {
  error: 'expected a file path or {file: path}',
});
export const includeKeywords = {
  ...commonTaskKeywords,
  include_tasks: includeFile.describe('Task file loaded at run time (may be templated)'),
  import_tasks: includeFile.describe('Task file inlined at load time'),
  notify: inheritedNotify.describe('import_tasks only: handlers notified by each imported task that changes'),
  loop: loopValue,
  with_items: loopValue,
  with_list: loopValue,
  ...withLookupKeywords,
  loop_control: loopControl,
};

const roleSpec = z.union(
  [
    z.string(),
    z
      .object({
        name: z.string().describe('Role name or path'),
        tasks_from: z.string().optional().describe('File in tasks/ to run instead of main'),
        vars_from: z.string().optional().describe('File in vars/ to load instead of main'),
        defaults_from: z.string().optional().describe('File in defaults/ to load instead of main'),
        handlers_from: z.string().optional().describe('File in handlers/ to load instead of main'),
      })
      .strict(),
  ],
  { error: 'expected a role name or {name: role, tasks_from: ...}' },
);
export const roleTaskKeywords = {
  ...commonTaskKeywords,
  include_role: roleSpec.describe("A role's tasks, loaded when reached (may loop)"),
  import_role: roleSpec.describe("A role's tasks, inlined at load time"),
  loop: loopValue,
  with_items: loopValue,
  with_list: loopValue,
  loop_control: loopControl,
};

const serialItem = z.union(
  [
    z.number().int().min(1, 'must be at least 1'),
    z
      .string()
      // a {{ template }} renders when the play starts (play-keywords.ts)
      .regex(
        /^(?:([1-9]\d?|100)%|[\s\S]*\{\{[\s\S]*)$/,
        'expected a host count (≥ 1), a percentage from 1% to 100% like "30%", or a {{ template }}',
      ),
  ],
  { error: 'expected a host count (≥ 1) or a percentage like "30%"' },
);

export const strategyName = z.enum(['linear', 'free'], { error: "expected 'linear' or 'free'" });
export const HOST_ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] as const;
export const orderName = z.enum(HOST_ORDERS, { error: `expected one of ${HOST_ORDERS.join(', ')}` });
/** Play keywords Ansible templates when the play starts (with the play's vars and -e), as `hosts:`. */
export const TEMPLATED_PLAY_KEYWORDS = [
  'serial',
  'gather_facts',
  'strategy',
  'order',
  'max_fail_percentage',
  'force_handlers',
] as const;

export const playKeywords = {
  hosts: z
    .union([z.string(), z.array(z.string())], { error: 'expected a host pattern' })
    .describe('Host pattern'),
  name: z.string().describe('Play name'),
  vars: varsMap.describe('Play variables'),
  vars_files: z
    .union([z.string(), z.array(z.union([z.string(), z.array(z.string()).min(1, 'must not be empty')]))], {
      error: 'expected a file, or a list of files and of lists of candidate files',
    })
    .describe(
      'YAML files of variables, relative to the playbook; a list inside is tried in order (the first found)',
    ),
  pre_tasks: z.array(z.unknown()).describe('Tasks before tasks'),
  tasks: z.array(z.unknown()).describe('Tasks'),
  post_tasks: z.array(z.unknown()).describe('Tasks after tasks'),
  handlers: z.array(z.unknown()).describe('Tasks run when notified'),
  roles: z
    .array(z.union([z.string(), z.record(z.string(), z.unknown())]), {
      error: 'expected a list of role names or {role: name, ...} mappings',
    })
    .describe('Roles to run before tasks (from roles/, roles_path, or the playbook directory)'),
  serial: z
    .union([serialItem, z.array(serialItem).min(1, 'must not be empty')], {
      error: 'expected a host count, a percentage like "30%", a list of them, or a {{ template }}',
    })
    .describe('Rolling batches: size, percentage or list of sizes (the last repeats)'),
  max_fail_percentage: z
    .union([z.number().min(0).max(100), templateOr('a percentage')], {
      error: 'expected a number from 0 to 100 or a {{ template }}',
    })
    .describe('Abort when more than this % of a batch fails'),
  canary: serialItem.describe(
    'A first wave of N hosts or "N%"; the run shows its result and waits for a confirmation (--yes)',
  ),
  gather_facts: boolOrTemplate.describe('Collect facts first (default true)'),
  gather_subset: z
    .union([z.string(), z.array(z.string())])
    .describe(
      'Which facts gather_facts collects: all (default), min, hardware, network; !name leaves one out',
    ),
  strategy: z
    .union([strategyName, templateOr("'linear', 'free'")], {
      error: "expected 'linear', 'free' or a {{ template }}",
    })
    .describe('linear (lock-step) or free'),
  order: z
    .union([orderName, templateOr(HOST_ORDERS.join(', '))], {
      error: `expected one of ${HOST_ORDERS.join(', ')} or a {{ template }}`,
    })
    .describe(
      'The order hosts run in: inventory (default), reverse_inventory, sorted, reverse_sorted, shuffle',
    ),
  force_handlers: boolOrTemplate.describe('Run notified handlers even after a failure'),
  tags,
  ...playInheritedKeywords,
  connection: z
    .enum(['local', 'ssh', 'smart', 'paramiko'], { error: "expected 'local' or 'ssh'" })
    .describe('Sets ansible_connection for the play'),
};

export const playSchema = z.object(playKeywords).partial().strict();
