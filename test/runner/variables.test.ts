import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TemplateError } from '../../src/errors';
import { Templar } from '../../src/template/index';
import type { Play } from '../../src/playbook/types';
import { HostState } from '../../src/runner/host-state';
import {
  UnresolvedVar,
  enterRole,
  resolveTemplatedVars,
  rootScope,
  taskVars,
  type PlayScope,
} from '../../src/runner/variables';

const t = new Templar();

test('templated variables are rendered against each other, in any order, deeply', () => {
  const v = resolveTemplatedVars(
    {
      file: '{{ dir }}/server.crt',
      dir: '{{ base }}/pki',
      base: '/etc',
      list: ['{{ base }}'],
      n: '{{ 1 + 1 }}',
    },
    t,
  );
  assert.is(v['file'], '/etc/pki/server.crt');
  assert.equal(v['list'], ['/etc']);
  assert.is(v['n'], 2);
});

test('a variable that cannot be rendered fails where it is used, with the original error', () => {
  const v = resolveTemplatedVars({ bad: '{{ nope }}/x', ok: 'fine' }, t);
  assert.instance(v['bad'], UnresolvedVar);
  assert.throws(
    () => t.render('path={{ bad }}', v),
    (e: unknown) => e instanceof TemplateError && /'nope' is undefined/.test(e.message),
  );
  assert.is(t.render('{{ ok }}', v), 'fine');
});

test('a rendered value is never rendered again (raw blocks, !unsafe stay literal)', () => {
  const v = resolveTemplatedVars({ lit: '{% raw %}{{ not a template }}{% endraw %}', uses: '{{ lit }}!' }, t);
  assert.is(v['lit'], '{{ not a template }}');
  assert.is(v['uses'], '{{ not a template }}!');
});

test('magic variables are left alone', () => {
  const hostvars = { h: { x: '{{ not_rendered }}' } };
  const v = resolveTemplatedVars({ hostvars }, t);
  assert.is(v['hostvars'], hostvars);
});

test('an unresolvable variable raises in comparisons too and counts as undefined for default()/is defined', () => {
  const v = resolveTemplatedVars({ bad: '{{ nope }}/x' }, t);
  assert.throws(
    () => t.condition('bad == "a"', v),
    (e: unknown) => e instanceof TemplateError && /'nope' is undefined/.test(e.message),
  );
  assert.is(t.render("{{ bad | default('fallback') }}", v), 'fallback');
  assert.is(t.condition('bad is defined', v), false);
});

test('rootScope: the play passes down every inherited keyword it sets (no_log and ignore_errors too)', () => {
  const play = {
    tags: ['t'],
    become: true,
    becomeUser: 'app',
    environment: { A: '1' },
    noLog: true,
    ignoreErrors: true,
    anyErrorsFatal: false,
  } as Partial<Play> as Play;
  assert.equal(rootScope(play).inherited, {
    become: true,
    becomeUser: 'app',
    environment: { A: '1' },
    noLog: true,
    ignoreErrors: true,
    anyErrorsFatal: false,
  });
  assert.equal(rootScope(play).tags, ['t']);
});

test('role precedence: defaults < inventory < play vars < role vars < task vars < set_fact < params < -e', () => {
  const play = { tags: [], remoteUser: 'deploy' } as unknown as Play;
  const host = new HostState('h', { a: 'inv', b: 'inv', ansible_user: undefined as unknown as string });
  delete host.inventoryVars['ansible_user'];
  host.dynamicVars['f'] = 'fact';
  host.dynamicVars['p'] = 'fact';
  const ps: PlayScope = {
    inventory: { hosts: new Map() } as unknown as PlayScope['inventory'],
    hosts: new Map(),
    playVars: { b: 'play', c: 'play' },
    varsFilesVars: {},
    roleDefaults: { a: 'play-default', z: 'play-default' },
    extraVars: { x: 'extra' },
    magic: {},
  };
  const role = {
    name: 'r',
    path: '/roles/r',
    defaults: { a: 'default', d: 'default', z: 'default' },
    vars: { c: 'role', e: 'role' },
    params: { p: 'param', x: 'param' },
  };
  const v = taskVars(ps, host, enterRole(rootScope(play), role), { e: 'task' });
  assert.equal(
    [v.a, v.b, v.c, v.d, v.e, v.f, v.p, v.x, v.z],
    ['inv', 'play', 'role', 'default', 'task', 'fact', 'param', 'extra', 'default'],
  );
  assert.is(v.role_name, 'r');
  assert.is(v.role_path, '/roles/r');
  assert.is(v.ansible_user, 'deploy', 'remote_user is the login user where no ansible_user is set');
  host.inventoryVars['ansible_user'] = 'admin';
  assert.is(taskVars(ps, host, rootScope(play), undefined).ansible_user, 'admin', 'ansible_user wins');
});

test.run();
