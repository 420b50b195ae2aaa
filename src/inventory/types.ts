export type Vars = Record<string, unknown>;

export interface InventoryHost {
  /** Inventory hostname (`inventory_hostname`). */
  name: string;
  /** Variables set on the host itself (inline, host_vars/). */
  vars: Vars;
  /** Names of the groups the host is in, directly or through children; always includes `all`. */
  groups: string[];
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly in this group. */
  hosts: string[];
  /** Child group names. */
  children: string[];
  vars: Vars;
}

export interface Inventory {
  /** Hosts in definition order. */
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /**
   * The host's variables merged in Ansible's precedence for inventory sources: all group vars < parent
   * group < child group (alphabetical at equal depth) < host vars. Includes `inventory_hostname`,
   * `group_names` and `groups`.
   */
  hostVars(host: string): Vars;
  /**
   * Resolve a host pattern (`all`, names, groups, globs, `a:b`, `a:&b`, `a:!b`, `@file`) to host names,
   * in inventory order. Throws InventoryError for a malformed pattern.
   */
  select(pattern: string): string[];
}
