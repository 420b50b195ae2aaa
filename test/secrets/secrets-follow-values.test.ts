/**
 * Issue #10 finding 3, reproduced through the CLI (local connection): secrets printed in clear. A
 * secret-named variable from vars_files in a debug message, a loop label and the journal; set_fact from a
 * no_log task's output then `command: echo {{ app_password }}` (the change line and -vvvv); `register:
 * db_token` then `debug: var=db_token.stdout`; a vaulted value and re-encodings (b64encode, upper, to_json).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';
import { encryptVault } from '../../src/vault';

const SECRETS = {
  vf: 'vf-secret-3141',
  noLog: 'nolog-secret-2718',
  token: 'db-token-1618',
  vaulted: 'vaulted-secret-1414',
};
const ENCODED = [
  Buffer.from(SECRETS.vf).toString('base64'),
  SECRETS.vaulted.toUpperCase(),
  Buffer.from(SECRETS.noLog).toString('base64'),
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-follow-'));
fs.writeFileSync(path.join(dir, 'pw'), 'correct horse\n');
fs.writeFileSync(path.join(dir, 'vars.yml'), `vf_password: ${SECRETS.vf}\nvisible_var: plainly-visible\n`);
fs.writeFileSync(
  path.join(dir, 'vault.yml'),
  encryptVault(`vaulted_thing: ${SECRETS.vaulted}\n`, 'correct horse'),
);
fs.writeFileSync(path.join(dir, 'token.txt'), SECRETS.token + '\n');
fs.writeFileSync(path.join(dir, 'nolog.txt'), SECRETS.noLog + '\n');
fs.writeFileSync(
  path.join(dir, 'play.yml'),
  `- hosts: localhost
  gather_facts: false
  vars_files: [vars.yml, vault.yml]
  tasks:
    - name: vars_files secret in a message
      debug: msg="the password is {{ vf_password }} and {{ visible_var }}"
    - name: in a loop label
      debug: msg="item {{ item }}"
      loop: ["{{ vf_password }}", "label-visible"]
    - name: no_log output
      command: cat nolog.txt
      args: {chdir: "${dir}"}
      no_log: true
      register: hidden
    - set_fact:
        app_password: "{{ hidden.stdout }}"
    - name: echo it
      command: echo {{ app_password }}
    - name: secret-looking register
      command: cat ${dir}/token.txt
      register: db_token
    - debug: var=db_token.stdout
    - name: re-encodings
      debug:
        msg: "{{ vf_password | b64encode }} {{ vaulted_thing | upper }} {{ {'k': vaulted_thing} | to_json }} {{ app_password | b64encode }}"
    - name: a failure message holding a secret
      command: sh -c 'echo "{{ vaulted_thing }}" >&2; exit 3'
      ignore_errors: true
`,
);

function leaks(text: string): string[] {
  return [...Object.values(SECRETS), ...ENCODED].filter((s) => text.includes(s));
}

test('plain output at -vvvv, stderr and the journal: no secret, masked as *** where it was', async () => {
  const journal = path.join(dir, 'journal.ndjson');
  const r = await runCli(
    ['run', 'play.yml', '--vault-password-file', 'pw', '--output', 'plain', '-vvvv', '--journal', journal],
    { cwd: dir },
  );
  assert.is(r.code, 0, r.stderr);
  assert.equal(leaks(r.stdout), [], 'stdout');
  assert.equal(leaks(r.stderr), [], 'stderr');
  const j = fs.readFileSync(journal, 'utf8');
  assert.equal(leaks(j), [], 'journal');
  assert.match(r.stdout, '"msg": "the password is *** and plainly-visible"');
  assert.match(r.stdout, '(item=***)');
  assert.match(r.stdout, '(item=label-visible)');
  assert.match(r.stdout, '~ run echo ***');
  assert.match(r.stdout, '"db_token.stdout": "***"');
  // a re-encoding of a secret is a secret as a whole (to_json's output too)
  assert.match(r.stdout, '"msg": "*** *** *** ***"');
});

test('NDJSON output: no secret', async () => {
  const r = await runCli(['run', 'play.yml', '--vault-password-file', 'pw', '--output', 'json', '-vvv'], {
    cwd: dir,
  });
  assert.is(r.code, 0, r.stderr);
  assert.equal(leaks(r.stdout + r.stderr), []);
  assert.match(r.stdout, '"***"');
});

test('an error that ends the run (printed outside the reporters) is masked too', async () => {
  fs.writeFileSync(
    path.join(dir, 'err.yml'),
    `- hosts: localhost\n  gather_facts: false\n  vars_files: ["vault.yml", "{{ vaulted_thing }}.yml"]\n  tasks: []\n`,
  );
  const r = await runCli(['run', 'err.yml', '--vault-password-file', 'pw'], { cwd: dir });
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stderr, 'cannot read vars file');
  assert.match(r.stderr, '***.yml');
  assert.equal(leaks(r.stdout + r.stderr), []);
});

test.after(() => (process.env.KEEP ? console.log(dir) : fs.rmSync(dir, { recursive: true, force: true })));
test.run();
