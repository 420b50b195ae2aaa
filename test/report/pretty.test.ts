import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReporter, createRunReporter } from '../../src/report/index';
import { PrettyReporter } from '../../src/report/pretty';
import { scriptedEvents, sink } from './scripted-events';

test('pretty: after the rows, failures and the PLAY RECAP are printed at close', async () => {
  const out = sink();
  const err = sink();
  const r = new PrettyReporter({ verbosity: 0, diff: false, out, err, color: false, isTTY: true });
  const events = scriptedEvents();
  for (const e of events) r.on(e);
  assert.not.match(out.text, /PLAY RECAP/); // held until the listr rows are done
  await r.close();
  assert.match(out.text, /fatal: \[kube01\]: FAILED! => \{"msg": "'api_ip' is undefined"\}/);
  assert.match(out.text, /fatal: \[kube02\]: UNREACHABLE!/);
  assert.match(out.text, /PLAY RECAP \*+\nkube01 {21}: ok=3 {4}changed=3/);
  assert.match(err.text, /\[WARNING\]: kube02: something odd/);
  // what changed is in the grouped summary that follows the recap (createRunReporter)
  const out2 = sink();
  const r2 = createRunReporter('pretty', {
    verbosity: 0,
    diff: false,
    out: out2,
    err: sink(),
    color: false,
    isTTY: true,
  });
  for (const e of scriptedEvents()) r2.on(e);
  await r2.close?.();
  assert.match(
    out2.text,
    /\nCHANGED\n  \[write csr\.conf\]\n    1 host \(kube01\): ~ write \/etc\/pki\/tls\/kube01\/csr\.conf/,
  );
  assert.ok(out2.text.indexOf('\nCHANGED\n') > out2.text.indexOf('PLAY RECAP'));
});

/** Run `fn` with process.stdout.columns set to `columns` (what a terminal reports; undefined for a pipe). */
function withColumns(columns: number | undefined, fn: () => void): void {
  const saved = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
  Object.defineProperty(process.stdout, 'columns', { value: columns, configurable: true });
  try {
    fn();
  } finally {
    if (saved) Object.defineProperty(process.stdout, 'columns', saved);
    else delete (process.stdout as { columns?: number }).columns;
  }
}

test('pretty is used only for a TTY without -v or --diff', () => {
  const base = { verbosity: 0, diff: false, out: sink(), err: sink(), color: false, isTTY: true };
  withColumns(100, () => {
    assert.instance(createReporter('pretty', base), PrettyReporter);
    assert.not.instance(createReporter('pretty', { ...base, diff: true }), PrettyReporter);
    assert.not.instance(createReporter('pretty', { ...base, verbosity: 1 }), PrettyReporter);
    assert.not.instance(createReporter('pretty', { ...base, isTTY: false }), PrettyReporter);
  });
});

test('pretty needs a terminal that reports a usable width (a width-0 pty gets plain lines)', () => {
  const base = { verbosity: 0, diff: false, out: sink(), err: sink(), color: false, isTTY: true };
  for (const [columns, pretty] of [
    [undefined, false],
    [0, false],
    [10, false],
    [100, true],
  ] as const)
    withColumns(columns, () =>
      assert.is(createReporter('pretty', base) instanceof PrettyReporter, pretty, `columns ${columns}`),
    );
});

test.run();
