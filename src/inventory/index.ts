/** Ansible-compatible inventories (INI, YAML, directories, host_vars/group_vars). Owned by the inventory area. */
import type { Inventory } from './types';

/**
 * Load one or more inventory sources (files or directories), merged in order. With no sources, the
 * implicit inventory: just `localhost` with `ansible_connection=local`. Throws InventoryError (exit 4).
 */
export async function loadInventory(sources: string[]): Promise<Inventory> {
  throw new Error(`loadInventory(${sources.join(',')}): not implemented yet`);
}
