/**
 * `!unsafe` (Ansible's AnsibleUnsafe): the loader turns the text into a template that renders, once, to
 * exactly that text; an unknown tag is still a located error. The end-to-end behaviour (vars, set_fact,
 * register, loops) is proved against ansible-playbook by test/ansible-diff/cases/unsafe.yml.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlaybookError } from '../../src/errors';
import { parseYamlVars } from '../../src/inventory/yaml-parser';
import { YamlSource } from '../../src/playbook/yaml-source';
import { Templar, unsafeLiteral } from '../../src/template/index';
import { thrown } from '../helpers/must-throw';

const templar = new Templar();

test('an !unsafe scalar renders to its own text, whatever characters it holds', () => {
  const texts = [
    '{{ x }} {% if y %} {# c #}',
    "quotes ' \" and \\ backslashes \\n {{ '{{' }}",
    'line\nbreaks\r\n{{ a }}\t%}',
    '{% raw %}{{ x }}{% endraw %}',
    'plain text stays as it is',
  ];
  for (const t of texts) assert.is(templar.render(unsafeLiteral(t), {}), t, JSON.stringify(t));
  assert.is(unsafeLiteral('plain'), 'plain');
});

test('!unsafe on scalars and collections; other strings are untouched', () => {
  const src = YamlSource.parse(
    'p.yml',
    [
      'a: !unsafe "{{ x }}"',
      'n: !unsafe 42',
      'm: !unsafe {k: "{{ y }}", i: 3, l: ["{{ z }}"]}',
      'plain: "{{ w }}"',
    ].join('\n'),
  );
  const v = templar.render(src.value, { w: 'W' });
  assert.equal(v, { a: '{{ x }}', n: '42', m: { k: '{{ y }}', i: 3, l: ['{{ z }}'] }, plain: 'W' });
});

test('!unsafe in a vars file read by the inventory loader (-e @file, group_vars) stays literal', () => {
  const v = parseYamlVars('a: !unsafe "{{ x }}"\nb: "{{ y }}"\n', 'vars.yml');
  assert.equal(templar.render(v, { y: 'Y' }), { a: '{{ x }}', b: 'Y' });
});

test('an unknown tag is still a located load error', () => {
  const e = thrown(() => YamlSource.parse('p.yml', 'a: 1\nb: !nope x\n'));
  assert.instance(e, PlaybookError);
  assert.match((e as Error).message, /unknown YAML tag: !nope/);
  assert.is((e as PlaybookError).loc?.line, 2);
});

test.run();
