import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { FleetView } from '../../src/report/fleet-view';
import { createReporter } from '../../src/report/index';
import { PrettyReporter } from '../../src/report/pretty';
import { sink } from './scripted-events';

const hosts = Array.from({ length: 40 }, (_, i) => `h${i + 1}`);

function withColumns(fn: () => void): void {
  const saved = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
  Object.defineProperty(process.stdout, 'columns', { value: 120, configurable: true });
  try {
    fn();
  } finally {
    if (saved) Object.defineProperty(process.stdout, 'columns', saved);
    else delete (process.stdout as { columns?: number }).columns;
  }
}

test('more than 20 hosts in a TTY: the fleet view; up to 20: per-host rows', () => {
  withColumns(() => {
    const o = { verbosity: 0, diff: false, out: sink(), err: sink(), color: false, isTTY: true };
    assert.instance(createReporter('pretty', { ...o, hostCount: 21 }), FleetView);
    assert.instance(createReporter('pretty', { ...o, hostCount: 20 }), PrettyReporter);
  });
});

test('header: bar and totals per outcome; body: tasks in flight with host counts, then the problems', async () => {
  const out = sink();
  const v = new FleetView({ verbosity: 0, diff: false, out, err: sink(), color: false, isTTY: true });
  const ev = (e: RunEvent) => v.on(e);
  ev({ kind: 'run-start', time: 0, playbook: 'pb.yml', check: false, diff: false });
  ev({ kind: 'play-start', time: 0, play: 'fix', hosts });
  const res = (
    host: string,
    task: string,
    status: 'ok' | 'changed' | 'failed' | 'unreachable',
    msg?: string,
  ) =>
    ev({
      kind: 'task-result',
      time: 1,
      host,
      task,
      loc: 'pb.yml:3:7',
      module: 'm',
      status,
      durationMs: 1,
      check: false,
      ...(msg ? { msg } : {}),
    });
  for (const h of hosts)
    ev({ kind: 'host-task-start', time: 0, host: h, task: 'reissue', loc: 'pb.yml:3:7' });
  for (const h of hosts.slice(0, 10)) res(h, 'reissue', 'changed');
  for (const h of hosts.slice(10, 20))
    ev({ kind: 'host-task-start', time: 0, host: h, task: 'restart', loc: 'pb.yml:9:7' });
  res('h21', 'reissue', 'failed', 'refused (key-mismatch): no');
  res('h22', 'reissue', 'unreachable', 'h22: connection lost');
  const w = (v as unknown as { wave: Parameters<FleetView['header']>[0] }).wave;
  assert.match(
    v.header(w),
    /^fix\n\[█░+\] 2\/40 hosts done · so far: 10 changed · 0 ok · 1 refused · 0 failed · 1 unreachable \(40 hosts\)$/,
  );
  const body = v.body(w).split('\n');
  assert.equal(body.slice(0, 2).sort(), ['▸ reissue: 28 hosts', '▸ restart: 10 hosts']);
  assert.equal(body.slice(2), ['⊘ refused (key-mismatch) h21: no', '⚠ unreachable h22: connection lost']);
  ev({ kind: 'play-end', time: 2, play: 'fix' });
  await v.close();
});

test.run();
