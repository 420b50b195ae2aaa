#!/usr/bin/env node
/**
 * The `remediate` command line (commander 14). Exit codes follow src/errors.ts ExitCode: commander's own
 * errors (unknown option, missing argument, bad choice) exit 5, a RemediateError exits with its code
 * after `error: message` and `hint: ...` on stderr, anything else exits 1 (stack trace with -vvv).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ExitCode, RemediateError } from '../errors';
import { processIo, println, type CliIo } from './cli-io';
import { registerInventoryCommand } from './inventory-command';
import { registerLabCommands } from './lab-command';
import { registerRunCommand } from './run-command';
import { registerRunsCommands } from './runs-command';
import { registerAdhocCommand } from './adhoc-command';
import { registerValidateCommand } from './validate-command';
import { registerVaultCommand } from './vault-command';

export function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below package.json
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(io: CliIo, done: (code: number) => void): Command {
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
  registerRunCommand(program, io, done);
  registerRunsCommands(program, io, done);
  registerAdhocCommand(program, io, done);
  registerValidateCommand(program, io, done);
  registerInventoryCommand(program, io, done);
  program
    .command('schema')
    .description('print the JSON Schema of the playbook format (for editors and CI)')
    .action(async () => {
      const { playbookJsonSchema } = require('../playbook') as typeof import('../playbook');
      io.out.write(JSON.stringify(playbookJsonSchema(), null, 2) + '\n');
      done(ExitCode.OK);
    });
  registerLabCommands(program, io, done);
  registerVaultCommand(program, io, done);
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
  const program = buildProgram(io, (c) => (code = c));
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return ExitCode.BAD_OPTIONS;
    }
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
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
