/**
 * The module registry: one explicit map, checked with `satisfies`. Each module is one file in this folder.
 * `findModule` answers to the short name, `ansible.builtin.<name>`, `ansible.posix.<name>` style FQCNs and aliases.
 */
import type { ModuleDefinition } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const modules = {} satisfies Record<string, ModuleDefinition<any, any, any>>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function findModule(name: string): ModuleDefinition<any, any, any> | undefined {
  const short = name.replace(
    /^(ansible\.builtin|ansible\.posix|ansible\.utils|community\.general|remediate)\./,
    '',
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const all = modules as Record<string, ModuleDefinition<any, any, any>>;
  return all[short] ?? Object.values(all).find((m) => m.aliases?.includes(short));
}

export function moduleNames(): string[] {
  return Object.keys(modules);
}
