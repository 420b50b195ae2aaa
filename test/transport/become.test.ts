import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script, secret } from '../../src/command';
import {
  BecomeDriver,
  BecomeError,
  prepareScript,
  wrapBecome,
  type BecomeIO,
} from '../../src/transport/become';

function io() {
  const log = { writes: [] as string[], ended: false, aborted: undefined as string | undefined };
  const x: BecomeIO = {
    write: (d) => void log.writes.push(String(d)),
    end: () => void (log.ended = true),
    abort: (r) => void (log.aborted = r),
  };
  return { log, io: x };
}

test('sudo with a password: -S and a unique prompt, the password never in the command', () => {
  const w = wrapBecome(script('id -un'), { method: 'sudo', user: 'root', password: secret('pw-123') });
  assert.match(
    w.command.script,
    /^sudo -H -S -p '\[remediate-sudo-[0-9a-f]{16}\] password: ' -u root \/bin\/sh -c /,
  );
  assert.not.match(w.command.script + w.command.display + JSON.stringify(w.command), /pw-123/);
  assert.is(w.stdinPrefix, 'pw-123\n');
  assert.is(w.needsPty, false);
  const other = wrapBecome(script('id -un'), { method: 'sudo', user: 'root', password: secret('x') });
  assert.is.not(other.prompt, w.prompt);
});

test('sudo without a password uses -n; su uses a pty only with a password', () => {
  assert.match(
    wrapBecome(script('true'), { method: 'sudo', user: 'app' }).command.script,
    /^sudo -H -n -u app /,
  );
  const su = wrapBecome(script('true'), { method: 'su', user: 'app', password: secret('p') });
  assert.match(su.command.script, /^su -s \/bin\/sh app -c /);
  assert.is(su.needsPty, true);
  assert.is(wrapBecome(script('true'), { method: 'su', user: 'app' }).needsPty, false);
});

test('driver: password written once when prompted, stdin only after the marker, chatter dropped', () => {
  const w = wrapBecome(script('cat'), { method: 'sudo', user: 'root', password: secret('pw') });
  const { log, io: x } = io();
  const d = new BecomeDriver(w, secret('pw'), 'payload', x);
  assert.is(d.filter('We trust you have received the usual lecture\n'), '');
  assert.is(d.filter(w.prompt), '');
  assert.equal(log.writes, ['pw\n']);
  assert.is(log.ended, false);
  // The marker split across chunks.
  const m = w.successMarker;
  assert.is(d.filter(m.slice(0, 5)), '');
  assert.is(d.filter(m.slice(5) + '\nwarning: real stderr\n'), 'warning: real stderr\n');
  assert.equal(log.writes, ['pw\n', 'payload']);
  assert.is(log.ended, true);
  assert.is(d.filter('more\n'), 'more\n');
  d.finish();
});

test('driver: the prompt twice is a wrong password, aborted, never a hang', () => {
  const w = wrapBecome(script('id'), { method: 'sudo', user: 'root', password: secret('bad') });
  const { log, io: x } = io();
  const d = new BecomeDriver(w, secret('bad'), undefined, x);
  d.filter(w.prompt);
  d.filter('Sorry, try again.\n' + w.prompt);
  assert.is(log.aborted, 'incorrect become password');
  assert.throws(
    () => d.finish(),
    (e: Error) =>
      e instanceof BecomeError && /incorrect become password/.test(e.message) && !/bad/.test(e.message),
  );
});

test('driver: tty required, password required, not in sudoers are named', () => {
  const cases: [string, RegExp][] = [
    ['sudo: a terminal is required to read the password\n', /requires a terminal/],
    ['sudo: sorry, you must have a tty to run sudo\n', /requires a terminal/],
    ['sudo: a password is required\n', /needs a password and none was given/],
    ['bob is not in the sudoers file.  This incident will be reported.\n', /may not use sudo/],
  ];
  for (const [text, re] of cases) {
    const w = wrapBecome(script('id'), { method: 'sudo', user: 'root' });
    const { log, io: x } = io();
    const d = new BecomeDriver(w, undefined, undefined, x);
    d.filter(text);
    assert.ok(log.aborted, text);
    assert.throws(() => d.finish(), re);
  }
  // Prompted without a password to give: abort rather than wait forever.
  const w = wrapBecome(script('id'), { method: 'sudo', user: 'root', password: secret('') });
  const { log, io: x } = io();
  new BecomeDriver(w, undefined, undefined, x).filter(w.prompt);
  assert.is(log.aborted, 'become password required');
});

test('prepareScript: exported env and chdir, quoted; bad names refused', () => {
  assert.is(
    prepareScript('echo $A', { env: { A: "x'y" }, cwd: '/a b' }),
    `export A='x'\\''y'; cd '/a b' || exit 1; echo $A`,
  );
  assert.throws(() => prepareScript('true', { env: { 'A;rm': '1' } }), /invalid environment variable name/);
});

test.run();
