/**
 * `kubeconfig_server`: point a kubeconfig's `clusters[].cluster.server` at a new URL — every cluster, the
 * named `clusters`, or only those whose server host lies in `only_in` (the old node range) — on `yaml`'s
 * document API, replacing only the bytes of each server value (comments, indentation, quoting and every
 * other line kept; `--diff` shows the edit). Registered: `servers` ([{cluster, line, before, after}]) and
 * `backup`. It restarts nothing: the components that read the file are the playbook's next task.
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { fileContent, fileStat, type FileStat } from '../facts/file';
import { boolArg } from './arg-types';
import { backupPath, backupStep } from './file-attrs';
import { editKubeconfig, KubeconfigError, type ServerEdit } from './kubeconfig-edit';
import { defineModule, type Step } from './types';

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

interface Facts {
  stat: FileStat;
  content: string;
}
interface State {
  backup?: string;
}

export default defineModule<typeof args, Facts, State>({
  name: 'kubeconfig_server',
  description: "Set the server: URL of a kubeconfig's clusters, keeping comments and formatting (diffable)",
  args,
  async probe(ctx, a) {
    const stat = await ctx.fact(fileStat(a.path, { follow: true, checksum: false }));
    if (!stat.exists) throw new ModuleError(`${a.path} does not exist`);
    if (!stat.isreg) throw new ModuleError(`${a.path} is not a regular file`);
    return { stat, content: (await ctx.fact(fileContent(a.path))).content.toString('utf8') };
  },
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
    const state: State = {};
    const steps: Step[] = [];
    if (a.backup) {
      state.backup = backupPath(a.path);
      steps.push(backupStep(a.path, state.backup));
    }
    steps.push({
      kind: 'upload',
      dest: a.path,
      content: Buffer.from(edit.content, 'utf8'),
      mode: f.stat.mode !== undefined ? parseInt(f.stat.mode, 8) : undefined,
      owner: f.stat.pw_name,
      group: f.stat.gr_name,
    });
    const moved = edit.servers.filter((s: ServerEdit) => s.before !== s.after);
    return {
      changes: [
        {
          describe: `${a.path}: ${moved.map((s) => `${s.cluster} server ${s.before} → ${s.after}`).join(', ')}`,
          diff: ctx.noLog ? undefined : { path: a.path, before: f.content, after: edit.content },
          steps,
        },
      ],
      state,
      result,
    };
  },
  result({ plan, outputs }) {
    const r: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) r.backup = plan.state.backup;
    return r;
  },
});
