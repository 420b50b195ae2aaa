/** pause: one wait step on the runner's Clock (a fake clock here: nothing really sleeps), never a change. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pause from '../../src/modules/pause';
import { makeContext, runModule } from './context';

function fakeClock() {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    clock: { now: () => t, sleep: async (ms: number) => void (slept.push(ms), (t += ms)) },
  };
}

test('seconds and minutes sleep on the runner clock once, as one observed wait step', async () => {
  for (const [raw, ms, stdout] of [
    [{ seconds: 3 }, 3000, 'Paused for 3 seconds'],
    [{ seconds: '1.5' }, 1500, 'Paused for 1.5 seconds'],
    [{ minutes: 2 }, 120000, 'Paused for 2 minutes'],
  ] as const) {
    const f = fakeClock();
    const ctx = makeContext();
    ctx.clock = f.clock;
    const r = await runModule(pause, raw, ctx);
    assert.equal(f.slept, [ms], JSON.stringify(raw));
    assert.is(r.changed, false);
    assert.equal(r.plan.changes, []);
    assert.equal(
      r.plan.observe!.map((s) => s.kind),
      ['wait'],
    );
    assert.is(r.result['stdout'], stdout);
    assert.is(r.result['delta'], ms / 1000);
  }
});

test('check mode looks once and does not sleep; a prompt warns and goes on; bad args fail', async () => {
  const f = fakeClock();
  const chk = makeContext({ check: true });
  chk.clock = f.clock;
  await runModule(pause, { seconds: 30 }, chk);
  assert.equal(f.slept, []);
  const ctx = makeContext();
  const r = await runModule(pause, { prompt: 'Continue?' }, ctx);
  assert.is(r.result['user_input'], '');
  assert.ok(ctx.logs.some((l) => l.startsWith('WARN Not waiting for response')));
  await runModule(pause, { seconds: 1, minutes: 1 }, makeContext()).then(
    () => assert.unreachable(),
    (e) => assert.match(String(e), /mutually exclusive/),
  );
  assert.throws(() => pause.args.parse({ seconds: -1 }));
});

test.run();
