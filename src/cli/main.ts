#!/usr/bin/env node
/**
 * The `remediate` command line (commander 14). Exit codes follow src/errors.ts ExitCode: commander's own
 * errors (unknown option, missing argument, bad choice) exit 5, a RemediateError exits with its code
 * after `error: message` and `hint: ...` on stderr, anything else exits 1 (stack trace with -vvv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, RemediateError } from '../errors';
import { processIo, println, type CliIo } from './cli-io';

/* eslint-disable @typescript-eslint/no-require-imports */
type Register = (program: Command, io: CliIo, done: (code: number) => void) => void;

/**
 * The subcommands, in help order. Each one's module (and what it imports: inventory, playbook, runner,
 * templates) is loaded only when that subcommand runs or the full help is shown, so `remediate --version`
 * and a command's start stay small.
 */
const COMMANDS: { name: string; register: Register }[] = [
  {
    name: 'run',
    register: (...a) => (require('./run-command') as typeof import('./run-command')).registerRunCommand(...a),
  },
  {
    name: 'adhoc',
    register: (...a) =>
      (require('./adhoc-command') as typeof import('./adhoc-command')).registerAdhocCommand(...a),
  },
  {
    name: 'runs',
    register: (...a) =>
      (require('./runs-command') as typeof import('./runs-command')).registerRunsCommands(...a),
  },
  {
    name: 'validate',
    register: (...a) =>
      (require('./validate-command') as typeof import('./validate-command')).registerValidateCommand(...a),
  },
  {
    name: 'inventory',
    register: (...a) =>
      (require('./inventory-command') as typeof import('./inventory-command')).registerInventoryCommand(...a),
  },
  { name: 'schema', register: registerSchemaCommand },
  {
    name: 'doc',
    register: (...a) => (require('./doc-command') as typeof import('./doc-command')).registerDocCommand(...a),
  },
  {
    name: 'lab',
    register: (...a) =>
      (require('./lab-command') as typeof import('./lab-command')).registerLabCommands(...a),
  },
  {
    name: 'vault',
    register: (...a) =>
      (require('./vault-command') as typeof import('./vault-command')).registerVaultCommand(...a),
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

function registerSchemaCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command('schema')
    .description('print the JSON Schema of the playbook format (for editors and CI)')
    .action(async () => {
      const { playbookJsonSchema } = require('../playbook') as typeof import('../playbook');
      io.out.write(JSON.stringify(playbookJsonSchema(), null, 2) + '\n');
      done(ExitCode.OK);
    });
}

/**
 * Which subcommands a command line needs: the one it names; none for a bare `--version`; all of them
 * otherwise (help, a mistyped command that gets a suggestion).
 */
function commandsFor(argv: string[] | undefined): typeof COMMANDS {
  if (!argv) return COMMANDS;
  const named = COMMANDS.find((c) => c.name === argv[2]);
  if (named) return [named];
  if (argv.length === 3 && argv[2] === '--version') return [];
  return COMMANDS;
}

export function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below package.json
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The program; with `argv`, only the subcommands that command line needs are loaded (see commandsFor). */
export function buildProgram(io: CliIo, done: (code: number) => void, argv?: string[]): Command {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Command } = require('commander') as typeof import('commander');
  const program = new Command('remediate');
  program
    .description('Agentless remediation runner: typed YAML playbooks over SSH, exact dry runs, checked steps')
    .version(packageVersion(), '--version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
    });
  const commands = commandsFor(argv);
  // before a subcommand's modules load zod
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (commands.length)
    (require('../zod-lazy-locales') as typeof import('../zod-lazy-locales')).lazyZodLocales();
  for (const c of commands) c.register(program, io, done);
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 internal error, 2 task failed, 3 host unreachable, 4 invalid playbook or\n' +
      'inventory, 5 bad options, 10 changes pending (--check --detailed-exitcode), 99 interrupted.\n',
  );
  return program;
}

/** Verbosity from raw argv, for deciding whether to print stack traces (-vvv) even when parsing failed. */
function rawVerbosity(argv: string[]): number {
  let v = 0;
  for (const a of argv) {
    if (a === '--verbose') v++;
    else if (/^-v+$/.test(a)) v += a.length - 1;
  }
  return v;
}

/** Run the CLI with `argv` (as process.argv: node, script, args...). Resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code: number = ExitCode.OK;
  // a bare `--version` answers before commander is even loaded (what commander would print: the version)
  if (argv.length === 3 && argv[2] === '--version') {
    io.out.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const program = buildProgram(io, (c) => (code = c), argv);
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return ExitCode.BAD_OPTIONS;
    }
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (e instanceof (require('commander') as typeof import('commander')).CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.OK;
      if (e.code === 'commander.help') return ExitCode.BAD_OPTIONS;
      return ExitCode.BAD_OPTIONS;
    }
    if (e instanceof RemediateError) {
      // several located problems (a playbook's): one `error:` line each, with its hint
      const each = (e as { errors?: RemediateError[] }).errors ?? [e];
      for (const one of each) {
        println(io.err, `error: ${one.message}`);
        if (one.hint) println(io.err, `hint: ${one.hint}`);
      }
      if ((e as { truncated?: boolean }).truncated) println(io.err, `(stopped after ${each.length} errors)`);
      if (rawVerbosity(argv) >= 3 && e.stack) println(io.err, e.stack);
      return e.exitCode;
    }
    const err = e as Error;
    println(io.err, `error: internal error: ${err?.message ?? String(e)}`);
    if (rawVerbosity(argv) >= 3 && err?.stack) println(io.err, err.stack);
    else println(io.err, 'hint: run again with -vvv for a stack trace, and report it');
    return ExitCode.INTERNAL;
  }
}

/** Exit once stdout and stderr have drained (process.exit alone can cut piped output). */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const one = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', one);
  process.stderr.write('', one);
}

if (require.main === module) {
  main(process.argv).then(exitAfterFlush, (e: unknown) => {
    process.stderr.write(`error: ${String(e)}\n`);
    exitAfterFlush(ExitCode.INTERNAL);
  });
}
