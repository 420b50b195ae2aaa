/** The runner: plays × hosts, waves, forks, handlers, block/rescue, loops, retries. Owned by the runner area. */
import fs from 'node:fs';
import path from 'node:path';
import { ExitCode, formatLoc, PlaybookError } from '../errors';
import type { HostCounts, RunEvent } from '../events';
import type { Inventory, Vars } from '../inventory/types';
import type { Play, Playbook } from '../playbook/types';
import type { Transport } from '../transport/types';
import { LockstepBarrier, Semaphore, type StepInfo } from './concurrency';
import { HostState } from './host-state';
import { defaultRunnerOptions } from './options';
import type { RunShared, WaveRun } from './play-context';
import { walkHost } from './play-walker';
import type { RunnerOptions, RunSummary } from './types';
import { orderHosts, resolvePlayKeywords } from '../playbook/play-keywords';
import {
  groupsMap,
  makeHostvars,
  renderHostPattern,
  resolveTemplatedVars,
  type PlayScope,
} from './variables';
import { planWavesDetailed } from './wave-planner';
import { groupLimits } from './group-limits';
import { trackSecretVars } from './secret-tracking';

export { defaultRunnerOptions } from './options';
export type { RunnerOptions, RunSummary, Clock, TemplarLike, ModuleLookup, RunnerLoader } from './types';

export async function runPlaybook(
  playbook: Playbook,
  inventory: Inventory,
  options: RunnerOptions,
): Promise<RunSummary> {
  const opts = { ...defaultRunnerOptions(), ...stripUndefined(options) } as RunnerOptions;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  if (opts.signal) {
    if (opts.signal.aborted) abort.abort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  const now = () => opts.clock.now();
  const emit = (e: RunEvent) => {
    try {
      opts.emit(e);
    } catch {
      // a reporter that throws must not break the run
    }
  };
  const hosts = new Map<string, HostState>();
  let local: Promise<Transport> | undefined;
  const shared: RunShared = {
    opts,
    templar: opts.templar!,
    modules: opts.modules!,
    loader: opts.loader!,
    playbook,
    inventory,
    hosts,
    localTransport: () => {
      if (!local) {
        local = (async () => {
          const t = opts.transportFactory({ name: 'localhost', vars: { ansible_connection: 'local' } });
          await t.connect();
          return t;
        })();
        local.catch(() => {});
      }
      return local;
    },
    forks: new Semaphore(opts.forks),
    signal: abort.signal,
    emit,
    now,
  };
  // Every play's host pattern renders before anything runs (as `validate` checks): a templated `hosts:`
  // that is undefined in play 2 is a load error, not a failure after play 1 has changed hosts.
  for (const play of playbook.plays) renderHostPattern(shared.templar, play, opts.extraVars);
  const started = now();
  emit({ kind: 'run-start', time: started, playbook: playbook.file, check: opts.check, diff: opts.diff });
  let interrupted = false;
  const stop = { canary: false };
  try {
    for (const play of playbook.plays) {
      if (abort.signal.aborted) break;
      // a play broken by failures ends the run (ansible-playbook's break_play): later plays do not start
      if (await runPlay(shared, play, stop)) break;
    }
  } catch (e) {
    if (!(e instanceof Error && e.name === 'AbortError')) throw e;
  } finally {
    interrupted = abort.signal.aborted;
    opts.signal?.removeEventListener('abort', onAbort);
    // awaitClose false: each connection is ended and its socket closed at once (no wait for the host)
    const wait = opts.awaitClose !== false;
    await Promise.all([
      ...[...hosts.values()].map((h) => h.close({ wait })),
      ...(local ? [local.then((t) => t.close()).catch(() => {})] : []),
    ]);
  }
  const counts: Record<string, HostCounts> = {};
  // as in ansible-playbook, a host no task ever reached (a later batch after a stop) is not in the recap
  for (const [name, h] of hosts)
    if (h.unreachable || Object.values(h.counts).some((n) => n > 0)) counts[name] = { ...h.counts };
  emit({
    kind: 'recap',
    time: now(),
    hosts: counts,
    durationMs: now() - started,
    ...(shared.customStats ? { customStats: shared.customStats } : {}),
  });
  const failedHosts = [...hosts.values()].filter((h) => h.counts.failed > 0).map((h) => h.name);
  const unreachableHosts = [...hosts.values()]
    .filter((h) => h.unreachable || h.counts.unreachable > 0)
    .map((h) => h.name);
  const changed = [...hosts.values()].some((h) => h.counts.changed > 0);
  let exitCode: number = ExitCode.OK;
  if (interrupted || stop.canary) exitCode = ExitCode.INTERRUPTED;
  else if (failedHosts.length) exitCode = ExitCode.TASK_FAILED;
  else if (unreachableHosts.length) exitCode = ExitCode.UNREACHABLE;
  else if (opts.detailedExitCode && opts.check && changed) exitCode = ExitCode.CHANGES_PENDING;
  emit({ kind: 'run-end', time: now(), exitCode });
  return { exitCode, hosts: counts, failedHosts, unreachableHosts, changed };
}

/** Run one play; true when failures broke it (any_errors_fatal, max_fail_percentage, a whole wave failed). */
async function runPlay(shared: RunShared, written: Play, stop: { canary: boolean }): Promise<boolean> {
  const { opts, inventory } = shared;
  let play = written;
  const pattern = renderHostPattern(shared.templar, play, shared.opts.extraVars);
  let selected = inventory.select(pattern);
  if (opts.limit) {
    const limit = new Set(inventory.select(opts.limit));
    selected = selected.filter((h) => limit.has(h));
  }
  for (const name of selected) {
    if (!shared.hosts.has(name)) shared.hosts.set(name, new HostState(name, inventory.hostVars(name)));
  }
  // hosts that failed or became unreachable in an earlier play sit the rest of the run out
  let playHosts = selected.filter((h) => {
    const s = shared.hosts.get(h)!;
    return !s.failed && !s.unreachable;
  });
  const name = playName(shared, play);
  if (playHosts.length === 0) {
    shared.emit({ kind: 'play-start', time: shared.now(), play: name, hosts: [] });
    shared.emit({
      kind: 'warning',
      time: shared.now(),
      msg: `${formatLoc(play.loc)}: no hosts matched '${pattern}'${opts.limit ? ` with --limit ${opts.limit}` : ''}, skipping the play`,
    });
    shared.emit({ kind: 'play-end', time: shared.now(), play: name });
    return false;
  }
  const baseVars: Vars = { ...play.vars };
  const varsFilesVars = await loadVarsFiles(shared, play, baseVars);
  // serial, gather_facts, strategy, order, ... written as templates: rendered with the play's variables
  if (play.templated) {
    const vars = resolveTemplatedVars({ ...play.vars, ...varsFilesVars, ...opts.extraVars }, shared.templar);
    play = resolvePlayKeywords(play, (t) => shared.templar.render(t, vars));
  }
  playHosts = orderHosts(playHosts, play.order);
  const canary = opts.canary ?? play.canary;
  const planned = planWavesDetailed(playHosts, play.serial, {
    ...(canary !== undefined ? { canary } : {}),
    perGroup: groupLimits(inventory, opts.perGroupLimit),
  });
  const waves = planned.map((w) => w.hosts);
  let stopPlay = false;
  let failedOut = false;
  for (let i = 0; i < waves.length && !stopPlay && !shared.signal.aborted; i++) {
    const waveHosts = waves[i]!;
    if (i > 0 && planned[i - 1]!.canary) {
      // the canary wave is done: its result was shown; go on only when the operator says so
      const go = opts.confirmCanary
        ? await opts.confirmCanary({
            play: name,
            canary: waves[i - 1]!,
            remaining: waves.slice(i).flat().length,
          })
        : true;
      if (!go) {
        stop.canary = true;
        return true;
      }
    }
    shared.emit({
      kind: 'play-start',
      time: shared.now(),
      play: name,
      hosts: waveHosts,
      ...(waves.length > 1 ? { wave: { index: i + 1, count: waves.length } } : {}),
    });
    const wave = makeWave(shared, play, name, waveHosts, playHosts, varsFilesVars);
    // allSettled: every host's walk has ended (connections idle) before the run can end or abort
    const walks = await Promise.allSettled(
      waveHosts.map(async (h) => {
        const hr = { state: shared.hosts.get(h)!, ended: false, occurrences: new Map<object, number>() };
        try {
          await walkHost(wave, hr);
        } finally {
          wave.leave(h);
        }
      }),
    );
    const crash = walks.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    if (crash) throw crash.reason;
    if (wave.stopped && !wave.batchOnly) stopPlay = true;
    if (
      wave.failedOut ||
      (play.maxFailPercentage !== undefined && failedPercent(wave) > play.maxFailPercentage) ||
      waveHosts.every((h) => shared.hosts.get(h)!.failed || shared.hosts.get(h)!.unreachable)
    )
      stopPlay = failedOut = true;
    shared.emit({ kind: 'play-end', time: shared.now(), play: name });
  }
  return failedOut;
}

function failedPercent(wave: WaveRun): number {
  return (wave.failedHosts.size / Math.max(1, wave.waveHosts.length)) * 100;
}

function makeWave(
  shared: RunShared,
  play: Play,
  name: string,
  waveHosts: string[],
  playHosts: string[],
  varsFilesVars: Vars,
): WaveRun & { leave(h: string): void } {
  const scope: PlayScope = {
    inventory: shared.inventory,
    hosts: shared.hosts,
    playVars: play.vars,
    varsFilesVars,
    roleDefaults: play.roleDefaults,
    roleVars: play.roleVars,
    ...(play.connection !== undefined ? { connection: play.connection } : {}),
    extraVars: shared.opts.extraVars,
    magic: {},
    templar: shared.templar,
  };
  scope.magic = {
    groups: groupsMap(shared.inventory),
    hostvars: makeHostvars(scope),
    ansible_play_batch: waveHosts,
    ansible_play_hosts_all: playHosts,
    ansible_play_name: name,
    ansible_check_mode: shared.opts.check,
    ansible_diff_mode: shared.opts.diff,
    ansible_verbosity: shared.opts.verbosity,
    ansible_run_tags: shared.opts.tags.length ? shared.opts.tags : ['all'],
    ansible_skip_tags: shared.opts.skipTags,
    playbook_dir: shared.playbook.dir,
    ansible_forks: shared.opts.forks,
  };
  // play_hosts / ansible_play_hosts: the wave's hosts still active (not failed, not unreachable), as Ansible
  // cached by the size of the failed set: the same array (identity) until another host fails
  let activeCache: { failed: number; hosts: string[] } | undefined;
  const active = () => {
    if (activeCache?.failed !== wave.failedHosts.size) {
      const hosts = waveHosts.filter((h) => {
        const st = shared.hosts.get(h);
        return !st || (!st.failed && !st.unreachable && !wave.failedHosts.has(h));
      });
      activeCache = { failed: wave.failedHosts.size, hosts };
    }
    return activeCache.hosts;
  };
  Object.defineProperty(scope.magic, 'play_hosts', { enumerable: true, get: active });
  Object.defineProperty(scope.magic, 'ansible_play_hosts', { enumerable: true, get: active });
  const started = new Set<object>();
  const emitStart = (info: StepInfo, hosts: string[]) =>
    shared.emit({
      kind: 'task-start',
      time: shared.now(),
      play: name,
      task: info.name,
      loc: info.loc,
      hosts,
      ...(info.handler ? { handler: true } : {}),
    });
  const leaders = new Map<object, string>();
  const rank = new Map(waveHosts.map((h, i) => [h, i]));
  const barrier =
    play.strategy === 'linear'
      ? new LockstepBarrier(waveHosts, (groups) => {
          for (const g of groups)
            leaders.set(
              g.info.key,
              g.hosts.reduce((a, b) => (rank.get(a)! <= rank.get(b)! ? a : b)),
            );
          // the play was stopped while hosts waited here: no banner for a step nobody runs
          if (wave.stopped || shared.signal.aborted) return;
          for (const g of groups) emitStart(g.info, g.hosts);
        })
      : undefined;
  const wave: WaveRun & { leave(h: string): void } = {
    shared,
    play,
    scope,
    waveHosts,
    failedHosts: new Set(),
    stopped: false,
    runOnce: new Map(),
    ...(barrier ? { leaderOf: (key: object) => leaders.get(key) } : {}),
    includedHandlers: new Set(),
    sync: async (host, info) => {
      if (barrier) return barrier.arrive(host, info);
      if (info && !started.has(info.key)) {
        started.add(info.key);
        emitStart(info, [host]);
      }
    },
    hostFailed(host, anyErrorsFatal) {
      wave.failedHosts.add(host);
      if (
        anyErrorsFatal ||
        (play.maxFailPercentage !== undefined && failedPercent(wave) > play.maxFailPercentage)
      )
        wave.stopped = wave.failedOut = true;
    },
    leave(h) {
      barrier?.leave(h);
    },
  };
  return wave;
}

function playName(shared: RunShared, play: Play): string {
  try {
    return String(shared.templar.render(play.name, { ...play.vars, ...shared.opts.extraVars }));
  } catch {
    return play.name;
  }
}

async function loadVarsFiles(shared: RunShared, play: Play, vars: Vars): Promise<Vars> {
  const out: Vars = {};
  for (const entry of play.varsFiles) {
    const candidates = Array.isArray(entry) ? entry : [entry];
    const files = candidates.map((f) => {
      try {
        const file = String(shared.templar.render(f, { ...vars, ...out, ...shared.opts.extraVars }));
        return path.resolve(shared.playbook.dir, file);
      } catch (e) {
        throw new PlaybookError(`vars_files entry "${f}": ${(e as Error).message}`, play.loc, {
          hint: 'vars_files are rendered with the play vars and -e extra vars only',
        });
      }
    });
    // a list: the first file that exists (Ansible's first_found), an error when none does
    const file = Array.isArray(entry) ? files.find((f) => fs.existsSync(f)) : files[0];
    if (file === undefined)
      throw new PlaybookError(`vars_files: none of ${files.join(', ')} exists`, play.loc, {
        hint: 'a list inside vars_files names candidates; the first that exists is read',
      });
    const loaded = await shared.loader.loadVarsFile(file, play.loc);
    trackSecretVars(shared.opts.secrets, loaded);
    Object.assign(out, loaded);
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type { Inventory };
