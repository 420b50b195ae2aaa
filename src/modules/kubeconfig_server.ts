/**
 * `kubeconfig_server`: point a kubeconfig's `clusters[].cluster.server` at a new URL — every cluster, the
 * named `clusters`, or only those whose server host lies in `only_in` (the old node range) — on `yaml`'s
 * document API, replacing only the bytes of each server value (comments, indentation, quoting and every
 * other line kept; `--diff` shows the edit). Registered: `servers` ([{cluster, line, before, after}]) and
 * `backup`. It restarts nothing: the components that read the file are the playbook's next task.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { boolArg } from './arg-types';
import { editKubeconfig, KubeconfigError, type ServerEdit } from './kubeconfig-edit';
import { probeExistingText, rewriteInPlace, type TextFacts } from './text-edit';
import { defineModule } from './types';

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

const args = z
  .object({
    path: z
      .string()
      .min(1)
      .describe('The kubeconfig, e.g. /etc/kubernetes/kubelet.kubeconfig or /root/.kube/config'),
    server: z.string().min(1).describe('The server URL to set, e.g. https://192.168.0.1:6443'),
    clusters: list.optional().describe('Only these cluster names (default: every cluster in the file)'),
    only_in: list
      .optional()
      .describe('Only servers whose host is an address inside one of these CIDRs, e.g. [172.16.0.0/24]'),
    backup: boolArg().default(false).describe('Keep a copy of the old file as PATH.<timestamp>~'),
  })
  .strict();

interface State {
  backup?: string;
}

export default defineModule<typeof args, TextFacts, State>({
  name: 'kubeconfig_server',
  description: "Set the server: URL of a kubeconfig's clusters, keeping comments and formatting (diffable)",
  args,
  probe: (ctx, a) => probeExistingText(ctx, a.path),
  plan(a, f, ctx) {
    let edit;
    try {
      edit = editKubeconfig(f.content, a);
    } catch (e) {
      if (e instanceof KubeconfigError) throw new ModuleError(`${a.path}: ${e.message}`);
      throw e;
    }
    const result = { path: a.path, servers: edit.servers };
    if (!edit.changed) return { changes: [], result };
    const moved = edit.servers.filter((s: ServerEdit) => s.before !== s.after);
    const describe = `${a.path}: ${moved.map((s) => `${s.cluster} server ${s.before} → ${s.after}`).join(', ')}`;
    const { change, backup } = rewriteInPlace(a.path, f, ctx, edit.content, describe, a.backup);
    return { changes: [change], state: backup ? { backup } : {}, result };
  },
  result({ plan, outputs }) {
    const r: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) r.backup = plan.state.backup;
    return r;
  },
});
