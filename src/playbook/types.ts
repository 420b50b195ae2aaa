/**
 * The normalized playbook model the runner executes. The loader (src/playbook/loader.ts) parses YAML,
 * validates it with the zod schema, and produces these objects; templated values stay unrendered strings
 * (the runner renders them per host at run time). Every node carries its source location.
 */
import type { SourceLoc } from '../errors';
import type { Vars } from '../inventory/types';

/** A Jinja2 expression (bare, as in `when:`), or a literal boolean. */
export type Condition = string | boolean;

export interface TaskCommon {
  /** Task name as written (may contain `{{ }}`); absent → the runner shows the module name. */
  name?: string;
  loc: SourceLoc;
  /** All conditions must hold (Ansible: a list is AND). */
  when?: Condition[];
  tags: string[];
  vars?: Vars;
  /** May be a template (`"{{ use_sudo }}"`), rendered per host. */
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  /** Dict (values templated) or a single `{{ expr }}` string. */
  environment?: Vars | string;
  /** true/false or a template string evaluating to one. */
  noLog?: boolean | string;
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean;
  /** Per-task check-mode override: true = always check, false = always run (even in --check). */
  checkMode?: boolean;
  /** Only `localhost` is supported. */
  delegateTo?: string;
  runOnce?: boolean;
  anyErrorsFatal?: boolean;
}

export interface LoopControl {
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
  extended?: boolean;
}

export interface ModuleTask extends TaskCommon {
  type: 'module';
  /** Canonical (short) module name: `ansible.builtin.command` → `command`. */
  module: string;
  /** Module args, unrendered. Free-form (`command: ls -l`) lands in `_raw_params`. */
  args: Vars;
  /** Location of the module key's value, for argument errors. */
  argsLoc: SourceLoc;
  register?: string;
  /** `throttle:` at most this many hosts on this task at once. */
  throttle?: number;
  /** A list (items may be templated) or a template string evaluating to a list. */
  loop?: unknown[] | string;
  loopControl?: LoopControl;
  until?: Condition[];
  retries?: number | string;
  delay?: number | string;
  changedWhen?: Condition[];
  failedWhen?: Condition[];
  notify?: string[];
  /** Handlers only: topics this handler also answers to. */
  listen?: string[];
}

export interface BlockTask extends TaskCommon {
  type: 'block';
  block: Task[];
  rescue: Task[];
  always: Task[];
}

/** `include_tasks` (dynamic, loaded at run time per host). `import_tasks` is inlined by the loader as a block. */
export interface IncludeTask extends TaskCommon {
  type: 'include';
  /** Path, may be templated; relative to the including file's directory. */
  file: string;
  /** Directory of the file that holds this include (for relative paths). */
  baseDir: string;
  loop?: unknown[] | string;
  loopControl?: LoopControl;
}

export type Task = ModuleTask | BlockTask | IncludeTask;

export interface Play {
  name: string;
  loc: SourceLoc;
  /** Host pattern. */
  hosts: string;
  vars: Vars;
  /** Paths (may be templated) relative to the playbook's directory. */
  varsFiles: string[];
  /** May be a template (`"{{ use_sudo }}"`), rendered per host. */
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  environment?: Vars | string;
  /** Wave sizes: numbers or percentages ("30%"); the last repeats. Empty = all hosts at once. */
  serial: (number | string)[];
  maxFailPercentage?: number;
  /** `canary:` N or "N%": a first wave, then a stop for confirmation. */
  canary?: number | string;
  anyErrorsFatal: boolean;
  gatherFacts: boolean;
  strategy: 'linear' | 'free';
  forceHandlers?: boolean;
  ignoreUnreachable?: boolean;
  checkMode?: boolean;
  tags: string[];
  preTasks: Task[];
  tasks: Task[];
  postTasks: Task[];
  handlers: ModuleTask[];
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
