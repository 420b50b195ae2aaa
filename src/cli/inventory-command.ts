/** `remediate inventory -i INV --list | --graph [GROUP] | --host NAME [--yaml]` (like ansible-inventory). */
import * as path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, InventoryError, UsageError } from '../errors';
import { loadInventorySync } from '../inventory';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { collect } from './option-parsers';
import {
  inventoryGraph,
  inventoryHostVars,
  inventoryJson,
  inventoryList,
  inventoryYaml,
} from './inventory-output';
import { stringify } from 'yaml';
import { SecretValues } from '../secrets/secret-values';
import { addVaultOptions, setupVault, type VaultCliOpts } from './vault-options';

interface InventoryOpts extends VaultCliOpts {
  inventory: string[];
  list?: boolean;
  graph?: string | boolean;
  host?: string;
  yaml?: boolean;
  playbookDir?: string;
}

export function registerInventoryCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command('inventory')
    .description('show the inventory as remediate sees it (like ansible-inventory)')
    .option('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
    .option('--list', 'all groups and hosts as JSON, host variables under _meta.hostvars')
    .option('--graph [group]', 'the group tree, from GROUP (default all)')
    .option('--host <name>', 'the variables of one host')
    .option('-y, --yaml', 'YAML instead of JSON (with --list or --host)')
    .option('--playbook-dir <dir>', "also apply this directory's group_vars/ and host_vars/");
  addVaultOptions(cmd).action(async (opts: InventoryOpts) => {
    const modes = [opts.list, opts.graph, opts.host].filter((m) => m !== undefined && m !== false);
    if (modes.length !== 1)
      throw new UsageError('choose exactly one of --list, --graph or --host', {
        hint: 'remediate inventory -i hosts.ini --list',
      });
    // vaulted values are shown as *** like secret-named variables
    const secrets = new SecretValues();
    await setupVault(opts, io, (plaintext) => secrets.add(plaintext));
    const out = { write: (text: string) => io.out.write(secrets.mask(text)) };
    const inv = loadInventorySync(
      opts.inventory.map((p) => (p.includes(',') ? p : path.resolve(io.cwd, p))),
      { playbookDir: opts.playbookDir },
    );
    if (opts.graph !== undefined) {
      const g = typeof opts.graph === 'string' ? opts.graph : 'all';
      if (!inv.groups.has(g))
        throw new InventoryError(`no group named "${g}" in the inventory`, undefined, {
          hint: `groups: ${[...inv.groups.keys()].join(', ')}`,
        });
      out.write(inventoryGraph(inv, g));
    } else if (opts.host !== undefined) {
      if (!inv.hosts.has(opts.host))
        throw new InventoryError(`no host named "${opts.host}" in the inventory`, undefined, {
          hint: 'list the hosts with: remediate inventory -i INVENTORY --graph',
        });
      const vars = inventoryHostVars(inv, opts.host);
      out.write(opts.yaml ? stringify(vars) : inventoryJson(vars));
    } else {
      out.write(opts.yaml ? inventoryYaml(inv) : inventoryJson(inventoryList(inv)));
    }
    for (const w of inv.warnings) println(io.err, `warning: ${w}`);
    done(ExitCode.OK);
  });
}
