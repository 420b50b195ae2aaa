import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TemplateError } from '../../src/errors';
import { Templar } from '../../src/template/index';
import type { Play } from '../../src/playbook/types';
import { UnresolvedVar, resolveTemplatedVars, rootScope } from '../../src/runner/variables';

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

test.run();
