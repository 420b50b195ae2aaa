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
import { listHosts, listTasks } from './playbook-listing';
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
  connectRetries?: number;
  journal?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  syntaxCheck?: boolean;
  retryFile: boolean;
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
    .option('--connect-timeout <seconds>', 'SSH connect timeout', seconds)
    .option('--connect-retries <n>', 'SSH connection attempts after the first', nonNegativeInt)
    .option('--journal <file>', 'append every run event as one JSON line to FILE')
    .option('--list-hosts', 'list the hosts each play would run on, then exit')
    .option('--list-tasks', 'list the tasks of each play, then exit')
    .option('--syntax-check', 'check the playbook, then exit')
    .option('--no-retry-file', 'do not write PLAYBOOK.retry (beside the playbook) listing failed hosts');
  addVaultOptions(cmd).action(async (file: string, o: RunOpts) => done(await runCommand(file, o, io)));
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

/** The retry file sits next to the playbook: `dir/NAME.retry` for `dir/NAME.yml`. */
export function retryFilePath(playbookFile: string): string {
  const dir = path.dirname(playbookFile);
  return path.join(dir, path.basename(playbookFile, path.extname(playbookFile)) + '.retry');
}

function writeRetryFile(pb: Playbook, hosts: string[], io: CliIo): void {
  const file = retryFilePath(pb.file);
  try {
    fs.writeFileSync(file, hosts.join('\n') + '\n');
    println(io.err, `to retry the failed hosts: --limit @${path.relative(io.cwd, file) || file}`);
  } catch (e) {
    println(io.err, `warning: could not write retry file ${file}: ${(e as Error).message}`);
  }
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
  applyConfigBecomeMethod(pb, cfg);
  for (const w of pb.warnings ?? []) println(io.err, `[WARNING]: ${w}`);
  if (o.syntaxCheck) {
    println(io.out, `playbook: ${pb.file}`);
    return ExitCode.OK;
  }
  if (o.listTasks) {
    io.out.write(listTasks(pb, extraVars));
    return ExitCode.OK;
  }
  const sources = o.inventory.map((p) =>
    p.includes(',') && !fs.existsSync(path.resolve(io.cwd, p)) ? p : path.resolve(io.cwd, p),
  );
  const inventory = await loadInventory(sources, { playbookDir: pb.dir });
  if (sources.length === 0)
    println(io.err, 'warning: no inventory given (-i): only the implicit localhost is available');
  const limit = o.limit?.replace(/^@(?!\/)/, `@${io.cwd}/`);
  if (limit !== undefined && inventory.select(limit).length === 0)
    throw new UsageError(`--limit ${o.limit} matches no host of the inventory`, {
      hint: 'check the pattern with: remediate inventory -i INVENTORY --graph',
    });
  if (o.listHosts) {
    io.out.write(listHosts(pb, inventory, extraVars, limit));
    return ExitCode.OK;
  }
  applyBecomeDefaults(pb, o);
  let becomePassword: Secret | undefined;
  if (o.askBecomePass) becomePassword = await askBecomePassword(io);

  addSecretLiterals(secrets, inventory, extraVars, pb, becomePassword ? [becomePassword.reveal()] : []);
  const kind = o.output ?? (io.out.isTTY ? 'pretty' : 'plain');
  const human = kind === 'json' ? io.err : io.out;
  const verbosity = Math.min(4, o.verbose ?? 0) as 0 | 1 | 2 | 3 | 4;
  // loaded lazily: the other commands must not pay for (or depend on) the reporters' terminal UI
  const { createReporter, createJournal } = require('../report') as typeof import('../report');
  const reporter = createReporter(kind, {
    verbosity,
    diff: Boolean(o.diff),
    out: io.out,
    err: io.err,
    color: colorFor(human, io.env),
    secrets,
    isTTY: Boolean(io.out.isTTY),
  });
  let journal: ReturnType<typeof createJournal> | undefined;
  if (o.journal) {
    try {
      journal = createJournal(path.resolve(io.cwd, o.journal), { secrets });
    } catch (e) {
      throw new UsageError(`--journal ${o.journal}: ${(e as Error).message}`);
    }
  }
  const emit = (e: RunEvent) => {
    reporter.on(e);
    journal?.on(e);
  };
  const sshConfigFile = o.sshConfig ? path.resolve(io.cwd, o.sshConfig) : undefined;
  if (sshConfigFile) checkReadableFile('-F', o.sshConfig!, sshConfigFile);
  const transportOpts: TransportFactoryOptions = {
    sshConfigFile,
    hostKeyChecking: hostKeyChecking(o, io.env),
    connectTimeoutMs: o.connectTimeout !== undefined ? Math.round(o.connectTimeout * 1000) : undefined,
    connectRetries: o.connectRetries,
    privateKey: o.privateKey ? path.resolve(io.cwd, o.privateKey) : undefined,
    user: o.user,
    askPassphrase: passphrasePrompter(io),
    onWarning: (msg) => emit({ kind: 'warning', time: Date.now(), msg }),
    debug: verbosity >= 4 ? (msg) => emit({ kind: 'log', time: Date.now(), level: 3, msg }) : undefined,
  };
  const { createTransportFactory } = require('../transport') as typeof import('../transport');
  const { defaultRunnerOptions, runPlaybook } = require('../runner') as typeof import('../runner');
  const transportFactory = createTransportFactory(transportOpts);

  const abort = new AbortController();
  let interrupts = 0;
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
        process.exit(ExitCode.INTERRUPTED);
      }, 2 * SIGINT_GRACE_MS).unref();
    } else process.exit(ExitCode.INTERRUPTED);
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
        limit,
        tags: o.tags,
        skipTags: o.skipTags,
        extraVars,
        forks: o.forks,
        forceHandlers: Boolean(o.forceHandlers),
        verbosity,
        becomePassword,
        secrets,
        signal: abort.signal,
        detailedExitCode: Boolean(o.detailedExitcode),
      }),
    );
    code = abort.signal.aborted ? ExitCode.INTERRUPTED : summary.exitCode;
    retry = [...new Set([...summary.failedHosts, ...summary.unreachableHosts])];
  } finally {
    process.removeListener('SIGINT', onSigint);
    await transportFactory.closeAll().catch(() => {});
    await reporter.close?.();
    journal?.close();
  }
  // after the reporter has closed: the pretty view prints its failures and recap when it ends
  if (retry.length && o.retryFile !== false && !abort.signal.aborted)
    writeRetryFile(pb, inventoryOrder(inventory, retry), io);
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
