/**
 * The running-command state machine shared by the SSH and local transports (starting → running →
 * stopping → done), and the abort bookkeeping behind it: a run with 50 commands in flight on one shared
 * AbortSignal emits no MaxListenersExceededWarning — locally and over a real OpenSSH sshd.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../../src/command';
import { LocalTransport } from '../../src/transport/local';
import { RunningCommand, type CommandEnd } from '../../src/transport/running-command';
import { createSshTransportFactory } from '../../src/transport/ssh';
import type { Transport } from '../../src/transport/types';
import { loginVars, startSshd } from '../helpers/sshd';

const tick = () => new Promise((r) => setImmediate(r));

function machine(limits: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const ends: CommandEnd[] = [];
  let stops = 0;
  let finishStop: (why?: string) => void = () => {};
  const run = new RunningCommand(limits, {
    stop: () => {
      stops++;
      return new Promise<string | undefined>((r) => (finishStop = r));
    },
    settle: (end) => ends.push(end),
  });
  return { run, ends, stops: () => stops, finishStop: (why?: string) => finishStop(why) };
}

test('a command that exits on its own: running → done, settled once', () => {
  const m = machine();
  assert.is(m.run.state, 'starting');
  m.run.start();
  assert.is(m.run.state, 'running');
  m.run.exited();
  m.run.exited();
  assert.is(m.run.state, 'done');
  assert.equal(m.ends, [{ timedOut: false, interrupted: false }]);
  assert.is(m.stops(), 0);
});

test('a timeout stops the command; its exit while stopping waits for the stop', async () => {
  const m = machine({ timeoutMs: 5 });
  m.run.start();
  await new Promise((r) => setTimeout(r, 20));
  assert.is(m.run.state, 'stopping');
  assert.is(m.stops(), 1);
  m.run.exited(); // the kill made it exit: not over until the stop says so
  assert.is(m.ends.length, 0);
  m.finishStop('not permitted');
  await tick();
  assert.is(m.run.state, 'done');
  assert.equal(m.ends, [{ timedOut: true, interrupted: false, stopFailed: 'not permitted' }]);
});

test('an abort during a timeout stop is reported as an interruption; no second stop', async () => {
  const ac = new AbortController();
  const m = machine({ timeoutMs: 1, signal: ac.signal });
  m.run.start();
  await new Promise((r) => setTimeout(r, 10));
  ac.abort();
  assert.is(m.stops(), 1);
  m.finishStop();
  await tick();
  assert.equal(m.ends, [{ timedOut: true, interrupted: true }]);
});

test('aborted while starting: stopped as soon as it runs', async () => {
  const ac = new AbortController();
  ac.abort();
  const m = machine({ signal: ac.signal });
  m.run.start();
  await tick();
  assert.is(m.run.state, 'stopping');
  m.finishStop();
  await tick();
  assert.equal(m.ends, [{ timedOut: false, interrupted: true }]);
});

test('a command that ended is not stopped by a later abort, and its timer is gone', async () => {
  const ac = new AbortController();
  const m = machine({ timeoutMs: 5, signal: ac.signal });
  m.run.start();
  m.run.exited();
  ac.abort();
  await new Promise((r) => setTimeout(r, 15));
  assert.is(m.stops(), 0);
  assert.equal(m.ends, [{ timedOut: false, interrupted: false }]);
});

/** Run `fn` and collect the process warnings it causes. */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

async function fiftyInFlight(transports: Transport[], signal: AbortSignal): Promise<void> {
  const runs = Array.from({ length: 50 }, (_, i) =>
    transports[i % transports.length]!.exec(script('sleep 0.3; echo done'), { signal }),
  );
  for (const r of await Promise.all(runs)) assert.is(r.stdout, 'done\n');
}

test('50 local commands in flight on one AbortSignal: no MaxListenersExceededWarning', async () => {
  const ac = new AbortController();
  const warnings = await warningsDuring(() => fiftyInFlight([new LocalTransport()], ac.signal));
  assert.equal(warnings, []);
});

test('50 commands in flight over SSH (5 connections) on one AbortSignal: no warning', async () => {
  const d = await startSshd();
  const f = createSshTransportFactory({ connectRetries: 0 });
  const hosts = Array.from({ length: 5 }, (_, i) => f({ name: `fan${i}`, vars: loginVars(d) }));
  try {
    for (const h of hosts) await h.connect();
    const ac = new AbortController();
    const warnings = await warningsDuring(() => fiftyInFlight(hosts, ac.signal));
    assert.equal(warnings, []);
  } finally {
    for (const h of hosts) await h.close();
    await d.stop();
  }
});

test.run();
