/** Playbook cases: misspelled keywords and modules, unknown arguments, wrong types, broken templates. */
import { type Case, esc, loc, playCase, playError, playWith } from './corpus';

const KEYWORD_TYPOS: [string, string][] = [
  ['becom', 'true'],
  ['whn', 'true'],
  ['registr', 'r'],
  ['loops', '[1]'],
  ['notfy', 'h'],
  ['tag', 'a'],
  ['retrys', '1'],
  ['delays', '1'],
  ['ignore_error', 'true'],
  ['changed_whn', 'false'],
  ['failed_whn', 'false'],
  ['run_onc', 'true'],
  ['delegate', 'localhost'],
  ['no_logs', 'true'],
  ['environmnt', '{}'],
  ['become_usr', 'root'],
  ['check_mod', 'true'],
  ['loop_contrl', '{}'],
  ['untill', 'true'],
  ['with_item', '[1]'],
  ['varss', '{}'],
  ['any_error_fatal', 'true'],
  ['ignore_unreachabl', 'true'],
  ['become_methd', 'sudo'],
  ['delegate_too', 'localhost'],
  ['Name', 'x'],
];

const MODULES: Record<string, string> = {
  command: 'cmd: "true"',
  shell: 'cmd: "true"',
  copy: 'content: x\n        dest: /tmp/x',
  template: 'src: a.j2\n        dest: /tmp/x',
  file: 'path: /tmp/x',
  stat: 'path: /tmp/x',
  lineinfile: 'path: /tmp/x\n        line: a',
  slurp: 'src: /tmp/x',
  fetch: 'src: /tmp/x\n        dest: /tmp/y',
  systemd: 'name: x',
  wait_for: 'port: 22',
  uri: 'url: http://127.0.0.1/',
  assert: 'that: [true]',
  debug: 'msg: x',
  fail: 'msg: x',
  x509_info: 'path: /tmp/x',
  x509_key_match: 'cert: /tmp/x\n        key: /tmp/y',
  x509_sans: 'path: /tmp/x\n        service_cidr: 10.0.0.0/24\n        node_ip: 10.0.0.1',
  tls_check: 'host: 127.0.0.1\n        port: 1',
  kubectl: 'state: get\n        kind: pod',
};

const TYPE_ERRORS: [string, string, string][] = [
  ['retries', 'abc', "invalid 'retries'"],
  ['retries', '-1', "invalid 'retries'"],
  ['retries', '[1]', "invalid 'retries'"],
  ['delay', 'abc', "invalid 'delay'"],
  ['delay', '{a: 1}', "invalid 'delay'"],
  ['loop', '5', "invalid 'loop'"],
  ['loop', '{a: 1}', "invalid 'loop'"],
  ['with_items', '7', "invalid 'with_items'"],
  ['become', 'maybe', "'become'"],
  ['no_log', 'maybe', "'no_log'"],
  ['ignore_errors', 'sometimes', "'ignore_errors'"],
  ['run_once', 'x', "'run_once'"],
  ['check_mode', 'perhaps', "'check_mode'"],
  ['tags', '{a: 1}', "'tags'"],
  ['register', '[r]', "'register'"],
  ['vars', '[1, 2]', "'vars'"],
  ['environment', '5', "'environment'"],
  ['loop_control', '5', "'loop_control'"],
  ['notify', '{a: 1}', "'notify'"],
  ['become_user', '[a]', "'become_user'"],
  ['delegate_to', '{a: 1}', "'delegate_to'"],
  ['until', '{a: 1}', "'until'"],
  ['changed_when', '{a: 1}', "'changed_when'"],
  ['failed_when', '{a: 1}', "'failed_when'"],
];

const BAD_TEMPLATES = [
  '{{ x + }}',
  '{{ x | }}',
  '{{ (x }}',
  '{{ x ) }}',
  "{{ 'unclosed }}",
  '{{ x | nosuchfilter }}',
  '{{ x is nosuchtest }}',
  '{% if x %}no endif',
  '{{ x[ }}',
  '{% for %}{% endfor %}',
  '{{ x | default( }}',
  '{% endif %}',
  '{{ 1 +* 2 }}',
  '{{ x..y }}',
  '{{ x | map( }}',
  '{{ x ~ }}',
  '{{ [1, }}',
  "{{ {'a': } }}",
  '{{ x if }}',
  '{{ x | b64encode | nosuch2 }}',
  '{% set %}',
  '{{ x.}}',
  '{% bogus_tag %}',
  '{{ x | selectattr( }}',
];

const BAD_CONDITIONS = [
  'x ==',
  'x |',
  '(x',
  'x is nosuchtest',
  'x | nosuchfilter',
  'not',
  'x and',
  'x ==== 1',
];

export function playbookCases(): Case[] {
  const out: Case[] = [];
  for (const [kw, v] of KEYWORD_TYPOS) {
    const t = playWith(`    - name: t\n      debug: msg=hi\n      ${kw}: ${v}\n`);
    out.push(playError(`task keyword typo ${kw}`, t, `${kw}:`, `unknown task keyword '${kw}'`));
  }
  for (const m of Object.keys(MODULES)) {
    const typo = `${m}x`;
    const t = playWith(`    - name: t\n      ${typo}:\n        a: 1\n`);
    out.push(playError(`module typo ${typo}`, t, `${typo}:`, `unknown module or task keyword '${typo}'`));
  }
  for (const [m, args] of Object.entries(MODULES)) {
    const t = playWith(`    - name: t\n      ${m}:\n        ${args}\n        bogus_arg: 1\n`);
    out.push(playError(`unknown argument of ${m}`, t, 'bogus_arg', `'${m}' has no argument 'bogus_arg'`));
  }
  for (const [kw, v, what] of TYPE_ERRORS) {
    const t = playWith(`    - name: t\n      debug: msg=hi\n      ${kw}: ${v}\n`);
    const [line, col] = loc('play.yml', t, `${kw}: ${v}`).split(':').slice(1).map(Number);
    out.push(
      playCase(
        `wrong type ${kw}: ${v}`,
        t,
        4,
        new RegExp(`play\\.yml:${line}:${col! + kw.length + 2}: .*${esc(what)}`),
      ),
    );
  }
  for (const tpl of BAD_TEMPLATES) {
    const t = playWith(`    - name: t\n      debug:\n        msg: "${tpl.replace(/"/g, '\\"')}"\n`);
    out.push(playError(`bad template ${tpl}`, t, `"${tpl.slice(0, 4)}`, ''));
  }
  for (const c of BAD_CONDITIONS) {
    const t = playWith(`    - name: t\n      debug: msg=hi\n      when: "${c}"\n`);
    out.push(playError(`bad condition ${c}`, t, `"${c}"`, ''));
  }
  return out;
}
