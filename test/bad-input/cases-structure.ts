/** Playbook YAML syntax and structure cases: the parser's and the loader's errors, located. */
import { type Case, LOCAL_INI, OK_PLAY, playCase, playWith } from './corpus';

/** [name, playbook text, line the error must name, fragment]. */
const SYNTAX: [string, string, number, string][] = [
  ['tab indentation', playWith('    - name: t\n\tdebug: msg=hi\n'), 7, ''],
  ['unclosed double quote', playWith('    - name: "t\n      debug: msg=hi\n'), 8, 'YAML syntax error'],
  ['unclosed single quote', playWith("    - name: 't\n      debug: msg=hi\n"), 8, 'YAML syntax error'],
  ['unclosed flow sequence', playWith('    - name: t\n      debug: {msg: [1, 2}\n'), 7, 'YAML syntax error'],
  ['unclosed flow mapping', playWith('    - name: t\n      debug: {msg: hi\n'), 8, 'YAML syntax error'],
  [
    'duplicate key in a task',
    playWith('    - name: t\n      debug: msg=hi\n      name: u\n'),
    8,
    'YAML syntax error',
  ],
  [
    'unquoted template value',
    playWith('    - name: t\n      debug:\n        msg: {{ x }}\n'),
    8,
    '{{ must be quoted',
  ],
  ['undefined alias', playWith('    - name: t\n      debug:\n        msg: *nope\n'), 8, ''],
  ['unknown tag', playWith('    - name: t\n      debug:\n        msg: !foo x\n'), 8, 'unknown YAML tag'],
  ['mapping in a plain value', playWith('    - name: t: u\n      debug: msg=hi\n'), 6, 'YAML syntax error'],
  ['stray closing bracket', playWith('    - name: t\n      debug: msg=hi ]\n      when: ]\n'), 8, ''],
  ['reserved indicator @', playWith('    - name: @t\n      debug: msg=hi\n'), 6, 'YAML syntax error'],
  ['reserved indicator backtick', playWith('    - name: `t`\n      debug: msg=hi\n'), 6, 'YAML syntax error'],
  ['bad indentation of a key', playWith('    - name: t\n       debug: msg=hi\n'), 6, 'YAML syntax error'],
  ['invalid escape', playWith('    - name: "a\\qb"\n      debug: msg=hi\n'), 6, ''],
  ['sequence where a mapping continues', playWith('    - name: t\n      debug: msg=hi\n      - x\n'), 8, ''],
  ['two documents', `${OK_PLAY}---\n- hosts: all\n  tasks: []\n`, 6, ''],
  [
    'complex mapping key',
    playWith('    - name: t\n      ? [a, b]\n      : c\n'),
    7,
    'mapping keys must be plain values',
  ],
  ['block scalar bad indent', playWith('    - name: t\n      debug:\n        msg: |\n      x\n'), 9, ''],
  ['anchor on nothing then junk', playWith('    - name: t\n      debug: &a\n      &b x\n'), 8, ''],
  ['directive in the middle', `${OK_PLAY}%YAML 1.1\n`, 6, ''],
  ['flow mapping missing comma', playWith('    - name: t\n      debug: {msg: a b: c}\n'), 7, ''],
  ['quoted key then junk', playWith('    - name: t\n      "debug" x: msg=hi\n'), 7, ''],
  ['null byte', playWith('    - name: t\u0000\n      debug: msg=hi\n'), 6, 'unacceptable character #x0000'],
];

/** [name, playbook text, line, fragment] of structure errors the loader reports. */
const STRUCTURE: [string, string, number, string][] = [
  ['playbook is a mapping', 'hosts: all\ntasks: []\n', 1, 'list of plays'],
  ['playbook is a scalar', 'just text\n', 1, 'list of plays'],
  ['play is a list', '- - hosts: all\n', 1, ''],
  ['play is a string', '- all\n', 1, ''],
  ['play without hosts', '- gather_facts: false\n  tasks:\n    - debug: msg=hi\n', 1, 'hosts'],
  ['hosts is a mapping', '- hosts: {a: 1}\n  tasks: []\n', 1, 'hosts'],
  ['tasks is a mapping', '- hosts: all\n  tasks:\n    debug: msg=hi\n', 3, 'tasks'],
  ['task is a string', '- hosts: all\n  tasks:\n    - debug\n', 3, ''],
  ['task is a list', '- hosts: all\n  tasks:\n    - [debug]\n', 3, ''],
  ['task with two modules', '- hosts: all\n  tasks:\n    - debug: msg=a\n      command: echo\n', 4, ''],
  ['task with no module', '- hosts: all\n  tasks:\n    - name: nothing\n', 3, ''],
  ['handlers is a string', '- hosts: all\n  tasks: []\n  handlers: h\n', 3, 'handlers'],
  ['unknown play keyword', '- hosts: all\n  taks: []\n', 2, "'taks'"],
  [
    'notify without handler',
    playWith('    - name: t\n      command: echo\n      notify: nohandler\n'),
    8,
    'nohandler',
  ],
  ['vars_files missing file', playWith('', '  vars_files:\n    - nope.yml\n'), 4, 'nope.yml'],
  ['vars_files not a list', playWith('', '  vars_files: {a: 1}\n'), 3, 'vars_files'],
  ['import_playbook missing file', '- import_playbook: nope.yml\n', 1, 'nope.yml'],
  ['block with a bad task', playWith('    - block:\n        - debugx: msg=hi\n'), 7, 'debugx'],
  ['rescue without block', playWith('    - rescue:\n        - debug: msg=hi\n'), 6, ''],
  [
    'loop and with_items both',
    playWith('    - debug: msg=hi\n      loop: [1]\n      with_items: [2]\n'),
    8,
    'use only one of',
  ],
  ['module args a number', playWith('    - debug: 5\n'), 6, ''],
  ['free-form for a module without one', playWith('    - stat: /etc/hosts\n'), 6, ''],
  ['serial a word', playWith('', '  serial: many\n'), 3, 'serial'],
  ['max_fail_percentage a word', playWith('', '  max_fail_percentage: lots\n'), 3, 'max_fail_percentage'],
  ['strategy unknown', playWith('', '  strategy: random\n'), 3, 'strategy'],
  ['become_method unknown', playWith('', '  become_method: runas\n'), 3, 'become_method'],
  ['gather_facts a word', '- hosts: all\n  gather_facts: perhaps\n  tasks: []\n', 2, 'gather_facts'],
];

export function structureCases(): Case[] {
  const out: Case[] = [];
  for (const [name, text, line, what] of [...SYNTAX, ...STRUCTURE])
    out.push(
      playCase(
        `playbook: ${name}`,
        text,
        4,
        new RegExp(`play\\.yml:${line}:\\d+: .*${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      ),
    );
  // Dynamic like Ansible's: include_tasks and a template's src are read when the task runs, so these fail
  // the task (exit 2), located at the task.
  out.push(
    playCase(
      'include_tasks missing file (at run time)',
      playWith('    - include_tasks: nope.yml\n'),
      2,
      /nope\.yml: no such file.*\n\s+\S*play\.yml:6:7/,
    ),
    playCase(
      'template src missing (at run time)',
      playWith('    - template:\n        src: nope.j2\n        dest: /tmp/x\n'),
      2,
      /nope\.j2.*\n\s+\S*play\.yml:6:7/,
    ),
  );
  // finding 7: a templated hosts: undefined in play 2 is refused before play 1 runs
  const two = `${OK_PLAY}- hosts: "{{ nothere }}"\n  gather_facts: false\n  tasks:\n    - debug: msg=two\n`;
  out.push(
    playCase(
      'templated hosts undefined in play 2',
      two,
      4,
      /play\.yml:6:3: hosts "\{\{ nothere \}\}": 'nothere' is undefined/,
    ),
  );
  out.push({
    name: 'validate: templated hosts undefined in play 2',
    files: { 'play.yml': two, 'inv.ini': LOCAL_INI },
    args: ['validate', '{dir}/play.yml', '-i', '{dir}/inv.ini'],
    code: 4,
    msg: /play\.yml:6:3: hosts/,
  });
  return out;
}
