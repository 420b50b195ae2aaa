/** The runner: plays × hosts, waves, forks, handlers, block/rescue, loops, retries. Owned by the runner area. */
import type { Inventory } from '../inventory/types';
import type { Playbook } from '../playbook/types';
import type { RunnerOptions, RunSummary } from './types';

export async function runPlaybook(
  playbook: Playbook,
  inventory: Inventory,
  opts: RunnerOptions,
): Promise<RunSummary> {
  throw new Error(
    `runPlaybook(${playbook.file}, ${inventory.hosts.size}, ${opts.forks}): not implemented yet`,
  );
}
