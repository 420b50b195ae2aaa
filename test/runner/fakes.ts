/** Fakes for runner unit tests: in-memory transports, fake modules, a fake clock, tiny inventories. */
import type { Test } from 'uvu';
import { z } from 'zod';
import { sh, type ExecCommand } from '../../src/command';
import { ConnectError, ModuleError } from '../../src/errors';
import type { RunEvent } from '../../src/events';
import type { Inventory, InventoryHost, Vars } from '../../src/inventory/types';
import { defineModule, type ModuleDefinition } from '../../src/modules/types';
import type { ModuleTask, Play, Playbook, Task } from '../../src/playbook/types';
import type { RunnerOptions } from '../../src/runner/types';
import { defaultRunnerOptions } from '../../src/runner/options';
import type { ExecResult, Transport, TransportFactory } from '../../src/transport/types';

/** A world of fake hosts: each has a key/value store; exec understands `get K` and `set K V`. */
export class FakeWorld {
  store = new Map<string, Map<string, string>>();
  execs: { host: string; display: string; become?: string; env?: Record<string, string> }[] = [];
  inFlight = 0;
  peak = 0;
  connects: string[] = [];
  unreachable = new Set<string>();
  /** Per-host delay of each exec (ms, real timers). */
  delay = new Map<string, number>();
  /** Per-host gates: a host's execs wait until its gate is released (see hold). */
  gates = new Map<string, Promise<void>>();
  /** How long a connection takes to close (ms, real timers), and the hosts whose close has returned. */
  closeDelay = 0;
  closed: string[] = [];

  /** Holds every exec on `host` until the returned release is called: order from events, not delays. */
  hold(host: string): () => void {
    let release!: () => void;
    this.gates.set(host, new Promise<void>((r) => (release = r)));
    return () => release();
  }

  kv(host: string): Map<string, string> {
    let m = this.store.get(host);
    if (!m) this.store.set(host, (m = new Map()));
    return m;
  }

  factory: TransportFactory = (h) => {
    const world = this;
    const t: Transport = {
      host: h.name,
      async connect() {
        world.connects.push(h.name);
        if (world.unreachable.has(h.name))
          throw new ConnectError(h.name, 'connection refused', { hint: 'is sshd running?' });
      },
      async exec(cmd: ExecCommand, opts = {}): Promise<ExecResult> {
        world.execs.push({ host: h.name, display: cmd.display, become: opts.become?.user, env: opts.env });
        world.inFlight++;
        world.peak = Math.max(world.peak, world.inFlight);
        try {
          await world.gates.get(h.name);
          const d = world.delay.get(h.name) ?? 0;
          await new Promise((r) => setTimeout(r, d));
          const words = cmd.script.split(' ');
          const kv = world.kv(h.name);
          if (words[0] === 'get') return ok(kv.get(words[1]!) ?? '');
          if (words[0] === 'set') {
            kv.set(words[1]!, words.slice(2).join(' '));
            return ok('');
          }
          return ok('');
        } finally {
          world.inFlight--;
        }
      },
      async put() {
        return { changed: false, sha256: '' };
      },
      async get() {
        return Buffer.from('');
      },
      async close(opts) {
        // `wait: false` frees the connection at once; otherwise the server takes closeDelay to close it
        if (opts?.wait !== false && world.closeDelay)
          await new Promise((r) => setTimeout(r, world.closeDelay));
        world.closed.push(opts?.wait === false ? `${h.name} (no wait)` : h.name);
      },
    };
    return t;
  };
}

function ok(stdout: string): ExecResult {
  return { stdout, stderr: '', code: 0, signal: null, durationMs: 0 };
}

export let applyCalls = 0;
export function resetApplyCalls(): void {
  applyCalls = 0;
}

/** `kv: {key, value}` — sets a key on the host when it differs (probe reads it first). */
const kv = defineModule({
  name: 'kv',
  description: 'set a key',
  args: z.object({ key: z.string(), value: z.string() }),
  probe: async (ctx, a) => (await ctx.exec(sh`get ${a.key}`)).stdout,
  plan: (a, current) => ({
    changes:
      current === a.value
        ? []
        : [
            {
              describe: `set ${a.key} = ${a.value}`,
              diff: { path: a.key, before: `${current}\n`, after: `${a.value}\n` },
              steps: [{ kind: 'exec' as const, cmd: sh`set ${a.key} ${a.value}` }],
            },
          ],
    result: { key: a.key, before: current },
  }),
  result: ({ args: a }) => {
    applyCalls++;
    return { value: a.value };
  },
});

/** `echo: {msg}` — controller-only, returns msg (like debug). */
const echo = defineModule({
  name: 'echo',
  description: 'echo',
  controllerOnly: true,
  args: z.object({ msg: z.unknown().optional() }),
  probe: async () => undefined,
  plan: (a) => ({ changes: [], result: { msg: a.msg } }),
});

/** `boom: {msg}` — always fails. */
const boom = defineModule({
  name: 'boom',
  description: 'fails',
  controllerOnly: true,
  args: z.object({ msg: z.string().default('boom') }),
  probe: async () => undefined,
  plan: (a) => {
    throw new ModuleError(a.msg);
  },
});

/** `touch` — always changes (connects), result {rc: 0}. Apply counts. */
const touch = defineModule({
  name: 'touch',
  description: 'always changes',
  args: z.object({ rc: z.number().default(0) }).passthrough(),
  probe: async (ctx) => (await ctx.exec(sh`true`)).code,
  plan: () => ({ changes: [{ describe: 'touch', steps: [{ kind: 'exec', cmd: sh`touch` }] }] }),
  result: ({ args: a }) => {
    applyCalls++;
    return { rc: a.rc, stdout: 'done' };
  },
});

/** `shellish` — like command without creates: unknown in check mode. */
const shellish = defineModule({
  name: 'shellish',
  description: 'unknown in check',
  controllerOnly: true,
  args: z.object({}).passthrough(),
  probe: async () => undefined,
  plan: () => ({
    changes: [{ describe: 'run it', steps: [{ kind: 'exec', cmd: sh`run it` }] }],
    unknownInCheck: true,
  }),
  result: () => {
    applyCalls++;
    return { rc: 0 };
  },
});

const counters = new Map<string, number>();
/** `count: {name}` — returns n = how many times it ran for (host,name). */
const count = defineModule({
  name: 'count',
  description: 'counter',
  controllerOnly: true,
  args: z.object({ name: z.string().default('c') }),
  probe: async () => undefined,
  plan: (a, _f, ctx) => {
    const k = `${ctx.host}/${a.name}`;
    const n = (counters.get(k) ?? 0) + 1;
    counters.set(k, n);
    return { changes: [], result: { n } };
  },
});

const setFact = defineModule({
  name: 'set_fact',
  description: 'set facts',
  controllerOnly: true,
  args: z.record(z.string(), z.unknown()),
  probe: async () => undefined,
  plan: (a) => ({ changes: [], result: { ansible_facts: a } }),
});

/** `gatherish: {...}` — returns its args as ansible_facts (like a facts module). */
const gatherish = defineModule({
  name: 'gatherish',
  description: 'facts',
  controllerOnly: true,
  args: z.record(z.string(), z.unknown()),
  probe: async () => undefined,
  plan: (a) => ({ changes: [], result: { ansible_facts: a } }),
});

/** `secretive: {password}` — puts a secret in its result and change. */
const secretive = defineModule({
  name: 'secretive',
  description: 'leaks unless no_log',
  controllerOnly: true,
  args: z.object({ password: z.string() }),
  probe: async () => undefined,
  plan: (a) => ({
    changes: [{ describe: `password is ${a.password}`, steps: [] }],
    result: { token: a.password, seen: a.password },
  }),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fakeModules: Record<string, ModuleDefinition<any, any, any>> = {
  kv,
  echo,
  boom,
  touch,
  shellish,
  count,
  set_fact: setFact,
  secretive,
  gatherish,
};

export function resetCounters(): void {
  counters.clear();
}

export class FakeClock {
  t = 1_000_000;
  sleeps: number[] = [];
  now = () => this.t;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

/** A tiny inventory: groups → hosts, with vars. */
export function fakeInventory(spec: {
  hosts: Record<string, Vars>;
  groups?: Record<string, { hosts: string[]; vars?: Vars }>;
}): Inventory {
  const groups = new Map(
    Object.entries(spec.groups ?? {}).map(([name, g]) => [
      name,
      { name, hosts: g.hosts, children: [], vars: g.vars ?? {} },
    ]),
  );
  const hosts = new Map<string, InventoryHost>();
  for (const [name, vars] of Object.entries(spec.hosts)) {
    const gs = ['all', ...[...groups.values()].filter((g) => g.hosts.includes(name)).map((g) => g.name)];
    hosts.set(name, { name, vars, groups: gs });
  }
  return {
    hosts,
    groups,
    hostVars(host) {
      const h = hosts.get(host)!;
      const out: Vars = {};
      for (const g of h.groups) Object.assign(out, groups.get(g)?.vars ?? {});
      Object.assign(out, h.vars);
      out['inventory_hostname'] = host;
      out['group_names'] = h.groups.filter((g) => g !== 'all');
      return out;
    },
    select(pattern) {
      const out = new Set<string>();
      for (const p of pattern.split(/[:,]/)) {
        if (p === 'all' || p === '*') for (const h of hosts.keys()) out.add(h);
        else if (groups.has(p)) for (const h of groups.get(p)!.hosts) out.add(h);
        else if (hosts.has(p)) out.add(p);
      }
      return [...hosts.keys()].filter((h) => out.has(h));
    },
  };
}

let line = 1;
const loc = () => ({ file: '/pb/site.yml', line: line++, col: 5 });

/** A module task. */
export function task(module: string, args: Vars = {}, extra: Partial<ModuleTask> = {}): ModuleTask {
  const l = loc();
  return { type: 'module', module, args, argsLoc: { ...l, col: 7 }, loc: l, tags: [], ...extra };
}

export function block(
  body: Task[],
  rescue: Task[] = [],
  always: Task[] = [],
  extra: Record<string, unknown> = {},
): Task {
  return { type: 'block', block: body, rescue, always, loc: loc(), tags: [], ...extra } as Task;
}

export function play(tasks: Task[], extra: Partial<Play> = {}): Play {
  return {
    name: 'test play',
    loc: loc(),
    hosts: 'all',
    vars: {},
    varsFiles: [],
    serial: [],
    anyErrorsFatal: false,
    gatherFacts: false,
    strategy: 'linear',
    tags: [],
    preTasks: [],
    tasks,
    postTasks: [],
    handlers: [],
    ...extra,
  };
}

export function playbook(...plays: Play[]): Playbook {
  return { file: '/pb/site.yml', dir: '/pb', plays };
}

export function options(
  world: FakeWorld,
  events: RunEvent[],
  extra: Partial<RunnerOptions> = {},
): RunnerOptions {
  return defaultRunnerOptions({
    transportFactory: world.factory,
    emit: (e) => events.push(e),
    modules: (n) => fakeModules[n.replace(/^ansible\.builtin\./, '')],
    clock: new FakeClock(),
    ...extra,
  });
}

export type TaskResultEvent = Extract<RunEvent, { kind: 'task-result' }>;
export function results(events: RunEvent[]): TaskResultEvent[] {
  return events.filter((e): e is TaskResultEvent => e.kind === 'task-result');
}

/** Hosts `a` and `b`, no variables: the inventory most runner tests use. */
export const two = (): Inventory => fakeInventory({ hosts: { a: {}, b: {} } });

/** Register the per-test reset of the fake modules' counters on `suite` (each test file calls it once). */
export function freshFakesEachTest(suite: Test): void {
  suite.before.each(() => {
    resetApplyCalls();
    resetCounters();
  });
}
