/** group_vars / host_vars, vars_files and -e cases. */
import { type Case, esc, LOCAL_INI, OK_PLAY, playWith } from './corpus';
import { billionLaughs, deepMapping } from './cases-inventory';

/** [name, file text, line, fragment] for a vars file in whatever place. */
const BAD_VARS: [string, string, number, string][] = [
  ['a list', '- a\n- b\n', 1, 'must be a mapping'],
  ['a scalar', 'just text\n', 1, 'must be a mapping'],
  ['tab indentation', 'a:\n\tb: 1\n', 2, ''],
  ['unclosed quote', 'a: "x\nb: 1\n', 3, ''],
  ['duplicate key', 'a: 1\na: 2\n', 2, ''],
  ['unclosed flow', 'a: [1, 2\n', 2, ''],
  ['undefined alias', 'a: *nope\n', 1, ''],
  ['bad port', 'ansible_port: abc\n', 1, 'is not a port number'],
  ['port out of range', 'ansible_port: 65536\n', 1, 'is not a port number'],
  ['alias bomb', billionLaughs(), 2, 'YAML aliases expand too much'],
  ['3000 levels', deepMapping(3000), 0, 'YAML nested more than 200 levels deep'],
  ['complex key', '? [a]\n: 1\n', 1, ''],
];

function locRe(file: string, line: number, what: string): RegExp {
  return new RegExp(`${esc(file)}:${line || '\\d+'}:\\d+: .*${esc(what)}`);
}

export function varsCases(): Case[] {
  const out: Case[] = [];
  const run = ['run', '{dir}/play.yml', '-i', '{dir}/inventory/hosts'];
  for (const [name, text, line, what] of BAD_VARS) {
    out.push({
      name: `group_vars: ${name}`,
      files: { 'play.yml': OK_PLAY, 'inventory/hosts': LOCAL_INI, 'inventory/group_vars/web.yml': text },
      args: run,
      code: 4,
      msg: locRe('group_vars/web.yml', line, what),
    });
    out.push({
      name: `host_vars: ${name}`,
      files: { 'play.yml': OK_PLAY, 'inventory/hosts': LOCAL_INI, 'inventory/host_vars/h1.yml': text },
      args: run,
      code: 4,
      msg: locRe('host_vars/h1.yml', line, what),
    });
    out.push({
      name: `-e @file: ${name}`,
      files: { 'play.yml': OK_PLAY, 'inv.ini': LOCAL_INI, 'extra.yml': text },
      args: ['run', '{dir}/play.yml', '-i', '{dir}/inv.ini', '-e', '@{dir}/extra.yml'],
      code: 4,
      msg: locRe('extra.yml', line, what === 'must be a mapping' ? '' : what),
    });
    if (what === 'is not a port number') continue; // a play's vars file is not inventory: no port check there
    out.push({
      name: `vars_files: ${name}`,
      files: {
        'play.yml': playWith('', '  vars_files:\n    - v.yml\n'),
        'inv.ini': LOCAL_INI,
        'v.yml': text,
      },
      args: ['run', '{dir}/play.yml', '-i', '{dir}/inv.ini'],
      code: 4,
      msg: locRe('v.yml', line, what === 'must be a mapping' ? '' : what),
    });
  }
  const e = (name: string, value: string, msg: string | RegExp, code = 5): Case => ({
    name: `-e ${name}`,
    files: { 'play.yml': OK_PLAY, 'inv.ini': LOCAL_INI },
    args: ['run', '{dir}/play.yml', '-i', '{dir}/inv.ini', '-e', value],
    code,
    msg,
  });
  out.push(
    e('a bare word', 'justaword', 'expected key=value'),
    e('=value', '=x', 'expected key=value'),
    e('unclosed quote', 'a="b', '-e a="b'),
    e('broken JSON', '{"a": ', 'not a JSON/YAML mapping'),
    e('JSON list', '[1, 2]', 'not a JSON/YAML mapping'),
    e('JSON scalar in braces', '{}}', 'not a JSON/YAML mapping'),
    e('@ missing file', '@{dir}/nope.yml', 'cannot read'),
    e('@ a directory', '@{dir}', 'cannot read'),
    e(
      'inline alias bomb',
      `{${billionLaughs().trim().split('\n').join(', ')}}`,
      'YAML aliases expand too much',
    ),
    e(
      'inline 3000 levels',
      `${'{"a": '.repeat(3000)}1${'}'.repeat(3000)}`,
      'YAML nested more than 200 levels deep',
    ),
  );
  return out;
}
