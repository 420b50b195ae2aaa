/** Inventory cases, INI and YAML: syntax, host ranges, groups, connection variables. */
import { type Case, esc, loc, OK_PLAY } from './corpus';

function invCase(name: string, file: string, text: string, msg: string | RegExp, code = 4): Case {
  return {
    name: `inventory ${file.endsWith('.ini') ? 'INI' : 'YAML'}: ${name}`,
    files: { 'play.yml': OK_PLAY, [file]: text },
    args: ['run', '{dir}/play.yml', '-i', `{dir}/${file}`],
    code,
    msg,
  };
}

const at = (file: string, text: string, needle: string) => loc(file, text, needle);

const INI: [string, string, string, string][] = [
  ['section header unclosed', '[web\nh1\n', '[web', 'invalid section header'],
  ['section header with space', '[my group]\nh1\n', '[my group]', 'invalid section header'],
  ['unknown section type', '[web:hostz]\nh1\n', 'hostz', 'unknown type'],
  ['host var without =', '[web]\nh1 ansible_connection\n', 'ansible_connection', 'expected key=value'],
  ['host var =value', '[web]\nh1 =x\n', '=x', 'expected key=value'],
  ['unclosed quote in host line', '[web]\nh1 a="b\n', 'a="b', 'cannot parse host line'],
  ['range without end', '[web]\nh[1:]\n', '[1:]', 'must specify an end value'],
  ['range letters and digits', '[web]\nh[a:3]\n', '[a:3]', 'must be numeric'],
  ['range backwards', '[web]\nh[3:1]\n', '[3:1]', 'must have begin <= end'],
  ['range unclosed', '[web]\nh[1:3\n', 'h[1:3', 'invalid host name'],
  ['vars line without =', '[web]\nh1\n[web:vars]\njust_a_word\n', 'just_a_word', 'expected key=value'],
  ['vars line without name', '[web]\nh1\n[web:vars]\n= 1\n', '= 1', 'missing variable name'],
  ['vars for undefined group', '[web]\nh1\n[nogroup:vars]\na=1\n', '[nogroup:vars]', 'undefined group'],
  ['children undefined group', '[web]\nh1\n[all2:children]\nnope\n', 'nope', 'undefined group'],
  ['children cycle', '[a:children]\nb\n[b:children]\na\n', 'a\n', ''],
  ['child group name with colon', '[web]\nh1\n[g:children]\na:b\n', 'a:b', 'invalid child group name'],
  [
    'ansible_port=abc',
    '[web]\nh1 ansible_connection=local ansible_port=abc\n',
    'abc',
    'is not a port number',
  ],
  [
    'ansible_port=99999',
    '[web]\nh1 ansible_connection=local ansible_port=99999\n',
    '99999',
    'is not a port number',
  ],
  ['ansible_port=0', '[web]\nh1 ansible_connection=local ansible_port=0\n', '0\n', 'is not a port number'],
  ['ansible_port=-5', '[web]\nh1 ansible_connection=local ansible_port=-5\n', '-5', 'is not a port number'],
  [
    'ansible_port=1.5',
    '[web]\nh1 ansible_connection=local ansible_port=1.5\n',
    '1.5',
    'is not a port number',
  ],
  [
    'ansible_ssh_port=x',
    '[web]\nh1 ansible_connection=local ansible_ssh_port=x\n',
    'x\n',
    'is not a port number',
  ],
  ['group ansible_port=abc', '[web]\nh1\n[web:vars]\nansible_port = abc\n', 'abc', 'is not a port number'],
  ['host:port too big', '[web]\nh1:70000 ansible_connection=local\n', 'h1:70000', 'is not a port number'],
  ['host:port zero', '[web]\nh1:0 ansible_connection=local\n', 'h1:0', 'is not a port number'],
  ['inventory script without the execute bit', '#!/bin/sh\necho {}\n', '', 'could not run'],
];

const YAML_INV: [string, string, string, string][] = [
  ['top level a list', '- h1\n- h2\n', '- h1', 'must be a mapping'],
  ['top level a scalar', 'hosts\n', 'hosts', 'must be a mapping'],
  ['plugin inventory', 'plugin: aws_ec2\n', 'plugin', 'inventory plugins are not supported'],
  ['hosts a list', 'all:\n  hosts:\n    - h1\n', '- h1', ''],
  ['vars a list', 'all:\n  vars:\n    - a\n', '- a', 'must be a mapping'],
  ['children a list', 'all:\n  children:\n    - web\n', '- web', ''],
  [
    'group name with space',
    'all:\n  children:\n    my group:\n      hosts: {h1: }\n',
    'my group',
    'invalid group name',
  ],
  ['ansible_port abc', 'all:\n  hosts:\n    h1:\n      ansible_port: abc\n', 'abc', 'is not a port number'],
  [
    'ansible_port 99999',
    'all:\n  hosts:\n    h1:\n      ansible_port: 99999\n',
    '99999',
    'is not a port number',
  ],
  [
    'group ansible_port',
    'all:\n  hosts:\n    h1:\n  vars:\n    ansible_port: abc\n',
    'abc',
    'is not a port number',
  ],
  ['host range backwards', 'all:\n  hosts:\n    h[3:1]:\n', 'h[3:1]', ''],
  ['syntax: tab', 'all:\n\thosts: {}\n', '\thosts', ''],
  ['syntax: unclosed flow', 'all:\n  hosts: {h1: \n', 'hosts', ''],
  ['syntax: duplicate group', 'all:\n  hosts: {}\nall: # again\n  hosts: {}\n', 'all: # again', ''],
  ['host vars a scalar', 'all:\n  hosts:\n    h1: 5\n', '5', ''],
  ['key a mapping', 'all:\n  hosts:\n    {a: 1}: x\n', '{a: 1}', ''],
];

export function inventoryCases(): Case[] {
  const out: Case[] = [];
  for (const [name, text, needle, what] of INI) {
    const where = needle ? at('inv.ini', text, needle) : 'inv.ini';
    out.push(invCase(name, 'inv.ini', text, needle ? new RegExp(`${esc(where)}: .*${esc(what)}`) : what));
  }
  for (const [name, text, needle, what] of YAML_INV) {
    const line = at('inv.yml', text, needle).split(':')[1];
    out.push(invCase(name, 'inv.yml', text, new RegExp(`inv\\.yml:${line}:\\d+: .*${esc(what)}`)));
  }
  // finding 7 kinds in YAML inventories
  const bomb = billionLaughs('    ');
  out.push(
    invCase(
      'alias bomb',
      'inv.yml',
      `all:\n  hosts:\n    h1: {ansible_connection: local}\n  vars:\n${bomb}`,
      /inv\.yml:\d+:\d+: YAML aliases expand too much/,
    ),
  );
  out.push(
    invCase(
      '3000 levels',
      'inv.yml',
      `all:\n  vars:\n${deepMapping(3000, '    ')}`,
      /inv\.yml:\d+:\d+: YAML nested more than 200 levels deep/,
    ),
  );
  out.push(
    invCase(
      'BOM accepted (YAML)',
      'inv.yml',
      '\ufeffall:\n  hosts:\n    h1: {ansible_connection: local}\n',
      'ok=1',
      0,
    ),
  );
  out.push(invCase('BOM accepted (INI)', 'inv.ini', '\ufeff[web]\nh1 ansible_connection=local\n', 'ok=1', 0));
  out.push(invCase('CRLF accepted (INI)', 'inv.ini', '[web]\r\nh1 ansible_connection=local\r\n', 'ok=1', 0));
  out.push(
    invCase(
      'CRLF accepted (YAML)',
      'inv.yml',
      'all:\r\n  hosts:\r\n    h1: {ansible_connection: local}\r\n',
      'ok=1',
      0,
    ),
  );
  return out;
}

/** "Billion laughs": nine levels of nine aliases each (lines indented by `indent`). */
export function billionLaughs(indent = ''): string {
  let s = `${indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  let prev = 'a';
  for (const n of 'bcdefghi') {
    s += `${indent}${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = n;
  }
  return s;
}

/** `depth` levels of block mappings (lines indented by `indent`). */
export function deepMapping(depth: number, indent = ''): string {
  let s = '';
  for (let i = 0; i < depth; i++) s += `${indent}${'  '.repeat(i)}k${i}:\n`;
  return s + `${indent}${'  '.repeat(depth)}v: 1\n`;
}
