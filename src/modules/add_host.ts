/**
 * `add_host`: add a host (and its groups and variables) to the run's in-memory inventory, visible to later
 * plays' `hosts:` patterns, `groups` and `hostvars`. As in Ansible it bypasses the host loop: it runs once,
 * for the first host of the batch (all its loop items there), and only that host registers the result.
 * The plan says whether the inventory would change; the runner applies the result's `add_host`.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { withAliases } from './arg-aliases';
import { defineModule } from './types';

const args = withAliases(
  z
    .object({
      name: z
        .string()
        .min(1)
        .describe('The host to add (`host:port` sets ansible_port); aliases `host`, `hostname`'),
      groups: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .describe(
          'Groups to add the host to (a list, or names separated by commas); aliases `group`, `groupname`',
        ),
    })
    .catchall(z.unknown())
    .describe('Any other key is a host variable of the new host'),
  { host: 'name', hostname: 'name', group: 'groups', groupname: 'groups' },
);

type Args = z.infer<typeof args>;

export interface AddHost {
  host_name: string;
  groups: string[];
  host_vars: Record<string, unknown>;
}

/** Ansible's parse_address for `name:port` (an IPv6 address in brackets, `[::1]:22`). */
function splitPort(name: string): { host: string; port?: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(name);
  if (bracket) return { host: bracket[1]!, ...(bracket[2] ? { port: Number(bracket[2]) } : {}) };
  const m = /^([^:]+):(\d+)$/.exec(name);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: name };
}

export function addHostOf(a: Args): AddHost {
  const { name, groups, ...rest } = a;
  const { host, port } = splitPort(name.trim());
  if (host === '' || /\s/.test(host)) throw new ModuleError(`invalid host name '${name}'`);
  const list = groups === undefined ? [] : Array.isArray(groups) ? groups : groups.split(',');
  const names: string[] = [];
  for (const g of list.map((x) => String(x).trim())) {
    if (g === '') continue;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(g))
      throw new ModuleError(`invalid group name '${g}'`, { hint: 'letters, digits, - and _' });
    if (!names.includes(g)) names.push(g);
  }
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new ModuleError(`invalid variable name '${k}'`, {
        hint: 'names are letters, digits and _, not starting with a digit',
      });
    vars[k] = v;
  }
  if (port !== undefined) vars['ansible_ssh_port'] = port;
  return { host_name: host, groups: names, host_vars: vars };
}

export default defineModule<typeof args, undefined, undefined>({
  name: 'add_host',
  description: 'Add a host and its groups and variables to the in-memory inventory, for later plays',
  args,
  controllerOnly: true,
  bypassHostLoop: true,
  probe: async () => undefined,
  plan(a, _facts, ctx) {
    const add = addHostOf(a);
    const changed = ctx.inventory?.dynamicHostChanges?.(add.host_name, add.groups, add.host_vars) ?? true;
    return {
      changes: changed
        ? [{ describe: `add host ${add.host_name} to the in-memory inventory`, steps: [] }]
        : [],
      result: { add_host: add },
    };
  },
});
