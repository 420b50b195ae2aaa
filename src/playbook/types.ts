/**
 * The normalized playbook model the runner executes. The loader (src/playbook/loader.ts) parses YAML,
 * validates it with the zod schema, and produces these objects; templated values stay unrendered strings
 * (the runner renders them per host at run time). Every node carries its source location.
 */
import type { SourceLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { KeywordValues } from './keyword-values';
import type {
  commonTaskKeywords,
  handlerKeywords,
  inheritedKeywords,
  LoopControl,
  playInheritedKeywords,
} from './schema';

export type { LoopControl } from './schema';
export type { Condition } from '../template/index';

/** The role a task runs in: where its templates/ and files/ are, and its variables. */
export interface RoleScope {
  name: string;
  /** The role's directory. */
  path: string;
  /** defaults/main.yml (or defaults_from): below every other variable. */
  defaults: Vars;
  /** vars/main.yml (or vars_from), plus a roles: entry's vars: above play vars. */
  vars: Vars;
  /** Role parameters (`- { role: x, port: 80 }`): above set_fact and registered vars. */
  params: Vars;
}

/** The keywords every task, block and include carries, derived from their zod schemas (schema.ts). */
export interface TaskCommon extends Omit<KeywordValues<typeof commonTaskKeywords>, 'tags'> {
  loc: SourceLoc;
  tags: string[];
  /** Set where a role's tasks begin (the block or include_role that runs them) and on its handlers. */
  role?: RoleScope;
}

/** Keywords a play, block or include passes down to the tasks inside it. */
export type InheritedKeywords = KeywordValues<typeof inheritedKeywords>;

/** What only a module task (or handler) may carry; loops are shaped by the loader (loopOf). */
type ModuleTaskValues = KeywordValues<
  Omit<
    typeof handlerKeywords,
    keyof typeof commonTaskKeywords | 'loop' | 'with_items' | 'with_list' | 'loop_control' | 'args'
  >
>;

export interface ModuleTask extends TaskCommon, ModuleTaskValues {
  type: 'module';
  /** Canonical (short) module name: `ansible.builtin.command` → `command`. */
  module: string;
  /** Module args, unrendered. Free-form (`command: ls -l`) lands in `_raw_params`. */
  args: Vars;
  /** Location of the module key's value, for argument errors. */
  argsLoc: SourceLoc;
  /** A list (items may be templated) or a template string evaluating to a list. */
  loop?: unknown[] | string;
  /** `with_<lookup>:` — `loop` holds the lookup's terms; the items are what the lookup returns. */
  loopLookup?: string;
  loopControl?: LoopControl;
  /** A handler brought in only by include_roles (their ids): Ansible knows it once one of them ran. */
  includedBy?: string[];
}

export interface BlockTask extends TaskCommon {
  type: 'block';
  block: Task[];
  rescue: Task[];
  always: Task[];
  /** The block (or import_tasks) had a `notify`, already passed down to its tasks by the loader. */
  ownNotify?: boolean;
}

/** `include_tasks` (dynamic, loaded at run time per host). `import_tasks` is inlined by the loader as a block. */
export interface IncludeTask extends TaskCommon {
  type: 'include';
  /** Path, may be templated; relative to the including file's directory. */
  file: string;
  /** Directory of the file that holds this include (for relative paths). */
  baseDir: string;
  loop?: unknown[] | string;
  loopLookup?: string;
  loopControl?: LoopControl;
  /** `notify` of an enclosing block: passed to the included tasks without their own when they load. */
  inheritedNotify?: string[];
  /** include_role: the id its handlers carry (`includedBy`); running the include makes them known. */
  handlersId?: string;
}

export type Task = ModuleTask | BlockTask | IncludeTask;

export interface Play extends Omit<KeywordValues<typeof playInheritedKeywords>, 'anyErrorsFatal'> {
  name: string;
  loc: SourceLoc;
  /** Host pattern. */
  hosts: string;
  vars: Vars;
  /** Paths (may be templated) relative to the playbook's directory; a list: the first that exists. */
  varsFiles: (string | string[])[];
  /** Wave sizes: numbers or percentages ("30%"); the last repeats. Empty = all hosts at once. */
  serial: (number | string)[];
  maxFailPercentage?: number;
  /** `canary:` N or "N%": a first wave, then a stop for confirmation. */
  canary?: number | string;
  anyErrorsFatal: boolean;
  gatherFacts: boolean;
  /** `gather_subset:` of the play's fact gathering (default all). */
  gatherSubset?: string[];
  strategy: 'linear' | 'free';
  /** `order:` of the play's hosts (inventory order when unset). */
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  forceHandlers?: boolean;
  /** `connection:` keyword: ansible_connection below every variable (inventory, play vars, ...), as in Ansible. */
  connection?: string;
  /** Keywords written as templates, rendered when the play starts (play-keywords.ts). */
  templated?: Partial<
    Record<
      'serial' | 'gather_facts' | 'strategy' | 'order' | 'max_fail_percentage' | 'force_handlers',
      string
    >
  >;
  tags: string[];
  preTasks: Task[];
  tasks: Task[];
  postTasks: Task[];
  handlers: ModuleTask[];
  /** Defaults and vars of the play's `roles:`, visible to the whole play as in Ansible. */
  roleDefaults?: Vars;
  roleVars?: Vars;
}

export interface Playbook {
  /** Absolute path of the playbook file. */
  file: string;
  /** Its directory: base for vars_files, templates/, files/ and includes. */
  dir: string;
  plays: Play[];
  /** Located notes on things that work but are likely mistakes (`when: "{{ x }}"`), for the CLI to show. */
  warnings?: string[];
}
