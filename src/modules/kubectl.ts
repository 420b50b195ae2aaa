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
import type { ExecOutput, ExecStep } from '../plan/steps';
import { defineModule } from './types';

/** DNS-1123 subdomain: what Kubernetes accepts as an object name. */
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1123 label: a namespace. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A resource kind, optionally with version and group (`deployments.v1.apps`), or a comma list of them. */
const KIND =
  /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9][-A-Za-z0-9]*)*(,[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9][-A-Za-z0-9]*)*)*$/;
/** A label selector: keys, values, operators; never an option. */
const SELECTOR = /^[A-Za-z0-9][-A-Za-z0-9_./=!,() ]*$/;

const args = z
  .object({
    state: z
      .enum(['apply', 'create', 'delete', 'recreate', 'wait', 'get'])
      .describe(
        'What to do: apply/create/delete/recreate a manifest, wait for a condition, get resources as facts.',
      ),
    src: z.string().min(1).optional().describe('Manifest file (or directory) on the target.'),
    kind: z
      .string()
      .regex(KIND, 'a resource kind like pod, service or deployments.apps')
      .optional()
      .describe('Resource kind for wait/get/delete (pod, service...).'),
    name: z
      .string()
      .max(253)
      .regex(DNS1123, 'a Kubernetes name (DNS-1123: lower-case letters, digits, - and .)')
      .optional()
      .describe('Resource name for wait/get/delete (DNS-1123).'),
    namespace: z
      .string()
      .max(63)
      .regex(LABEL, 'a namespace (DNS-1123 label: lower-case letters, digits and -)')
      .optional()
      .describe('Namespace (-n).'),
    selector: z
      .string()
      .regex(SELECTOR, 'a label selector (key=value,...)')
      .optional()
      .describe('Label selector (-l) for wait/get.'),
    condition: z
      .string()
      .regex(/^[A-Za-z][-A-Za-z0-9_./=]*$/, 'a condition name like Ready or Available')
      .default('Ready')
      .describe('wait: condition to wait for (--for=condition=X).'),
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

/**
 * `kubectl VERB` on what the task names: `-f SRC OPTS`, or `OPTS [-l SEL] -- KIND [NAME]` — options end
 * with `--`, so no name or kind can become an option.
 */
function verb(a: Args, v: string, opts: string[]): ExecCommand {
  const k = base(a);
  if (a.src && !a.kind) return sh`${k} ${v} -f ${a.src} ${opts}`;
  const sel = a.selector ? ['-l', a.selector] : [];
  return sh`${k} ${v} ${opts} ${sel} -- ${[a.kind!, ...(a.name ? [a.name] : [])]}`;
}

/** The commands each state runs. */
export function kubectlCommands(a: Args): Record<string, ExecCommand> {
  const k = base(a);
  return {
    existing: verb(a, 'get', ['-o', 'name', '--ignore-not-found']),
    create: sh`${k} create -f ${a.src ?? ''}`,
    delete: verb(a, 'delete', ['--ignore-not-found', '--wait=true']),
    apply: sh`${k} apply -f ${a.src ?? ''}`,
    diff: sh`${k} diff -f ${a.src ?? ''}`,
    dryRun: sh`${k} apply --dry-run=server -f ${a.src ?? ''}`,
    wait: verb(a, 'wait', [`--for=condition=${a.condition}`, `--timeout=${a.timeout}s`]),
    get: verb(a, 'get', ['-o', 'json']),
  };
}

type Facts = {
  existing?: string[];
  diff?: 'same' | 'differs' | 'unknown';
  got?: unknown;
};

function lines(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A kubectl step; its stdout goes into the task's `stdout`. */
const step = (cmd: ExecCommand, id: string): ExecStep => ({ kind: 'exec', id, cmd, invalidates: [] });

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
        const r = await ctx.run(c.get!);
        try {
          return { got: JSON.parse(r.stdout) };
        } catch {
          throw new ModuleError(`kubectl get did not print JSON: ${r.stdout.slice(0, 200)}`);
        }
      }
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
          ? { changes: [{ describe: `kubectl create -f ${src}`, steps: [step(c.create!, 'create')] }] }
          : { changes: [], result: { resources: f.existing } };
      case 'delete':
        return f.existing!.length > 0
          ? {
              changes: [
                { describe: `kubectl delete ${f.existing!.join(' ')}`, steps: [step(c.delete!, 'delete')] },
              ],
            }
          : { changes: [], result: { resources: [] } };
      case 'recreate':
        return {
          changes: [
            {
              describe: `kubectl delete -f ${src} && kubectl create -f ${src}`,
              steps: [step(c.delete!, 'delete'), step(c.create!, 'create')],
            },
          ],
        };
      case 'apply':
        if (f.diff === 'same') return { changes: [], result: { diff: false } };
        return {
          changes: [{ describe: `kubectl apply -f ${src}`, steps: [step(c.apply!, 'apply')] }],
          unknownInCheck: f.diff === 'unknown',
        };
      case 'get':
        return { changes: [], result: { resources: f.got } };
      case 'wait':
        // Waiting is read-only but only meaningful after the earlier tasks really ran: not in check mode.
        return {
          changes: [],
          observe: [{ ...step(c.wait!, 'wait'), ok: 'any', timeoutMs: (a.timeout + 15) * 1000 }],
          unknownInCheck: true,
        };
    }
  },
  result({ args: a, plan, outputs }) {
    const w = outputs['wait'] as ExecOutput | undefined;
    if (w) {
      const src = a.src ?? '';
      if (w.code !== 0) {
        throw new ModuleError(
          `kubectl wait --for=condition=${a.condition} ${a.kind ?? src}${a.name ? ` ${a.name}` : ''}` +
            `${a.selector ? ` -l ${a.selector}` : ''}${a.namespace ? ` -n ${a.namespace}` : ''} ` +
            `did not succeed within ${a.timeout}s: ${(w.stderr || w.stdout).trim().split('\n').slice(-2).join(' / ')}`,
          { hint: 'look at `kubectl describe` / `kubectl logs` of the resource on the host' },
        );
      }
      return { stdout: w.stdout };
    }
    const out = ['delete', 'create', 'apply']
      .map((k) => outputs[k])
      .filter((o): o is ExecOutput => o?.kind === 'exec')
      .map((o) => o.stdout.trim());
    return { ...plan.result, stdout: out.filter(Boolean).join('\n') };
  },
});
