/**
 * The events remediate's runner emits for the run recorded in test/report/golden/ansible/site.yml: the same
 * play, tasks, hosts, statuses, items, retries and counts, written out by hand so the reporters can be
 * compared with what ansible-playbook printed for that run (test/report/golden/ansible-*.{txt,json},
 * recorded by test/report/golden/regenerate.sh). Results carry what remediate's modules return.
 */
import type { RunEvent, TaskStatus } from '../../src/events';

const T = Date.UTC(2026, 10, 26, 18, 0, 0);
const PLAY = 'fix masters';
const HOSTS = ['kube01', 'kube02'];
const CSR = (h: string) => `/etc/pki/tls/${h}/csr.conf`;

type Extra = Partial<Extract<RunEvent, { kind: 'task-result' }>>;

function start(task: string, line: number, hosts = HOSTS, handler?: boolean): RunEvent {
  return { kind: 'task-start', time: T, play: PLAY, task, loc: `site.yml:${line}:7`, hosts, handler };
}

function result(task: string, line: number, host: string, module: string, status: TaskStatus, x: Extra = {}) {
  const changed = status === 'changed';
  return {
    kind: 'task-result',
    time: T,
    host,
    task,
    loc: `site.yml:${line}:7`,
    module,
    status,
    durationMs: 1,
    check: false,
    result: { changed },
    ...x,
  } satisfies RunEvent;
}

const skippedByWhen = (cond: string): Extra => ({
  msg: `Conditional result was False: ${cond}`,
  result: {
    changed: false,
    skipped: true,
    skip_reason: 'Conditional result was False',
    false_condition: cond,
  },
});

export function ansibleParityEvents(): RunEvent[] {
  const cmdFail = { changed: false, rc: 1, msg: 'non-zero return code', stdout: '', stderr: '' };
  return [
    { kind: 'run-start', time: T, playbook: '/pb/site.yml', check: false, diff: true },
    { kind: 'play-start', time: T, play: PLAY, hosts: HOSTS },
    start('write csr.conf', 7),
    result('write csr.conf', 7, 'kube01', 'copy', 'changed', {
      changes: [
        {
          describe: `write ${CSR('kube01')} (1 line changed)`,
          diff: { path: CSR('kube01'), before: 'a\nb\nc\n', after: 'a\nB\nc\n' },
        },
      ],
      result: { changed: true, dest: CSR('kube01') },
    }),
    result('write csr.conf', 7, 'kube02', 'copy', 'ok', { result: { changed: false, dest: CSR('kube02') } }),
    start('write key', 11),
    result('write key', 11, 'kube01', 'copy', 'changed', {
      changes: [
        { describe: 'write /etc/key', diff: { path: '/etc/key', before: '', after: '', secret: true } },
      ],
      result: { changed: true },
    }),
    result('write key', 11, 'kube02', 'copy', 'skipped', skippedByWhen("inventory_hostname == 'kube01'")),
    start('loop', 17),
    result('loop', 17, 'kube01', 'command', 'changed', { item: 'a', changes: [{ describe: 'run echo a' }] }),
    result('loop', 17, 'kube01', 'command', 'skipped', { item: 'b', ...skippedByWhen("item == 'a'") }),
    result('loop', 17, 'kube01', 'command', 'changed', { result: { changed: true, results: [] } }),
    result('loop', 17, 'kube02', 'command', 'changed', { item: 'a', changes: [{ describe: 'run echo a' }] }),
    result('loop', 17, 'kube02', 'command', 'skipped', { item: 'b', ...skippedByWhen("item == 'a'") }),
    result('loop', 17, 'kube02', 'command', 'changed', { result: { changed: true, results: [] } }),
    start('wait for api', 22),
    result('wait for api', 22, 'kube01', 'command', 'failed', { attempt: { n: 1, of: 3 }, result: cmdFail }),
    result('wait for api', 22, 'kube01', 'command', 'failed', { attempt: { n: 2, of: 3 }, result: cmdFail }),
    result('wait for api', 22, 'kube01', 'command', 'failed', {
      msg: 'non-zero return code',
      result: { ...cmdFail, failed: true },
    }),
    result('wait for api', 22, 'kube02', 'command', 'ok', { result: { changed: false, rc: 0 } }),
    start('debug', 30, ['kube02']),
    result('debug', 30, 'kube02', 'debug', 'ok', { msg: 'hello', result: { changed: false, msg: 'hello' } }),
    start('restart', 35, ['kube02'], true),
    result('restart', 35, 'kube02', 'command', 'unreachable', {
      handler: true,
      msg: 'kube02: connect to 127.0.0.1:9: connection refused',
      result: {
        changed: false,
        unreachable: true,
        msg: 'kube02: connect to 127.0.0.1:9: connection refused',
      },
    }),
    { kind: 'play-end', time: T, play: PLAY },
    {
      kind: 'recap',
      time: T + 1000,
      durationMs: 1000,
      hosts: {
        kube01: { ok: 3, changed: 3, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 },
        kube02: { ok: 4, changed: 1, unreachable: 1, failed: 0, skipped: 1, rescued: 0, ignored: 0 },
      },
    },
    { kind: 'run-end', time: T + 1000, exitCode: 2 },
  ];
}
