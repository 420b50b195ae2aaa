/**
 * `remediate run PLAYBOOK -i INVENTORY ...`: inventory → playbook → transports → reporter → runner, then
 * the retry file. Exit codes come from the run summary (0, 2, 3, 10) or 99 after Ctrl-C.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { Secret } from '../command';
import { ExitCode, RemediateError, UsageError } from '../errors';
import type { RunEvent } from '../events';
import { InventoryData, loadInventory } from '../inventory';
import type { Playbook } from '../playbook/types';
import type { TransportFactoryOptions } from '../transport';
import {
  applyAnsibleConfig,
  applyConfigBecomeMethod,
  loadAnsibleConfig,
  type AnsibleConfig,
} from './ansible-config';
import { askBecomePassword, passphrasePrompter } from './become-prompt';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { mergeExtraVars } from './extra-vars';
import {
  checkReadableFile,
  collect,
  collectList,
  increaseVerbosity,
  nonNegativeInt,
  positiveInt,
  seconds,
} from './option-parsers';
import { listHosts, listTags, listTasks } from './playbook-listing';
import { runDigests } from './run-digests';
import { failedHostsOf, finishRun, openRunJournal, selectHosts } from './run-journal-io';
import { parseShard, retryFilesWanted, writeRetryFile } from './run-session';
import { reportFormatError } from '../report/fleet-report';
import { canaryConfirmer, stepConfirmer } from './canary-prompt';
import { parseCanary, parseGroupLimit, printWavePlan } from './wave-plan';
import { addSecretLiterals } from './secret-literals';
import { SecretValues } from '../secrets/secret-values';
import { addVaultOptions, setupVault, type VaultCliOpts } from './vault-options';

/**
 * After Ctrl-C, how long running commands may finish before their connections are closed; after twice
 * that the CLI exits 99 even if a command still runs (a local command in its own process group).
 */
const SIGINT_GRACE_MS = 3000;

export interface RunOpts extends VaultCliOpts {
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  forks?: number;
  output?: 'pretty' | 'plain' | 'json';
  verbose: number;
  forceHandlers?: boolean;
  detailedExitcode?: boolean;
  askBecomePass?: boolean;
  become?: boolean;
  becomeUser?: string;
  user?: string;
  privateKey?: string;
  sshConfig?: string;
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  connectTimeout?: number;
  timeout?: number;
  connectRetries?: number;
  /** `--task-timeout N` (ansible.cfg task_timeout, ANSIBLE_TASK_TIMEOUT): default `timeout:` of tasks. */
  taskTimeout?: number;
  journal?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  /** `--start-at-task NAME` (a glob). */
  startAtTask?: string;
  /** `--step`: confirm each task (terminal only). */
  step?: boolean;
  /** `-k/--ask-pass`. */
  askPass?: boolean;
  /** `-c/--connection`. */
  connection?: 'local' | 'ssh' | 'paramiko' | 'smart';
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** `--become-method sudo|su`. */
  becomeMethod?: 'sudo' | 'su';
  /** `--retry-file` / `--no-retry-file`; undefined: ANSIBLE_RETRY_FILES_ENABLED, else off. */
  retryFile?: boolean;
  /** `--report FILE.json|FILE.md` (repeatable). */
  report?: string[];
  /** `--retry-failed RUN`: only RUN's failed and unreachable hosts. */
  retryFailed?: string;
  /** `--shard I/N`. */
  shard?: string;
  /** `--canary N|N%`: a first wave in every play, then a stop for confirmation. */
  canary?: string;
  /** `--yes`: continue after a canary wave without asking. */
  yes?: boolean;
  /** `--per-group-limit GROUP=N` (repeatable). */
  perGroupLimit?: string[];
  /** Set by `runs resume`: the journaled run to continue, and what it finished. */
  resume?: import('../runner/resume-state').ResumeState;
  /** Set by `runs resume`: hosts that stopped for good in the resumed run (failed, unreachable). */
  exclude?: string[];
  /** More subscribers of the event stream (ad-hoc result grouping), closed after the display. */
  extraReporters?: ((secrets: SecretValues) => import('../events').Reporter)[];
  /** The command line to journal (default: this process's). */
  commandLine?: string[];
}

export function registerRunCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command('run')
    .description('run a playbook against the inventory (preview every change with --check)')
    .argument('<playbook>', 'playbook file')
    .option(
      '-i, --inventory <path>',
      'inventory file, directory or host list "a,b," (repeatable)',
      collect,
      [],
    )
    .option('-C, --check', 'dry run: report what would change, change nothing')
    .option('-D, --diff', 'show the differences of changed files')
    .option('-l, --limit <pattern>', 'further limit hosts (pattern, or @file such as PLAYBOOK.retry)')
    .option('-t, --tags <tags>', 'only tasks with these tags (comma list, repeatable)', collectList, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma list, repeatable)', collectList, [])
    .option('-e, --extra-vars <vars>', 'key=value, a JSON/YAML mapping, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts worked on in parallel (default 50)', positiveInt)
    .addOption(outputOption(program))
    .option('-v, --verbose', 'more output (-vvvv for connection debugging)', increaseVerbosity, 0)
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--detailed-exitcode', 'with --check: exit 10 when changes are pending and nothing failed')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .option('-b, --become', 'become (sudo) for plays that do not say otherwise')
    .option('--become-user <user>', 'user to become (default root)')
    .option('-u, --user <user>', 'SSH user when the inventory does not set ansible_user')
    .option('--private-key <file>', 'SSH private key when the inventory does not set one')
    .option('-F, --ssh-config <file>', 'OpenSSH client config file')
    .addOption(hostKeyOption(program))
    .option(
      '-T, --timeout <seconds>',
      "SSH connect timeout (default 10; a host's ansible_ssh_timeout wins, ssh_config ConnectTimeout loses)",
      seconds,
    )
    .option('--connect-timeout <seconds>', 'same as --timeout', seconds)
    .option(
      '--connect-retries <n>',
      'extra connect attempts after a failure that can heal (reset, MaxStartups; default 1)',
      nonNegativeInt,
    )
    .option(
      '--task-timeout <seconds>',
      "kill a task's commands and fail it after N seconds, for tasks that set no timeout: (default 0: none)",
      nonNegativeInt,
    )
    .option('--journal <file>', 'also append every run event as one JSON line to FILE')
    .option(
      '--report <file>',
      'write the fleet report to FILE.json or FILE.md (repeatable: both at once)',
      collect,
      [],
    )
    .option('--retry-failed <run>', "a new run limited to RUN's failed and unreachable hosts")
    .option('--canary <n>', 'first wave of N hosts or N% per play, then stop for a confirmation')
    .option('-y, --yes', 'continue after a canary wave without asking (needed when not a terminal)')
    .option(
      '--per-group-limit <group=n>',
      'at most N hosts of each group matching GROUP (glob) per wave, e.g. cluster_*=1 (repeatable)',
      collect,
      [],
    )
    .option('--shard <I/N>', 'run only shard I (0..N-1) of the selected hosts (stable hash of the name)')
    .option('--list-hosts', 'list the hosts each play would run on, then exit')
    .option('--list-tasks', 'list the tasks of each play, then exit')
    .option('--list-tags', 'list the tags of each play, then exit')
    .option('--start-at-task <name>', 'start at the first task with this name (or glob)')
    .option('--step', 'confirm each task before it runs: (N)o/(y)es/(c)ontinue (terminal only)')
    .option('--syntax-check', 'check the playbook, then exit')
    .option('--retry-file', 'write the failed hosts to .remediate/retry/PLAYBOOK.retry (off by default)')
    .option('--no-retry-file', 'do not write a retry file (even with ANSIBLE_RETRY_FILES_ENABLED)');
  addConnectionOptions(program, cmd);
  addVaultOptions(cmd).action(async (file: string, o: RunOpts) => done(await runCommand(file, o, io)));
}

/** ansible-playbook's and ansible's connection options that `run` and `adhoc` share. */
export function addConnectionOptions(program: Command, cmd: Command): Command {
  return cmd
    .addOption(
      program
        .createOption('--become-method <method>', 'privilege escalation method (default sudo)')
        .choices(['sudo', 'su']),
    )
    .option('-k, --ask-pass', 'ask for the SSH password (hosts whose inventory sets none)')
    .addOption(
      program
        .createOption(
          '-c, --connection <type>',
          'connection of hosts without ansible_connection (default ssh)',
        )
        .choices(['ssh', 'local', 'paramiko', 'smart']),
    )
    .option(
      '--ssh-common-args <args>',
      'ssh arguments for hosts without ansible_ssh_common_args: -o Key=Value (Port, User, IdentityFile, ProxyJump, ...), -J, -p, -l, -i',
    )
    .option('--ssh-extra-args <args>', 'the same, for hosts without ansible_ssh_extra_args');
}

function outputOption(program: Command) {
  return program
    .createOption('--output <kind>', 'pretty (TTY default), plain (pipes, CI) or json (NDJSON on stdout)')
    .choices(['pretty', 'plain', 'json']);
}

function hostKeyOption(program: Command) {
  return program
    .createOption(
      '--host-key-checking <mode>',
      'strict, accept-new or off (ANSIBLE_HOST_KEY_CHECKING=False means off)',
    )
    .choices(['strict', 'accept-new', 'off']);
}

/** `--host-key-checking`, else ANSIBLE_HOST_KEY_CHECKING (False → off, True → strict), else the transport default. */
export function hostKeyChecking(o: RunOpts, env: NodeJS.ProcessEnv): RunOpts['hostKeyChecking'] {
  if (o.hostKeyChecking) return o.hostKeyChecking;
  const v = env.ANSIBLE_HOST_KEY_CHECKING?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['false', 'no', 'off', '0', 'n', 'f'].includes(v)) return 'off';
  if (['true', 'yes', 'on', '1', 'y', 't'].includes(v)) return 'strict';
  throw new UsageError(`ANSIBLE_HOST_KEY_CHECKING="${env.ANSIBLE_HOST_KEY_CHECKING}" is not a boolean`);
}

/** `-b` / `--become-user` are defaults: a play's own `become:` keyword wins. */
function applyBecomeDefaults(pb: Playbook, o: RunOpts): void {
  for (const play of pb.plays) {
    if (o.become && play.become === undefined) play.become = true;
    if (o.becomeUser && play.becomeUser === undefined) play.becomeUser = o.becomeUser;
  }
}

function timeoutMs(s: number | undefined): number | undefined {
  return s !== undefined ? Math.round(s * 1000) : undefined;
}

function colorFor(stream: CliIo['out'], env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return Boolean(stream.isTTY);
}

export async function runCommand(file: string, given: RunOpts, io: CliIo): Promise<number> {
  // ansible.cfg / ANSIBLE_* fill what the command line leaves unset
  const cfg = loadAnsibleConfig(io.cwd, io.env);
  for (const w of cfg.warnings) println(io.err, `[WARNING]: ${w}`);
  const o = applyAnsibleConfig(given, cfg);
  const secrets = new SecretValues();
  try {
    return await runWithSecrets(file, o, io, secrets, cfg);
  } catch (e) {
    // an error that ends the run is printed by main, outside the reporters: mask it here
    if (e instanceof RemediateError) {
      e.message = secrets.mask(e.message);
      if (e.hint) e.hint = secrets.mask(e.hint);
    }
    throw e;
  }
}

async function runWithSecrets(
  file: string,
  o: RunOpts,
  io: CliIo,
  secrets: SecretValues,
  cfg: AnsibleConfig,
): Promise<number> {
  // every value decrypted from a vault is secret from the moment it is read
  await setupVault(o, io, (plaintext) => secrets.add(plaintext));
  const extraVars = mergeExtraVars(o.extraVars, io.cwd);
  // loaded on use: `inventory`, `lab` and `--help` must not depend on the engine's modules
  const { loadPlaybook } = require('../playbook') as typeof import('../playbook');
  const pb = await loadPlaybook(path.resolve(io.cwd, file), { rolesPath: cfg.rolesPath });
  applyConfigBecomeMethod(pb, o.becomeMethod ? { ...cfg, becomeMethod: o.becomeMethod } : cfg);
  for (const w of pb.warnings ?? []) println(io.err, `[WARNING]: ${w}`);
  if (o.syntaxCheck) {
    println(io.out, `playbook: ${pb.file}`);
    return ExitCode.OK;
  }
  if (o.step && !io.stdin.isTTY)
    throw new UsageError('--step needs a terminal to ask before each task (stdin is not a terminal)', {
      hint: 'run it from a terminal, or use --start-at-task NAME / --tags to choose the tasks',
    });
  if (o.startAtTask !== undefined)
    (require('./start-at-task') as typeof import('./start-at-task')).startAtTask(pb, o.startAtTask);
  if (o.listTasks) {
    io.out.write(listTasks(pb, extraVars));
    return ExitCode.OK;
  }
  if (o.listTags) {
    io.out.write(listTags(pb, extraVars, o.tags, o.skipTags));
    return ExitCode.OK;
  }
  const named = o.inventory.map((p) =>
    p.includes(',') && !fs.existsSync(path.resolve(io.cwd, p)) ? p : path.resolve(io.cwd, p),
  );
  // as ansible-playbook: a source that does not exist is warned about and skipped
  const sources = named.filter((s) => {
    if (!path.isAbsolute(s) || fs.existsSync(s)) return true;
    println(io.err, `[WARNING]: Unable to parse ${s} as an inventory source`);
    return false;
  });
  const inventory = await loadInventory(sources, { playbookDir: pb.dir });
  if (sources.length === 0)
    println(
      io.err,
      named.length
        ? '[WARNING]: No inventory was parsed, only implicit localhost is available\n' +
            "[WARNING]: provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"
        : 'warning: no inventory given (-i): only the implicit localhost is available',
    );
  const limit = o.limit?.replace(/^@(?!\/)/, `@${io.cwd}/`);
  if (limit !== undefined && inventory.select(limit).length === 0)
    throw new UsageError(`--limit ${o.limit} matches no host of the inventory`, {
      hint: 'check the pattern with: remediate inventory -i INVENTORY --graph',
    });
  if (o.listHosts) {
    io.out.write(listHosts(pb, inventory, extraVars, limit));
    return ExitCode.OK;
  }
  for (const f of o.report ?? []) {
    const bad = reportFormatError(f);
    if (bad) throw new UsageError(bad);
  }
  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
  const selected = selectHosts(inventory, limit, {
    shard,
    only: o.retryFailed !== undefined ? failedHostsOf(io.cwd, o.retryFailed) : undefined,
    exclude: o.exclude ? new Set(o.exclude) : o.resume ? new Set() : undefined,
  });
  applyBecomeDefaults(pb, o);
  for (const [flag, args] of [
    ['--ssh-common-args', o.sshCommonArgs],
    ['--ssh-extra-args', o.sshExtraArgs],
  ] as const) {
    if (args === undefined) continue;
    const { checkSshArgs } = require('../transport/ssh-config') as typeof import('../transport/ssh-config');
    const { problems, ignored } = checkSshArgs(args);
    if (problems.length)
      throw new UsageError(`${flag} "${args}": ${problems.join('; ')}`, {
        hint: 'remediate connects with its own SSH client; it honours the options listed in README "SSH transport"',
      });
    if (ignored.length)
      println(io.err, `[WARNING]: ${flag}: ${ignored.join(', ')} ignored (one pooled connection per host)`);
  }
  let sshPassword: Secret | undefined;
  if (o.askPass) sshPassword = await askBecomePassword(io, 'SSH password: ');
  let becomePassword: Secret | undefined;
  if (o.askBecomePass)
    becomePassword = await askBecomePassword(
      io,
      sshPassword ? 'BECOME password[defaults to SSH password]: ' : 'BECOME password: ',
    );
  if (sshPassword && becomePassword && becomePassword.reveal() === '') becomePassword = sshPassword;

  addSecretLiterals(
    secrets,
    inventory,
    extraVars,
    pb,
    [becomePassword, sshPassword].filter((x): x is Secret => x !== undefined).map((x) => x.reveal()),
  );
  const canary = o.canary !== undefined ? parseCanary(o.canary) : undefined;
  const perGroupLimit = (o.perGroupLimit ?? []).map(parseGroupLimit);
  const canaryRun = canary !== undefined || pb.plays.some((p) => p.canary !== undefined);
  if (o.check && !(selected && selected.length === 0))
    printWavePlan(o.output === 'json' ? io.err : io.out, pb, inventory, {
      limit: selected ? selected.join(',') : limit,
      canary,
      perGroupLimit,
    });
  // the canary's stop and --step print and ask between steps: the scrolling plain view, not the live rows
  const kind = o.output ?? (io.out.isTTY && !canaryRun && !o.step ? 'pretty' : 'plain');
  const human = kind === 'json' ? io.err : io.out;
  const verbosity = Math.min(4, o.verbose ?? 0) as 0 | 1 | 2 | 3 | 4;
  // loaded lazily: the other commands must not pay for (or depend on) the reporters' terminal UI
  const { createRunReporter, createJournal, OutcomeTracker } =
    require('../report') as typeof import('../report');
  const outcomes = new OutcomeTracker();
  const abort = new AbortController();
  /** Ctrl-C, or the canary's stop: the journal says so and `runs resume` continues. */
  let stopped = false;
  const runJournal = openRunJournal(io, {
    playbook: pb.file,
    options: {
      ...o,
      resume: undefined,
      exclude: undefined,
      commandLine: undefined,
      extraReporters: undefined,
      inventory: sources,
    },
    digests: runDigests(
      pb.file,
      sources.filter((x) => fs.existsSync(x)),
    ),
    check: Boolean(o.check),
    commandLine: o.commandLine ?? ['remediate', ...process.argv.slice(2)],
    ...(shard ? { shard } : {}),
    ...(o.resume ? { resumes: o.resume.runId } : {}),
    ...(o.retryFailed ? { retries: o.retryFailed } : {}),
    secrets,
  });
  if (selected && selected.length === 0) {
    println(
      io.err,
      `no hosts selected${shard ? ` in shard ${shard.index}/${shard.count}` : ''}: nothing to do`,
    );
    finishRun(io, runJournal, outcomes, o.report, secrets, { exitCode: ExitCode.OK, interrupted: false });
    return ExitCode.OK;
  }
  const reporter = createRunReporter(
    kind,
    {
      verbosity,
      diff: Boolean(o.diff),
      out: io.out,
      err: io.err,
      color: colorFor(human, io.env),
      secrets,
      isTTY: Boolean(io.out.isTTY),
      hostCount:
        selected?.length ?? (limit !== undefined ? inventory.select(limit).length : inventory.hosts.size),
    },
    outcomes,
    () => (abort.signal.aborted ? 'interrupted' : stopped ? 'canary' : undefined),
  );
  let journal: ReturnType<typeof createJournal> | undefined;
  if (o.journal) {
    try {
      journal = createJournal(path.resolve(io.cwd, o.journal), { secrets });
    } catch (e) {
      throw new UsageError(`--journal ${o.journal}: ${(e as Error).message}`);
    }
  }
  const extra = (o.extraReporters ?? []).map((make) => make(secrets));
  const emit = (e: RunEvent) => {
    reporter.on(e);
    journal?.on(e);
    runJournal?.on(e);
    for (const r of extra) r.on(e);
  };
  const sshConfigFile = o.sshConfig ? path.resolve(io.cwd, o.sshConfig) : undefined;
  if (sshConfigFile) checkReadableFile('-F', o.sshConfig!, sshConfigFile);
  const transportOpts: TransportFactoryOptions = {
    sshConfigFile,
    hostKeyChecking: hostKeyChecking(o, io.env),
    connectTimeoutMs: timeoutMs(o.timeout ?? o.connectTimeout),
    connectRetries: o.connectRetries,
    privateKey: o.privateKey ? path.resolve(io.cwd, o.privateKey) : undefined,
    user: o.user,
    password: sshPassword,
    connection: o.connection === undefined ? undefined : o.connection === 'local' ? 'local' : 'ssh',
    sshCommonArgs: o.sshCommonArgs,
    sshExtraArgs: o.sshExtraArgs,
    askPassphrase: passphrasePrompter(io),
    onWarning: (msg) => emit({ kind: 'warning', time: Date.now(), msg }),
    debug: verbosity >= 4 ? (msg) => emit({ kind: 'log', time: Date.now(), level: 3, msg }) : undefined,
  };
  const { createTransportFactory } = require('../transport') as typeof import('../transport');
  const { defaultRunnerOptions, runPlaybook } = require('../runner') as typeof import('../runner');
  const transportFactory = createTransportFactory(transportOpts);

  let interrupts = 0;
  /** Exit now (a second Ctrl-C, or commands that would not stop): the journal still records the stop. */
  const quitInterrupted = () => {
    try {
      runJournal?.finish({ exitCode: ExitCode.INTERRUPTED, interrupted: true });
      if (runJournal) println(io.err, `to finish the run: remediate runs resume ${runJournal.id}`);
    } finally {
      process.exit(ExitCode.INTERRUPTED);
    }
  };
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      println(io.err, '\ninterrupted: stopping, closing connections (Ctrl-C again to quit now)');
      abort.abort();
      // the runner's abort stops commands in flight (local: their process group is killed); a transport
      // that does not honour it yet is closed under its commands after a grace period, so the run ends
      setTimeout(() => void transportFactory.closeAll().catch(() => {}), SIGINT_GRACE_MS).unref();
      setTimeout(() => {
        println(io.err, 'interrupted: commands still running on targets were abandoned');
        quitInterrupted();
      }, 2 * SIGINT_GRACE_MS).unref();
    } else quitInterrupted();
  };
  process.on('SIGINT', onSigint);
  let code: number;
  let retry: string[] = [];
  try {
    const summary = await runPlaybook(
      pb,
      inventory,
      defaultRunnerOptions({
        transportFactory,
        emit,
        check: Boolean(o.check),
        diff: Boolean(o.diff),
        limit: selected ? selected.join(',') : limit,
        resume: o.resume,
        canary,
        perGroupLimit,
        confirmCanary: canaryConfirmer(io, { yes: Boolean(o.yes), outcomes, secrets, out: human }),
        tags: o.tags,
        skipTags: o.skipTags,
        extraVars,
        forks: o.forks,
        forceHandlers: Boolean(o.forceHandlers),
        taskTimeout: o.taskTimeout,
        verbosity,
        becomePassword,
        secrets,
        signal: abort.signal,
        detailedExitCode: Boolean(o.detailedExitcode),
        awaitClose: false,
        ...(o.step ? { confirmStep: stepConfirmer(io) } : {}),
      }),
    );
    code = abort.signal.aborted ? ExitCode.INTERRUPTED : summary.exitCode;
    stopped = code === ExitCode.INTERRUPTED;
    retry = [...new Set([...summary.failedHosts, ...summary.unreachableHosts])];
  } finally {
    process.removeListener('SIGINT', onSigint);
    // every connection is told the run is over and its socket closed, freeing its descriptor for the journal
    // and the reports; the servers' teardown is not waited for (the runner did not wait either: awaitClose
    // false), since the process exits once the output is written
    await transportFactory.closeAll({ wait: false }).catch(() => {});
    await reporter.close?.();
    for (const r of extra) await r.close?.();
    journal?.close();
  }
  finishRun(io, runJournal, outcomes, o.report, secrets, {
    exitCode: code,
    interrupted: stopped,
    ...(stopped && !abort.signal.aborted ? { canaryStop: true } : {}),
  });
  // after the reporter has closed: the pretty view prints its failures and recap when it ends
  if (retry.length && retryFilesWanted(o.retryFile, io.env) && !abort.signal.aborted)
    writeRetryFile(io.cwd, pb.file, inventoryOrder(inventory, retry), io);
  if (inventory instanceof InventoryData) {
    // a play whose whole pattern matched nothing was already reported (located) by the runner
    const said = new Set(pb.plays.map((p) => `could not match host pattern "${p.hosts}", ignoring it`));
    for (const w of new Set(inventory.warnings)) if (!said.has(w)) println(io.err, `warning: ${w}`);
  }
  return code;
}

function inventoryOrder(inv: { hosts: Map<string, unknown> }, hosts: string[]): string[] {
  const order = [...inv.hosts.keys()];
  return [...hosts].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
