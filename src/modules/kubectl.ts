/**
 * `kubectl`: run the target's kubectl on a manifest or a resource. Honest "changed": `create` and `delete`
 * look first (`kubectl get -f --ignore-not-found`) and change only what is missing / present; `recreate`
 * (delete then create, so pods start afresh) is always a change; `apply` asks `kubectl diff` first
 * (else `apply --dry-run=server`: a change only when it says configured/created);
 * `wait` and `get` never change anything.
 */
import { z } from 'zod';
import { sh, type ExecCommand } from '../command';
import { CommandError, ModuleError } from '../errors';
import type { ExecResult } from '../transport/types';
import { defineModule, type ModuleContext } from './types';

const args = z
  .object({
    state: z
      .enum(['apply', 'create', 'delete', 'recreate', 'wait', 'get'])
      .describe(
        'What to do: apply/create/delete/recreate a manifest, wait for a condition, get resources as facts.',
      ),
    src: z.string().min(1).optional().describe('Manifest file (or directory) on the target.'),
    kind: z.string().min(1).optional().describe('Resource kind for wait/get/delete (pod, service...).'),
    name: z.string().min(1).optional().describe('Resource name for wait/get/delete.'),
    namespace: z.string().min(1).optional().describe('Namespace (-n).'),
    selector: z.string().min(1).optional().describe('Label selector (-l) for wait/get.'),
    condition: z.string().default('Ready').describe('wait: condition to wait for (--for=condition=X).'),
    timeout: z.coerce.number().int().min(1).default(120).describe('wait: seconds to wait.'),
    kubeconfig: z.string().min(1).optional().describe('Kubeconfig file on the target.'),
    kubectl: z.string().min(1).default('kubectl').describe('kubectl binary on the target.'),
  })
  .refine((a) => !['apply', 'create', 'recreate'].includes(a.state) || a.src, {
    message: 'this state needs src (a manifest file on the target)',
    path: ['src'],
  })
  .refine((a) => a.state !== 'delete' || a.src || (a.kind && a.name), {
    message: 'delete needs src (a manifest file) or kind and name',
    path: ['src'],
  })
  .refine((a) => !['wait', 'get'].includes(a.state) || a.kind || a.src, {
    message: 'wait/get need kind (with name or selector) or src',
    path: ['kind'],
  });

type Args = z.infer<typeof args>;

function base(a: Args): ExecCommand {
  const flags = [
    ...(a.kubeconfig ? ['--kubeconfig', a.kubeconfig] : []),
    ...(a.namespace ? ['-n', a.namespace] : []),
  ];
  return sh`${a.kubectl} ${flags}`;
}

function target(a: Args): ExecCommand {
  if (a.src && !a.kind) return sh`-f ${a.src}`;
  const words = [a.kind!, ...(a.name ? [a.name] : []), ...(a.selector ? ['-l', a.selector] : [])];
  return sh`${words}`;
}

/** The commands each state runs (for previews and apply). */
export function kubectlCommands(a: Args): Record<string, ExecCommand> {
  const k = base(a);
  return {
    existing: sh`${k} get ${target(a)} -o name --ignore-not-found`,
    create: sh`${k} create -f ${a.src ?? ''}`,
    delete: sh`${k} delete ${target(a)} --ignore-not-found --wait=true`,
    apply: sh`${k} apply -f ${a.src ?? ''}`,
    diff: sh`${k} diff -f ${a.src ?? ''}`,
    dryRun: sh`${k} apply --dry-run=server -f ${a.src ?? ''}`,
    wait: sh`${k} wait --for=${`condition=${a.condition}`} ${target(a)} --timeout=${`${a.timeout}s`}`,
    get: sh`${k} get ${target(a)} -o json`,
  };
}

type Facts = {
  existing?: string[];
  diff?: 'same' | 'differs' | 'unknown';
  got?: unknown;
  waited?: ExecResult;
};

function lines(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

async function must(ctx: ModuleContext, cmd: ExecCommand): Promise<ExecResult> {
  return ctx.run(cmd);
}

export default defineModule({
  name: 'kubectl',
  aliases: ['k8s_kubectl'],
  description: 'kubectl apply/create/delete/recreate a manifest, wait for a condition, get resources.',
  args,
  async probe(ctx, a): Promise<Facts> {
    const c = kubectlCommands(a);
    switch (a.state) {
      case 'create':
      case 'delete': {
        const r = await ctx.exec(c.existing!);
        // a named object that is absent: real kubectl prints nothing (--ignore-not-found); older ones say NotFound
        if (r.code !== 0 && /NotFound|not found/.test(r.stderr)) return { existing: [] };
        if (r.code !== 0)
          throw new CommandError(ctx.host, c.existing!.display, r.code, r.signal, r.stderr, r.durationMs);
        return { existing: lines(r.stdout) };
      }
      case 'apply': {
        const r = await ctx.exec(c.diff!);
        if (r.code === 0 || r.code === 1) return { diff: r.code === 0 ? 'same' : 'differs' };
        // no `kubectl diff` (old kubectl, no diff program): ask the server what apply would do
        const d = await ctx.exec(c.dryRun!);
        if (d.code !== 0) return { diff: 'unknown' };
        return {
          diff: /\b(configured|created)\b/.test(d.stdout)
            ? 'differs'
            : /\bunchanged\b/.test(d.stdout)
              ? 'same'
              : 'unknown',
        };
      }
      case 'get': {
        const r = await must(ctx, c.get!);
        try {
          return { got: JSON.parse(r.stdout) };
        } catch {
          throw new ModuleError(`kubectl get did not print JSON: ${r.stdout.slice(0, 200)}`);
        }
      }
      case 'wait':
        // Waiting is read-only but only meaningful after a real change: not in check mode.
        return ctx.check ? {} : { waited: await ctx.exec(c.wait!, { timeoutMs: (a.timeout + 15) * 1000 }) };
      default:
        return {};
    }
  },
  plan(a, f) {
    const c = kubectlCommands(a);
    const src = a.src ?? '';
    switch (a.state) {
      case 'create':
        return f.existing!.length === 0
          ? { changes: [{ describe: `kubectl create -f ${src}`, commands: [c.create!] }] }
          : { changes: [], result: { resources: f.existing } };
      case 'delete':
        return f.existing!.length > 0
          ? { changes: [{ describe: `kubectl delete ${f.existing!.join(' ')}`, commands: [c.delete!] }] }
          : { changes: [], result: { resources: [] } };
      case 'recreate':
        return {
          changes: [
            {
              describe: `kubectl delete -f ${src} && kubectl create -f ${src}`,
              commands: [c.delete!, c.create!],
            },
          ],
        };
      case 'apply':
        if (f.diff === 'same') return { changes: [], result: { diff: false } };
        return {
          changes: [{ describe: `kubectl apply -f ${src}`, commands: [c.apply!] }],
          unknownInCheck: f.diff === 'unknown',
        };
      case 'get':
        return { changes: [], result: { resources: f.got } };
      case 'wait': {
        if (!f.waited) return { changes: [], unknownInCheck: true };
        const w = f.waited;
        if (w.code !== 0) {
          throw new ModuleError(
            `kubectl wait --for=condition=${a.condition} ${a.kind ?? src}${a.name ? ` ${a.name}` : ''}` +
              `${a.selector ? ` -l ${a.selector}` : ''}${a.namespace ? ` -n ${a.namespace}` : ''} ` +
              `did not succeed within ${a.timeout}s: ${(w.stderr || w.stdout).trim().split('\n').slice(-2).join(' / ')}`,
            { hint: 'look at `kubectl describe` / `kubectl logs` of the resource on the host' },
          );
        }
        return { changes: [], result: { stdout: w.stdout } };
      }
    }
  },
  async apply(ctx, _a, p) {
    const out: string[] = [];
    for (const ch of p.changes) {
      for (const cmd of ch.commands ?? []) {
        if (cmd.kind !== 'exec') continue;
        const r = await ctx.exec(cmd);
        if (r.code !== 0)
          throw new CommandError(ctx.host, cmd.display, r.code, r.signal, r.stderr, r.durationMs);
        out.push(r.stdout.trim());
      }
    }
    return { stdout: out.filter(Boolean).join('\n') };
  },
});
