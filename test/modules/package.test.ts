/**
 * package / apt / dnf: the probe's parser on real outputs, args + facts → exact commands, bad names
 * refused, and the real probe on this Debian machine (read-only: dpkg-query and apt-cache policy).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import apt from '../../src/modules/apt';
import dnf from '../../src/modules/dnf';
import pkg from '../../src/modules/package';
import { findModule } from '../../src/modules/index';
import { packageArgs, parseProbe, planPackages, type PackageFacts } from '../../src/modules/package-manager';
import { makeContext, runModule } from './context';

const APT = 'DEBIAN_FRONTEND=noninteractive apt-get';
const O = '-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
const cmds = (f: PackageFacts, raw: Record<string, unknown>) => {
  const p = planPackages(packageArgs.parse(raw), f);
  return [...(p.prelude ?? []), ...p.changes.flatMap((c) => c.steps)].map((s) =>
    s.kind === 'exec' ? s.cmd.display : s.kind,
  );
};

test('parseProbe reads dpkg-query, apt-cache policy and rpm/dnf lines', () => {
  const a = parseProbe(
    'M|apt\nI|bash|install ok installed|5.2-1\nI|hello|\nI|rc|deinstall ok config-files|1.0\nP|bash\nC|5.2-2\nP|hello\nC|2.10-3\n',
    ['bash', 'hello', 'rc'],
  );
  assert.equal(a, {
    manager: 'apt',
    packages: [
      { name: 'bash', installed: '5.2-1', candidate: '5.2-2' },
      { name: 'hello', candidate: '2.10-3' },
      { name: 'rc' },
    ],
  });
  const d = parseProbe(
    'M|dnf\nI|curl|0:7.76.1-26.el9\nI|zsh|package zsh is not installed\nU|curl|7.76.1-29.el9\n',
    ['curl', 'zsh'],
  );
  assert.equal(d.packages, [
    { name: 'curl', installed: '0:7.76.1-26.el9', candidate: '7.76.1-29.el9' },
    { name: 'zsh' },
  ]);
  assert.equal(parseProbe('M|\n', ['x']).manager, undefined);
});

test('args + facts → exact commands', () => {
  const f: PackageFacts = {
    manager: 'apt',
    packages: [
      { name: 'bash', installed: '5.2-1', candidate: '5.2-2' },
      { name: 'hello', candidate: '2.10-3' },
    ],
  };
  const table: [Record<string, unknown>, string[]][] = [
    [{ name: 'bash' }, []],
    [{ name: ['bash', 'hello'] }, [`${APT} install ${O} -- hello`]],
    [
      { name: 'bash,hello', state: 'latest' },
      [`${APT} install ${O} -- hello`, `${APT} install ${O} -- bash`],
    ],
    [{ name: 'bash=5.2-1' }, []],
    [{ name: 'bash=5.2-2' }, [`${APT} install ${O} -- bash=5.2-2`]],
    [{ name: 'bash=5.2*' }, []],
    [{ name: 'hello', state: 'absent' }, []],
    [{ pkg: 'bash', state: 'absent', purge: true }, [`${APT} remove ${O} --purge -- bash`]],
    [{ name: 'bash', update_cache: true }, ['apt-get update -q']],
    [{ name: 'hello', install_recommends: false }, [`${APT} install ${O} --no-install-recommends -- hello`]],
  ];
  for (const [raw, want] of table) assert.equal(cmds(f, raw), want, JSON.stringify(raw));
  const r: PackageFacts = {
    manager: 'dnf',
    packages: [{ name: 'curl', installed: '0:7.7-1', candidate: '7.8-1' }, { name: 'zsh' }],
  };
  assert.equal(cmds(r, { name: ['curl', 'zsh'], state: 'latest' }), [
    'dnf install -y -q -- zsh',
    'dnf upgrade -y -q -- curl',
  ]);
  assert.equal(cmds(r, { name: 'curl', state: 'removed' }), ['dnf remove -y -q -- curl']);
  assert.throws(() => cmds({ packages: [] }, { name: 'x' }), /no supported package manager/);
});

test('names that could read as options are refused; yum answers to dnf', async () => {
  for (const name of ['-y', 'a b', '--purge', 'x;rm', '']) {
    await runModule(apt, { name }, makeContext({ check: true })).then(
      () => assert.unreachable(name),
      (e) => assert.match(String(e), /invalid package name|name is required/),
    );
  }
  assert.is(findModule('yum'), dnf);
  assert.is(findModule('ansible.builtin.package'), pkg);
});

const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg-query && command -v apt-cache']).status === 0;
test('real probe on this machine: an installed package needs nothing, a missing one an install', async () => {
  if (!hasDpkg) return console.log('  (no dpkg here: skipped)');
  const ok = await runModule(pkg, { name: 'dpkg' }, makeContext({ check: true }));
  assert.is(ok.changed, false);
  const res = (ok.result['results'] as { name: string; installed: string }[])[0]!;
  assert.match(res.installed, /^\d/);
  const missing = await runModule(apt, { name: 'remediate-no-such-package' }, makeContext({ check: true }));
  assert.equal(
    missing.plan.changes.map((c) => c.describe),
    ['install remediate-no-such-package'],
  );
});

test.run();
