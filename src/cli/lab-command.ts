/** `remediate lab up|down|status|verify`: thin wrappers over src/lab (the local fleet of migrated clusters). */
import * as path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../errors';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { positiveInt } from './option-parsers';

const DEFAULT_DIR = '.remediate/lab';

/** Render rows as a space-aligned table. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function registerLabCommands(program: Command, io: CliIo, done: (code: number) => void): void {
  const lab = program
    .command('lab')
    .description('a local fleet of migrated Kubernetes masters in network namespaces, to try remediate on');
  const dirOf = (o: { dir: string }) => path.resolve(io.cwd, o.dir);
  const log = (msg: string) => println(io.err, msg);
  // loaded on use, so that the other commands never depend on the lab's code
  const lab_ = () => require('../lab') as typeof import('../lab');

  lab
    .command('up')
    .description('create the lab: N clusters whose apiserver certificates lost validity')
    .option('--clusters <n>', 'number of clusters', positiveInt, 3)
    .option('--faults <mix>', 'fault mix, e.g. sans=40,healthy=5,key-mismatch=2 (default: all sans)')
    .option('--dir <dir>', 'lab directory', DEFAULT_DIR)
    .action(async (o: { clusters: number; faults?: string; dir: string }) => {
      const info = await (await lab_()).labUp({ dir: dirOf(o), clusters: o.clusters, faults: o.faults, log });
      println(io.out, `lab up: ${info.clusters.length} clusters in ${info.dir}`);
      println(io.out, `inventory:   ${info.inventory}`);
      println(io.out, `ssh config:  ${info.sshConfig}`);
      println(io.out, `known hosts: ${info.knownHosts}`);
      const show = (p: string) => {
        const rel = path.relative(io.cwd, p);
        return rel && !rel.startsWith('..') ? rel : p;
      };
      println(
        io.out,
        `next: remediate run playbooks/fix-apiserver-sans.yml -i ${show(info.inventory)} -F ${show(info.sshConfig)}`,
      );
      done(ExitCode.OK);
    });

  lab
    .command('down')
    .description('remove the lab: namespaces, processes and its directory')
    .option('--dir <dir>', 'lab directory', DEFAULT_DIR)
    .action(async (o: { dir: string }) => {
      await (await lab_()).labDown({ dir: dirOf(o), log });
      done(ExitCode.OK);
    });

  lab
    .command('status')
    .description('one line per cluster: master address, faults, kube-dns, wordpress')
    .option('--dir <dir>', 'lab directory', DEFAULT_DIR)
    .option('--json', 'JSON instead of a table')
    .action(async (o: { dir: string; json?: boolean }) => {
      const rows = await (await lab_()).labStatus({ dir: dirOf(o) });
      if (o.json) io.out.write(JSON.stringify(rows, null, 2) + '\n');
      else
        io.out.write(
          formatTable(
            ['CLUSTER', 'MASTER', 'SSH', 'FAULTS', 'KUBE-DNS', 'WORDPRESS'],
            rows.map((r) => [
              r.name,
              r.address,
              r.sshUp ? 'up' : 'down',
              r.faults.join(',') || '-',
              r.kubeDns,
              r.wordpress ? 'answers' : 'down',
            ]),
          ),
        );
      done(ExitCode.OK);
    });

  lab
    .command('verify')
    .description(
      'check each cluster end to end (TLS for 10.254.0.1, kube-dns, WordPress); exit 0 only if all pass',
    )
    .argument('[cluster]', 'only this cluster')
    .option('--dir <dir>', 'lab directory', DEFAULT_DIR)
    .action(async (cluster: string | undefined, o: { dir: string }) => {
      const results = await (await lab_()).labVerify({ dir: dirOf(o), cluster });
      for (const r of results) println(io.out, `${r.ok ? 'ok  ' : 'FAIL'} ${r.cluster}: ${r.detail}`);
      const failed = results.filter((r) => !r.ok).length;
      println(io.out, `${results.length - failed}/${results.length} clusters pass`);
      done(failed === 0 && results.length > 0 ? ExitCode.OK : ExitCode.TASK_FAILED);
    });
}
