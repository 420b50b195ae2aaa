/** Command-line cases, and ssh_config / known_hosts files (hosts on a closed loopback port). */
import { type Case, LOCAL_INI, OK_PLAY } from './corpus';

const base = { 'play.yml': OK_PLAY, 'inv.ini': LOCAL_INI };
const run = ['run', '{dir}/play.yml', '-i', '{dir}/inv.ini'];

function cli(
  name: string,
  args: string[],
  code: number,
  msg: string | RegExp,
  files: Case['files'] = base,
): Case {
  return { name: `cli: ${name}`, files, args, code, msg };
}

/** An inventory whose host is SSH to a closed port on loopback (nothing listens on port 1). */
const SSH_INI = '[web]\nh1 ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody ansible_password=x\n';

export function cliCases(): Case[] {
  return [
    cli('unknown option', [...run, '--bogus'], 5, "unknown option '--bogus'"),
    cli('forks 0', [...run, '-f', '0'], 5, '"0" is not a positive integer'),
    cli('forks abc', [...run, '-f', 'abc'], 5, '"abc" is not a positive integer'),
    cli('forks -1', [...run, '--forks=-1'], 5, '"-1" is not a positive integer'),
    cli('connect-timeout 0', [...run, '--connect-timeout', '0'], 5, 'is not a positive number of seconds'),
    cli(
      'connect-timeout abc',
      [...run, '--connect-timeout', 'abc'],
      5,
      'is not a positive number of seconds',
    ),
    cli('connect-retries -1', [...run, '--connect-retries=-1'], 5, 'is not a non-negative integer'),
    cli('connect-retries x', [...run, '--connect-retries', 'x'], 5, 'is not a non-negative integer'),
    cli('run without playbook', ['run'], 5, "missing required argument 'playbook'"),
    cli('unknown command', ['frobnicate'], 5, "unknown command 'frobnicate'"),
    cli('playbook missing', ['run', '{dir}/nope.yml', '-i', '{dir}/inv.ini'], 4, 'nope.yml'),
    cli('playbook is a directory', ['run', '{dir}', '-i', '{dir}/inv.ini'], 4, '{dir}'),
    // as ansible-playbook: a missing -i source is warned about and skipped (implicit localhost then)
    cli(
      'inventory missing (warned, as Ansible)',
      ['run', '{dir}/play.yml', '-i', '{dir}/nope.ini'],
      0,
      'nope.ini',
    ),
    cli('-F missing', [...run, '-F', '/nonexistent'], 5, '-F /nonexistent: no such file'),
    cli('--start-at-task no such task', [...run, '--start-at-task', 'nope'], 5, 'no task matches "nope"'),
    cli('--step without a terminal', [...run, '--step'], 5, '--step needs a terminal'),
    cli(
      '--ssh-common-args unsupported -o',
      [...run, '--ssh-common-args', '-o Tunnel=yes'],
      5,
      '-o Tunnel is not supported',
    ),
    cli('--become-method doas', [...run, '--become-method', 'doas'], 5, 'Allowed choices are sudo, su'),
    cli('-c winrm', [...run, '-c', 'winrm'], 5, 'Allowed choices are ssh, local'),
    cli('-F a directory', [...run, '-F', '{dir}'], 5, 'not a file'),
    cli('limit unbalanced bracket', [...run, '--limit', '~web[('], 4, 'unbalanced "[" or "]"'),
    cli('limit invalid regex', [...run, '--limit', '~web('], 4, 'invalid regular expression'),
    cli('limit bare &', [...run, '--limit', 'web:&'], 4, 'needs a name after it'),
    cli('limit @missing file', [...run, '--limit', '@{dir}/nope.retry'], 4, 'nope.retry'),
    cli('journal under a regular file', [...run, '--journal', '{dir}/play.yml/j.ndjson'], 5, '--journal'),
    cli('output unknown', [...run, '--output', 'xml'], 5, 'xml'),
    cli('host-key-checking unknown', [...run, '--host-key-checking', 'maybe'], 5, 'maybe'),
    cli('-e without value', [...run, '-e'], 5, 'argument missing'),
    cli('--become-user without value', [...run, '--become-user'], 5, 'argument missing'),
    cli('validate missing playbook', ['validate', '{dir}/nope.yml'], 4, 'nope.yml'),
    cli('inventory --list of a missing file', ['inventory', '-i', '{dir}/nope.ini', '--list'], 4, 'nope.ini'),
    cli(
      'inventory bad port',
      ['inventory', '-i', '{dir}/p.ini', '--list'],
      4,
      /p\.ini:2:42: ansible_port="x"/,
      {
        'p.ini': '[web]\nh1 ansible_connection=local ansible_port=x\n',
      },
    ),
    cli(
      'lab up --clusters 0',
      ['lab', 'up', '--clusters', '0', '--dir', '{dir}/lab'],
      5,
      'not a positive integer',
    ),
    cli(
      'lab up --faults unknown',
      ['lab', 'up', '--clusters', '1', '--faults', 'bogus=1', '--dir', '{dir}/lab'],
      5,
      'unknown fault "bogus=1"',
    ),
    cli('lab verify without a lab', ['lab', 'verify', '--dir', '{dir}/nolab'], 5, 'no lab in'),
    // ssh_config and known_hosts files that are junk: still a reported outcome, never a crash
    ...[
      ['binary', Buffer.from([0, 1, 2, 255, 254, 10, 0x48, 0x6f, 0x73, 0x74, 0x20, 0xff, 10])],
      ['only a keyword', 'Host\n'],
      ['unknown keywords', 'Host *\n  Frobnicate yes\n  Wibble 3\n'],
      ['Match with nothing', 'Match\n'],
      ['huge line', `Host *\n  HostName ${'a'.repeat(200_000)}\n`],
    ].map(([what, text]) =>
      cli(
        `ssh_config ${what}`,
        ['run', '{dir}/play.yml', '-i', '{dir}/ssh.ini', '-F', '{dir}/ssh_config', '--connect-retries', '0'],
        3,
        /h1|unreachable/,
        {
          ...base,
          'ssh.ini': SSH_INI,
          ssh_config: text as string,
        },
      ),
    ),
    ...[
      ['binary', Buffer.from([0, 1, 2, 255, 254, 10])],
      ['broken lines', '127.0.0.1\n@revoked\n[127.0.0.1]:1 ssh-ed25519\n|1|bad|hash ssh-ed25519 AAAA\n'],
      ['CRLF and comments', '# c\r\n\r\n[127.0.0.1]:1 ecdsa-sha2-nistp256 AAAA\r\n'],
      ['huge line', `[127.0.0.1]:1 ssh-ed25519 ${'A'.repeat(200_000)}\n`],
    ].map(([what, text]) =>
      cli(
        `known_hosts ${what}`,
        ['run', '{dir}/play.yml', '-i', '{dir}/ssh.ini', '--connect-retries', '0'],
        3,
        'connection refused',
        {
          ...base,
          'ssh.ini': SSH_INI.replace('nobody', 'nobody remediate_known_hosts={dir}/known_hosts'),
          known_hosts: text as string,
        },
      ),
    ),
  ];
}
