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
  /**
   * The run's in-memory changes (`add_host`, `group_by`), as Ansible's add_dynamic_host/add_dynamic_group:
   * true when the inventory changed. Absent on inventories that cannot change (test fakes).
   */
  addDynamicHost?(name: string, groups: string[], vars: Vars): boolean;
  addDynamicGroup?(host: string, group: string, parents: string[]): boolean;
  /** Would addDynamicHost / addDynamicGroup change anything? (what a module's plan reports). */
  dynamicHostChanges?(name: string, groups: string[], vars: Vars): boolean;
  dynamicGroupChanges?(host: string, group: string, parents: string[]): boolean;
}
