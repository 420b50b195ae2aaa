/**
 * `remediate adhoc PATTERN -i INV [-m MODULE] [-a ARGS]`: the `ansible` command's job — one module on every
 * matching host (default module `command`), with the same outcomes, grouped summary, journal and
 * `--report` as `run`. Identical results are printed once with their hosts (`200 hosts (...) | rc=0 >>`).
 * The one-task playbook is written to `.remediate/adhoc/<id>.yml` (so the journal can be resumed and
 * shown like any other run).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Reporter, RunEvent } from '../events';
import { collapseHosts, hostCount } from '../report/host-list';
import { maskLiterals } from '../report/redact';
import type { SecretValues } from '../secrets/secret-values';
import type { CliIo } from './cli-io';
import { println } from './cli-io';
import { collect, increaseVerbosity, positiveInt, seconds } from './option-parsers';
import { addConnectionOptions, runCommand, type RunOpts } from './run-command';

type TaskResult = Extract<RunEvent, { kind: 'task-result' }>;

/** What an ad-hoc result shows: command output with its rc, or the result's fields. */
function display(e: TaskResult): string {
  const r = e.result ?? {};
  const status = e.status === 'changed' ? 'CHANGED' : e.status === 'ok' ? 'SUCCESS' : e.status.toUpperCase();
  if (e.status === 'unreachable' || e.status === 'failed') return `${status} => ${e.msg ?? ''}`;
  if (typeof r['rc'] === 'number' && typeof r['stdout'] === 'string') {
    const err = typeof r['stderr'] === 'string' && r['stderr'] ? `\n${r['stderr']}` : '';
    return `${status} | rc=${r['rc']} >>\n${r['stdout']}${err}`;
  }
  const { changed: _c, failed: _f, invocation: _i, ...rest } = r;
  void _c;
  void _f;
  void _i;
  return `${status} => ${JSON.stringify(sortKeys(rest), null, 2)}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** Groups hosts by identical ad-hoc result and prints each group once, most hosts first. */
class AdhocResults implements Reporter {
  private readonly last = new Map<string, TaskResult>();
  constructor(
    private readonly out: CliIo['out'],
    private readonly secrets: SecretValues,
  ) {}
  on(e: RunEvent): void {
    if (e.kind === 'task-result' && e.item === undefined && !e.attempt) this.last.set(e.host, e);
  }
  close(): void {
    const groups = new Map<string, string[]>();
    for (const [h, e] of this.last) {
      const k = display(e);
      groups.set(k, [...(groups.get(k) ?? []), h]);
    }
    if (!groups.size) return;
    println(this.out, '\nRESULTS');
    for (const [text, hosts] of [...groups].sort((a, b) => b[1].length - a[1].length))
      println(
        this.out,
        maskLiterals(`${hostCount(hosts.length)} (${collapseHosts(hosts)}) | ${text}`, this.secrets),
      );
  }
}

interface AdhocOpts extends Omit<RunOpts, 'tags' | 'skipTags'> {
  moduleName: string;
  args?: string;
}

export function registerAdhocCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command('adhoc')
    .description('run one module on the hosts matching PATTERN (like the ansible command)')
    .argument('<pattern>', 'host pattern (group, name, glob, a:b, a:!b ...)')
    .option('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect, [])
    .option('-m, --module-name <module>', 'module to run', 'command')
    .option('-a, --args <args>', 'module arguments: key=value words, or the command line for command/shell')
    .option('-C, --check', 'dry run: report what would change, change nothing')
    .option('-D, --diff', 'show the differences of changed files')
    .option('-l, --limit <pattern>', 'further limit hosts')
    .option('-e, --extra-vars <vars>', 'key=value, a JSON/YAML mapping, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts worked on in parallel (default 50)', positiveInt)
    .option('-b, --become', 'become (sudo)')
    .option('--become-user <user>', 'user to become (default root)')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .option('-u, --user <user>', 'SSH user when the inventory does not set ansible_user')
    .option('--private-key <file>', 'SSH private key when the inventory does not set one')
    .option('-F, --ssh-config <file>', 'OpenSSH client config file')
    .option('-v, --verbose', 'more output', increaseVerbosity, 0)
    .option('--report <file>', 'write the fleet report to FILE.json or FILE.md (repeatable)', collect, [])
    .option('--shard <I/N>', 'only shard I (0..N-1) of the matching hosts')
    .option('-T, --timeout <seconds>', 'SSH connect timeout (default 10)', seconds);
  addConnectionOptions(program, cmd).action(async (pattern: string, o: AdhocOpts) =>
    done(await adhoc(pattern, o, io)),
  );
}

async function adhoc(pattern: string, o: AdhocOpts, io: CliIo): Promise<number> {
  const module = o.moduleName || 'command';
  const value = o.args ?? '';
  const yaml =
    `# remediate adhoc ${pattern} -m ${module}${value ? ` -a ${value}` : ''}\n` +
    `- name: adhoc ${JSON.stringify(module)} on ${JSON.stringify(pattern)}\n` +
    `  hosts: ${JSON.stringify(pattern)}\n` +
    `  gather_facts: false\n` +
    `  tasks:\n` +
    `    - name: ${JSON.stringify(`${module}${value ? ` ${value}` : ''}`)}\n` +
    `      ${module}: ${value ? JSON.stringify(value) : '{}'}\n`;
  const dir = path.join(io.cwd, '.remediate', 'adhoc');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${createHash('sha256').update(yaml).digest('hex').slice(0, 16)}.yml`);
  fs.writeFileSync(file, yaml);
  return runCommand(
    file,
    {
      ...o,
      tags: [],
      skipTags: [],
      output: 'plain',
      report: o.report ?? [],
      extraReporters: [(secrets) => new AdhocResults(io.out, secrets)],
      commandLine: ['remediate', ...process.argv.slice(2)],
    },
    io,
  );
}
