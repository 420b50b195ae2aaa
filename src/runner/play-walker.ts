/**
 * Walks one host through a play: gather facts, pre_tasks/tasks/post_tasks with handler flushes,
 * blocks with rescue/always, include_tasks, meta actions, run_once, tags.
 */
import path from 'node:path';
import { formatLoc } from '../errors';
import type { Vars } from '../inventory/types';
import type { IncludeTask, ModuleTask, Task, BlockTask } from '../playbook/types';
import { withInheritedNotify } from '../playbook/task-loader';
import { Templar } from '../template/index';
import type { StepInfo } from './concurrency';
import { gatherFacts } from './gather-step';
import { errorOutcome } from './module-call';
import {
  inheritKeywords,
  type HostRun,
  type RunOnceSlot,
  type SharedOutcome,
  type WaveRun,
} from './play-context';
import { shouldRunTags } from './tags';
import { handlerKey, knownHandlers } from './task-effects';
import { executeTask } from './task-executor';
import { throttleOf } from './throttle';
import { skipAsDone } from './resume';
import { doneBefore, doneOnce } from './resume-state';
import { countRescued, reportTaskResult } from './task-report';
import { loopItems } from './task-loop';
import { enterRole, taskVars, type TaskScope, rootScope } from './variables';

type WalkEnd = 'ok' | 'failed' | 'end';

/**
 * Modules whose whole effect is the run's own state (facts, the in-memory inventory, statistics) and that
 * change nothing on a host: a resumed run runs them again instead of skipping them as done.
 */
const RUN_STATE = new Set(['setup', 'add_host', 'group_by', 'set_stats']);

export async function walkHost(wave: WaveRun, hr: HostRun): Promise<WalkEnd> {
  const play = wave.play;
  const root = rootScope(play);
  let end: WalkEnd = 'ok';
  if (play.gatherFacts) end = await gatherFacts(wave, hr, root);
  for (const section of [play.preTasks, play.tasks, play.postTasks]) {
    if (end !== 'ok') break;
    end = await runTasks(wave, hr, section, root);
    if (end === 'ok') end = await flushHandlers(wave, hr, root);
  }
  const force = wave.shared.opts.forceHandlers || play.forceHandlers === true;
  if (end === 'failed' && force && !hr.state.unreachable) await flushHandlers(wave, hr, root);
  if (end === 'failed') {
    hr.state.failed = true;
  }
  return end;
}

async function runTasks(wave: WaveRun, hr: HostRun, tasks: Task[], scope: TaskScope): Promise<WalkEnd> {
  for (const task of tasks) {
    if (wave.stopped || hr.ended) return 'end';
    if (wave.shared.signal.aborted) return 'end';
    let r: WalkEnd;
    if (task.type === 'block') r = await runBlock(wave, hr, task, scope);
    else if (task.type === 'include') r = await runInclude(wave, hr, task, scope);
    else if (task.module === 'meta' || task.module.endsWith('.meta'))
      r = await runMeta(wave, hr, task, scope);
    else r = await runModuleStep(wave, hr, task, scope);
    if (r !== 'ok') return r;
  }
  return 'ok';
}

function childScope(scope: TaskScope, node: Task, extra: Partial<TaskScope> = {}): TaskScope {
  const inner: TaskScope = {
    blockVars: scope.blockVars,
    includeVars: scope.includeVars,
    includeLoopVars: scope.includeLoopVars,
    tags: union(scope.tags, node.tags),
    when: scope.when,
    rescuable: scope.rescuable,
    inherited: inheritKeywords(scope.inherited, node),
    roleDefaults: scope.roleDefaults,
    roleParams: scope.roleParams,
    role: scope.role,
    ...extra,
  };
  return node.role ? enterRole(inner, node.role) : inner;
}

async function runBlock(wave: WaveRun, hr: HostRun, block: BlockTask, scope: TaskScope): Promise<WalkEnd> {
  const base = childScope(scope, block, {
    blockVars: block.vars ? [...scope.blockVars, block.vars] : scope.blockVars,
    when: [...scope.when, ...(block.when ?? [])],
  });
  const body = block.rescue.length ? { ...base, rescuable: base.rescuable + 1 } : base;
  let r = await runTasks(wave, hr, block.block, body);
  if (r === 'failed' && block.rescue.length && !wave.stopped) {
    countRescued(hr);
    if (hr.lastFailure) {
      hr.state.dynamicVars['ansible_failed_task'] = hr.lastFailure.task;
      hr.state.dynamicVars['ansible_failed_result'] = hr.lastFailure.result;
    }
    r = await runTasks(wave, hr, block.rescue, base);
  }
  if (block.always.length && !hr.ended && !wave.shared.signal.aborted) {
    const a = await runTasks(wave, hr, block.always, base);
    if (a !== 'ok') r = a;
  }
  return r;
}

async function runInclude(wave: WaveRun, hr: HostRun, inc: IncludeTask, scope: TaskScope): Promise<WalkEnd> {
  const { shared } = wave;
  const tags = union(scope.tags, inc.tags);
  if (!shouldRunTags(tags, shared.opts.tags, shared.opts.skipTags)) return 'ok';
  // an include_role with handlers makes them known to the play: in linear mode every host first finishes
  // the step before, so the notifies sent there bind as in Ansible (before the include's handlers exist)
  if (inc.handlersId) {
    await wave.sync(hr.state.name);
    if (wave.stopped || shared.signal.aborted) return 'end';
  }
  const vars = taskVars(wave.scope, hr.state, scope, inc.vars);
  const name = `include_tasks: ${inc.file}`;
  const loc = formatLoc(inc.loc);
  const report = (status: 'failed' | 'skipped', msg: string, result?: Record<string, unknown>): void =>
    reportTaskResult(
      shared,
      hr,
      {
        task: name,
        loc,
        module: 'include_tasks',
        status,
        startedAt: shared.now(),
        durationMs: 0,
        msg,
        ...(result ? { result } : {}),
        check: shared.opts.check,
      },
      { rescuable: scope.rescuable },
    );
  const fail = (msg: string): WalkEnd => {
    const result = { failed: true, changed: false, msg };
    hr.lastFailure = { task: { name, action: 'include_tasks', loc }, result };
    report('failed', msg, result);
    if (scope.rescuable === 0)
      wave.hostFailed(hr.state.name, scope.inherited.anyErrorsFatal ?? wave.play.anyErrorsFatal);
    return 'failed';
  };
  let items: unknown[] = [undefined];
  try {
    for (const c of [...scope.when, ...(inc.when ?? [])]) {
      if (!shared.templar.condition(c, vars)) {
        report('skipped', `Conditional result was False: ${String(c)}`);
        return 'ok';
      }
    }
    if (inc.loop !== undefined) {
      const l = loopItems(shared.templar, inc, vars);
      if (!Array.isArray(l)) return fail(`loop must be a list (${loc})`);
      items = l;
    }
  } catch (e) {
    return fail(errorOutcome(e).msg ?? String(e));
  }
  const loopVar = inc.loopControl?.loopVar ?? 'item';
  for (let i = 0; i < items.length; i++) {
    const loopVars: Vars = inc.loop !== undefined ? { [loopVar]: items[i] } : {};
    if (inc.loop !== undefined && inc.loopControl?.indexVar) loopVars[inc.loopControl.indexVar] = i;
    let tasks: Task[];
    let file: string;
    try {
      file = path.resolve(inc.baseDir, String(shared.templar.render(inc.file, { ...vars, ...loopVars })));
      tasks = await shared.loader.loadTaskFile(file, inc.loc);
      // an enclosing block's notify reaches the included tasks, as in Ansible
      if (inc.inheritedNotify) tasks = withInheritedNotify(tasks, inc.inheritedNotify);
    } catch (e) {
      // a problem located at this include already names its place: the result line adds it once
      const msg = e instanceof Error ? e.message : String(e);
      return fail(msg.startsWith(`${loc}: `) ? msg.slice(loc.length + 2) : msg);
    }
    shared.emit({
      kind: 'log',
      time: shared.now(),
      host: hr.state.name,
      level: 1,
      msg: `included: ${file} for ${hr.state.name}`,
    });
    // ansible-playbook counts each included file (per host, per loop item) as an ok task
    if (!inc.role) hr.state.counts.ok++;
    // an include_role's handlers join the play's handlers once it has run (for any host, as in Ansible)
    if (inc.handlersId) wave.includedHandlers.add(inc.handlersId);
    const inner = childScope(scope, inc, {
      tags,
      includeVars: [...scope.includeVars, { ...(inc.vars ?? {}), ...loopVars }],
      includeLoopVars:
        inc.loop !== undefined ? [...(scope.includeLoopVars ?? []), loopVars] : scope.includeLoopVars,
    });
    const r = await runTasks(wave, hr, tasks, inner);
    if (r !== 'ok') return r;
  }
  return 'ok';
}

async function runMeta(wave: WaveRun, hr: HostRun, task: ModuleTask, scope: TaskScope): Promise<WalkEnd> {
  const action = String(task.args['_raw_params'] ?? task.args['action'] ?? '').trim();
  // a step of its own in linear mode: every host has finished the previous task before a meta acts
  await wave.sync(hr.state.name);
  if (wave.stopped || wave.shared.signal.aborted) return 'end';
  if (action !== 'flush_handlers' && task.when?.length) {
    const vars = taskVars(wave.scope, hr.state, scope, task.vars);
    try {
      if (![...scope.when, ...task.when].every((c) => wave.shared.templar.condition(c, vars))) return 'ok';
    } catch {
      return 'ok';
    }
  }
  switch (action) {
    case 'flush_handlers':
      return flushHandlers(wave, hr, scope);
    case 'end_play':
      wave.stopped = true;
      return 'end';
    case 'end_batch':
      // ends this wave for every host; the next wave (serial) still runs
      wave.stopped = true;
      wave.batchOnly = true;
      return 'end';
    case 'end_host':
      hr.ended = true;
      return 'end';
    case 'clear_host_errors':
      // hosts of this wave that failed take part in the next plays again (their failures stay counted)
      for (const h of wave.failedHosts) {
        const st = wave.shared.hosts.get(h);
        if (st && !st.unreachable) st.failed = false;
      }
      wave.failedHosts.clear();
      return 'ok';
    case 'clear_facts':
      hr.state.facts = {};
      hr.state.factsCache.invalidate();
      return 'ok';
    case 'noop':
    case 'refresh_inventory':
    case 'reset_connection':
      return 'ok';
    default:
      wave.shared.emit({
        kind: 'warning',
        time: wave.shared.now(),
        host: hr.state.name,
        msg: `${formatLoc(task.loc)}: unknown meta action '${action}'`,
      });
      return 'ok';
  }
}

function displayName(wave: WaveRun, task: ModuleTask, vars: Vars): string {
  if (!task.name) return task.module;
  try {
    return String(wave.shared.templar.render(task.name, vars));
  } catch {
    return task.name;
  }
}

async function runModuleStep(
  wave: WaveRun,
  hr: HostRun,
  task: ModuleTask,
  scope: TaskScope,
  handler = false,
): Promise<WalkEnd> {
  const { shared } = wave;
  const tags = union(scope.tags, task.tags);
  if (!handler && !shouldRunTags(tags, shared.opts.tags, shared.opts.skipTags)) return 'ok';
  const templatedName = task.name !== undefined && Templar.isTemplated(task.name);
  const name = templatedName
    ? displayName(wave, task, taskVars(wave.scope, hr.state, scope, task.vars))
    : (task.name ?? task.module);
  const info: StepInfo = { key: task, name, loc: formatLoc(task.loc), ...(handler ? { handler: true } : {}) };
  await wave.sync(hr.state.name, info);
  if (wave.stopped || shared.signal.aborted) return 'end';
  if (!handler && shared.opts.confirmStep && !(await stepWanted(wave, hr, task, info))) {
    hr.occurrences.set(task, (hr.occurrences.get(task) ?? 0) + 1);
    return 'ok';
  }
  // built after the step's barrier: what other hosts did in the previous step (failures, set_fact) is visible
  const vars = taskVars(wave.scope, hr.state, scope, task.vars);
  shared.emit({
    kind: 'host-task-start',
    time: shared.now(),
    host: hr.state.name,
    task: name,
    loc: info.loc,
    ...(handler ? { handler: true } : {}),
  });
  const sc: TaskScope = { ...scope, tags, inherited: inheritKeywords(scope.inherited, task) };
  const n = (hr.occurrences.get(task) ?? 0) + 1;
  hr.occurrences.set(task, n);
  // runs resume: a task this host finished before is not run again (run_once tasks: below, once per wave)
  const resumed =
    shared.opts.resume && !sc.inherited.runOnce && !RUN_STATE.has(shared.modules(task.module)?.name ?? '')
      ? doneBefore(shared.opts.resume, hr.state.name, info.loc)
      : undefined;
  if (resumed) {
    skipAsDone(wave, hr, task, resumed, { name, loc: info.loc, handler }, vars);
    return 'ok';
  }
  let end;
  // add_host bypasses the host loop (Ansible's BYPASS_HOST_LOOP): one host runs it, like run_once, but
  // nothing is copied to the others (only that host registers the result)
  const bypass = !sc.inherited.runOnce && shared.modules(task.module)?.bypassHostLoop === true;
  if (sc.inherited.runOnce || bypass) {
    const byTask = wave.runOnce.get(task) ?? new Map<number, RunOnceSlot>();
    wave.runOnce.set(task, byTask);
    let slot = byTask.get(n);
    if (!slot) {
      let resolve!: (o: SharedOutcome) => void;
      const outcome = new Promise<SharedOutcome>((r) => (resolve = r));
      slot = { claimed: false, outcome, resolve };
      byTask.set(n, slot);
    }
    // the first host of the batch runs it (linear); under strategy free, the first host to get here
    const leader = wave.leaderOf?.(task);
    if (leader !== undefined ? leader !== hr.state.name : slot.claimed) {
      const o = await slot.outcome;
      if (bypass) return 'ok';
      if (task.register) hr.state.dynamicVars[task.register] = o.result;
      if (o.facts) Object.assign(hr.state.dynamicVars, o.facts);
      return 'ok';
    }
    slot.claimed = true;
    const before = { ...hr.state.dynamicVars };
    // runs resume: done in the resumed run (by a host of this wave) — skipped as done, its result shared
    const once = shared.opts.resume
      ? doneOnce(shared.opts.resume, wave.waveHosts, info.loc, wave.play.serial.length === 0)
      : undefined;
    try {
      if (once) skipAsDone(wave, hr, task, once, { name, loc: info.loc, handler }, vars);
      else end = await shared.forks.with(() => executeTask(wave, hr, task, sc, { name, handler, vars }));
    } finally {
      const facts: Vars = {};
      for (const [k, v] of Object.entries(hr.state.dynamicVars))
        if (before[k] !== v && k !== task.register) facts[k] = v;
      slot.resolve({
        status: 'ok',
        result: (task.register ? hr.state.dynamicVars[task.register] : {}) as Record<string, unknown>,
        facts,
      });
    }
  } else {
    const run = () => shared.forks.with(() => executeTask(wave, hr, task, sc, { name, handler, vars }));
    const limit = sc.inherited.throttle;
    end = limit ? await throttleOf(shared, task, limit).with(run) : await run();
  }
  if (end === 'unreachable') {
    hr.state.unreachable = true;
    hr.ended = true;
    wave.hostFailed(hr.state.name, false);
    return 'end';
  }
  if (end === 'failed') {
    if (sc.rescuable === 0)
      wave.hostFailed(hr.state.name, sc.inherited.anyErrorsFatal ?? wave.play.anyErrorsFatal);
    return 'failed';
  }
  return 'ok';
}

/** `--step` answers, per task and occurrence, shared by the hosts of the step; `continue` stops asking. */
const stepAnswers = new WeakMap<object, Map<ModuleTask, Map<number, Promise<boolean>>>>();
const stepOff = new WeakSet<object>();

function stepWanted(wave: WaveRun, hr: HostRun, task: ModuleTask, info: StepInfo): Promise<boolean> {
  const { shared } = wave;
  if (stepOff.has(shared.opts)) return Promise.resolve(true);
  let byTask = stepAnswers.get(shared.opts);
  if (!byTask) stepAnswers.set(shared.opts, (byTask = new Map()));
  let byN = byTask.get(task);
  if (!byN) byTask.set(task, (byN = new Map()));
  const n = (hr.occurrences.get(task) ?? 0) + 1;
  let answer = byN.get(n);
  if (!answer) {
    answer = shared.opts.confirmStep!({ name: info.name, loc: info.loc }).then((a) => {
      if (a === 'continue') stepOff.add(shared.opts);
      return a !== 'no';
    });
    byN.set(n, answer);
  }
  return answer;
}

/** Run the notified handlers, in the order the play knows them, once each; in linear mode every host takes each step. */
async function flushHandlers(wave: WaveRun, hr: HostRun, scope: TaskScope): Promise<WalkEnd> {
  const handlers = knownHandlers(wave);
  if (handlers.length === 0) return 'ok';
  const hs = hr.state;
  const hscope: TaskScope = {
    ...rootScope(wave.play),
    blockVars: scope.blockVars,
    includeVars: scope.includeVars,
    includeLoopVars: scope.includeLoopVars,
  };
  let result: WalkEnd = 'ok';
  for (const h of handlers) {
    const key = handlerKey(h);
    if (!hs.notified.has(key) || result !== 'ok' || hr.ended || wave.stopped) {
      if (!hr.ended && !wave.stopped) await wave.sync(hs.name);
      continue;
    }
    hs.notified.delete(key);
    const r = await runModuleStep(wave, hr, h, h.role ? enterRole(hscope, h.role) : hscope, true);
    if (r !== 'ok') result = r;
  }
  return result;
}

function union(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])];
}
