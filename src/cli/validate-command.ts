/** `remediate validate PLAYBOOK [-i INV]`: schema and reference checks, without connecting anywhere. */
import * as path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, formatLoc, RemediateError } from '../errors';
import { loadInventory } from '../inventory';
import type { Playbook } from '../playbook/types';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { collect } from './option-parsers';
import { checkIncludedFiles, playHosts, playTasks } from './playbook-listing';
import { mergeExtraVars } from './extra-vars';
import { addVaultOptions, setupVault, type VaultCliOpts } from './vault-options';

export function registerValidateCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command('validate')
    .description('check a playbook (schema, module arguments, references) without connecting to any host')
    .argument('<playbook>', 'playbook file')
    .option(
      '-i, --inventory <path>',
      'also check that every play matches hosts in this inventory',
      collect,
      [],
    )
    .option('-e, --extra-vars <vars>', 'extra variables used to render templated host patterns', collect, []);
  addVaultOptions(cmd).action(
    async (file: string, o: { inventory: string[]; extraVars: string[] } & VaultCliOpts) => {
      await setupVault(o, io);
      const abs = path.resolve(io.cwd, file);
      let pb: Playbook;
      try {
        const { loadPlaybook } = require('../playbook') as typeof import('../playbook');
        pb = await loadPlaybook(abs);
      } catch (e) {
        // validate prints errors bare, `file:line:col: message`, one per line, like a compiler
        if (!(e instanceof RemediateError)) throw e;
        println(io.err, e.message);
        if (e.hint) println(io.err, `  hint: ${e.hint}`);
        return done(e.exitCode);
      }
      for (const w of pb.warnings ?? []) println(io.err, `warning: ${w}`);
      const errors = await checkIncludedFiles(pb);
      for (const e of errors) {
        println(io.err, e.message);
        if (e.hint) println(io.err, `  hint: ${e.hint}`);
      }
      if (errors.length) return done(ExitCode.INVALID_INPUT);
      let tasks = 0;
      for (const play of pb.plays) for (const _ of playTasks(play)) tasks++;
      if (o.inventory.length) {
        const inv = await loadInventory(
          o.inventory.map((p) => (p.includes(',') ? p : path.resolve(io.cwd, p))),
          { playbookDir: pb.dir },
        );
        const extra = mergeExtraVars(o.extraVars, io.cwd);
        for (const play of pb.plays) {
          if (playHosts(inv, play, extra).length === 0)
            println(
              io.err,
              `warning: ${formatLoc(play.loc)}: play "${play.name}" matches no host (hosts: ${play.hosts})`,
            );
        }
      }
      println(
        io.out,
        `ok: ${file} (${pb.plays.length} play${pb.plays.length === 1 ? '' : 's'}, ${tasks} task${tasks === 1 ? '' : 's'})`,
      );
      done(ExitCode.OK);
    },
  );
}
