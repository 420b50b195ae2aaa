/**
 * Raw-input cases for every file remediate reads as YAML or INI: truncated, binary, huge, deep, aliased,
 * BOM, CRLF and invalid UTF-8 content — located errors, or (BOM, CRLF) loaded as PyYAML/Ansible would.
 */
import { type Case, LOCAL_INI, OK_PLAY, playWith } from './corpus';
import { billionLaughs, deepMapping } from './cases-inventory';

interface Kind {
  name: string;
  /** Where the content goes. */
  file: string;
  /** A valid file of this kind (mapping/playbook), as lines. */
  valid: string;
  /** The case's other files and args. */
  setup: (content: string | Buffer) => Pick<Case, 'files' | 'args'>;
  /** Whether YAML-only variants (deep, aliases) apply. */
  yaml: boolean;
}

const run = (inv: string) => ['run', '{dir}/play.yml', '-i', inv];

const KINDS: Kind[] = [
  {
    name: 'playbook',
    file: 'play.yml',
    valid: OK_PLAY,
    yaml: true,
    setup: (c) => ({ files: { 'play.yml': c, 'inv.ini': LOCAL_INI }, args: run('{dir}/inv.ini') }),
  },
  {
    name: 'INI inventory',
    file: 'inv.ini',
    valid: LOCAL_INI,
    yaml: false,
    setup: (c) => ({ files: { 'play.yml': OK_PLAY, 'inv.ini': c }, args: run('{dir}/inv.ini') }),
  },
  {
    name: 'YAML inventory',
    file: 'inv.yml',
    valid: 'all:\n  hosts:\n    h1:\n      ansible_connection: local\n',
    yaml: true,
    setup: (c) => ({ files: { 'play.yml': OK_PLAY, 'inv.yml': c }, args: run('{dir}/inv.yml') }),
  },
  {
    name: 'group_vars file',
    file: 'all.yml',
    valid: 'a: 1\nb: two\n',
    yaml: true,
    setup: (c) => ({
      files: { 'play.yml': OK_PLAY, 'inventory/hosts': LOCAL_INI, 'inventory/group_vars/all.yml': c },
      args: run('{dir}/inventory/hosts'),
    }),
  },
  {
    name: '-e @file',
    file: 'extra.yml',
    valid: 'a: 1\nb: two\n',
    yaml: true,
    setup: (c) => ({
      files: { 'play.yml': OK_PLAY, 'inv.ini': LOCAL_INI, 'extra.yml': c },
      args: [...run('{dir}/inv.ini'), '-e', '@{dir}/extra.yml'],
    }),
  },
  {
    name: 'vars_files file',
    file: 'v.yml',
    valid: 'a: 1\nb: two\n',
    yaml: true,
    setup: (c) => ({
      files: { 'play.yml': playWith('', '  vars_files:\n    - v.yml\n'), 'inv.ini': LOCAL_INI, 'v.yml': c },
      args: run('{dir}/inv.ini'),
    }),
  },
];

const lines = (s: string) => s.split('\n').length;

export function rawCases(): Case[] {
  const out: Case[] = [];
  for (const k of KINDS) {
    const add = (variant: string, content: string | Buffer, code: number, msg: string | RegExp) =>
      out.push({ name: `${k.name}: ${variant}`, ...k.setup(content), code, msg });
    const n = lines(k.valid);
    const fileRe = k.file.replace('.', '\\.');
    // truncated inside a quoted string: the parser names the end of the file
    const cut = k.yaml ? `${k.valid}c: "unterminated` : `${k.valid}h9 a="unterminated`;
    add('truncated', cut, 4, new RegExp(`${fileRe}:${n}:\\d+`));
    add(
      'binary (invalid UTF-8)',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0xff, 0x00, 0x10]),
      4,
      new RegExp(`${fileRe}:1:7: invalid UTF-8 \\(byte 0xff\\)`),
    );
    add(
      'binary (control characters)',
      Buffer.from([0x00, 0x01, 0x02, 0x03, 0x0a, 0x04, 0x05]),
      4,
      new RegExp(`${fileRe}:\\d+:\\d+`),
    );
    add(
      'invalid UTF-8 on line 2',
      Buffer.concat([Buffer.from(k.valid.split('\n')[0] + '\n'), Buffer.from([0x78, 0xc3, 0x28, 0x0a])]),
      4,
      new RegExp(`${fileRe}:2:2: invalid UTF-8 \\(byte 0xc3\\)`),
    );
    add('BOM accepted', `\ufeff${k.valid}`, 0, 'ok=1');
    add('CRLF accepted', k.valid.replace(/\n/g, '\r\n'), 0, 'ok=1');
    // huge: 40,000 valid lines, then one bad line: located at its line, within the time bound
    const filler =
      k.name === 'playbook'
        ? ''
        : Array.from({ length: 40_000 }, (_, i) => (k.yaml ? `v${i}: ${i}` : `[g${i}]`)).join('\n') + '\n';
    if (filler) {
      const huge = k.yaml ? `${filler}${k.valid}bad: [\n` : `${k.valid}${filler}h9 a="unterminated\n`;
      add(
        'huge with an error at the end',
        huge,
        4,
        new RegExp(`${fileRe}:(${lines(huge) - 1}|${lines(huge)}):\\d+`),
      );
    } else {
      const tasks = Array.from({ length: 5_000 }, (_, i) => `    - name: t${i}\n      debug: msg=x\n`).join(
        '',
      );
      const huge = playWith(`${tasks}    - name: last\n      debugx: msg=x\n`);
      add(
        'huge with an error at the end',
        huge,
        4,
        new RegExp(`play\\.yml:${lines(huge) - 1}:7: unknown module`),
      );
    }
    if (!k.yaml) continue;
    const inPlay = (body: string) =>
      k.name === 'playbook'
        ? `- hosts: all\n  gather_facts: false\n  vars:\n${body}  tasks: []\n`
        : k.name === 'YAML inventory'
          ? `all:\n  vars:\n${body}`
          : body;
    const indent = k.name === 'playbook' || k.name === 'YAML inventory' ? '    ' : '';
    add(
      '3,000 levels of block nesting',
      inPlay(deepMapping(3000, indent)),
      4,
      new RegExp(`${fileRe}:\\d+:\\d+: YAML nested more than 200 levels deep`),
    );
    add(
      '3,000 levels of flow nesting',
      inPlay(`${indent}x: ${'['.repeat(3000)}${']'.repeat(3000)}\n`),
      4,
      new RegExp(`${fileRe}:\\d+:\\d+: YAML nested more than 200 levels deep`),
    );
    add(
      'billion laughs',
      inPlay(billionLaughs(indent)),
      4,
      new RegExp(`${fileRe}:\\d+:\\d+: YAML aliases expand too much`),
    );
  }
  return out;
}
