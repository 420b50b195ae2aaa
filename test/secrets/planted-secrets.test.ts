/**
 * One secret per source — a secret-named variable (group_vars), a vaulted value (vars_files encrypted with
 * ansible-vault's format), a no_log task's output (read on the target), the SSH login password and the
 * become password — used in messages, loop labels, command lines, a file written with --diff, set_fact,
 * a re-encoding and a failing command's stderr. Then every byte remediate wrote is grepped: stdout and
 * stderr (plain at -vvvv, and NDJSON), the journal, the retry file, anything under the working directory, and
 * every file created on the target (temp dirs, uploads) except the one file the playbook writes on purpose.
 * Real OpenSSH sshd on loopback.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encryptVault } from '../../src/vault';
import { runCli } from '../helpers/cli';
import { startSshd, TEST_PASSWORD, TEST_USERS, type Sshd } from '../helpers/sshd';

const PLANTED = {
  named: 'planted-named-5a1f',
  vaulted: 'planted-vault-9c2e',
  noLog: 'planted-nolog-7d3b',
  password: TEST_PASSWORD, // the SSH login password and the become password of the test user
};
const DERIVED = [Buffer.from(PLANTED.noLog).toString('base64'), PLANTED.vaulted.toUpperCase()];
const ALL = [...Object.values(PLANTED), ...DERIVED];

let sshd: Sshd;
let work: string;

test.before(async () => {
  sshd = await startSshd();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'planted-'));
  fs.chmodSync(work, 0o755);
  fs.mkdirSync(path.join(work, 'out'), { mode: 0o777 });
  fs.chmodSync(path.join(work, 'out'), 0o777);
  fs.writeFileSync(path.join(work, 'pw'), 'vault pass\n');
  fs.writeFileSync(path.join(work, 'nolog.txt'), PLANTED.noLog + '\n', { mode: 0o644 });
  fs.mkdirSync(path.join(work, 'group_vars'));
  fs.writeFileSync(path.join(work, 'group_vars', 'targets.yml'), `api_secret: ${PLANTED.named}\n`);
  fs.writeFileSync(
    path.join(work, 'vault.yml'),
    encryptVault(`vaulted_key: ${PLANTED.vaulted}\n`, 'vault pass'),
  );
  fs.writeFileSync(
    path.join(work, 'hosts.ini'),
    `[targets]\nt1 ansible_host=${sshd.host} ansible_port=${sshd.port} ansible_user=${TEST_USERS.password} ` +
      `ansible_password=${TEST_PASSWORD} ansible_become_password=${TEST_PASSWORD} ` +
      `ansible_ssh_private_key_file=${path.join(work, 'no-key')} remediate_known_hosts=${sshd.knownHostsFile}\n`,
  );
  fs.writeFileSync(
    path.join(work, 'play.yml'),
    `- hosts: targets
  gather_facts: false
  vars_files: [vault.yml]
  tasks:
    - name: secrets in a message
      debug: msg="named={{ api_secret }} vault={{ vaulted_key }} pw={{ ansible_password }}"
    - name: secrets as loop labels
      debug: msg="{{ item }}"
      loop: ["{{ api_secret }}", "{{ vaulted_key }}", "{{ ansible_become_password }}"]
    - name: read a secret on the target
      command: cat ${work}/nolog.txt
      register: nolog_out
      no_log: true
    - set_fact:
        from_nolog: "{{ nolog_out.stdout }}"
    - name: secrets in a command line
      command: echo {{ api_secret }} {{ vaulted_key }} {{ from_nolog }} {{ ansible_password }}
    - name: secrets in a file, with --diff
      copy:
        content: "{{ api_secret }}\\n{{ vaulted_key }}\\n{{ from_nolog }}\\n"
        dest: ${work}/out/secret.conf
        mode: "0600"
    - name: become with a password
      command: id -u
      become: true
    - name: a failing command printing re-encoded secrets on stderr
      shell: echo "{{ from_nolog | b64encode }} {{ vaulted_key | upper }} {{ api_secret }}" >&2; exit 4
`,
  );
});

test.after(async () => {
  await sshd?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Files created or changed since `marker` under the target's temp dirs and the login user's home. */
function findSince(marker: string): string[] {
  const home = `/home/${TEST_USERS.password}`;
  let out = '';
  try {
    out = execFileSync(
      'find',
      ['/tmp', '/var/tmp', home, '-xdev', '-newer', marker, '-type', 'f', '-size', '-2M'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? ''); // unreadable dirs of other tests: keep what was found
  }
  return out.split('\n').filter(Boolean);
}

function leaks(text: string): string[] {
  return ALL.filter((s) => text.includes(s));
}

for (const output of ['plain', 'json'] as const) {
  test(`${output} output at -vvvv with --diff: no planted secret in any byte remediate wrote`, async () => {
    const marker = path.join(work, `marker-${output}`);
    fs.writeFileSync(marker, '');
    const before = Date.now();
    while (Date.now() - before < 20); // mtime granularity: files written after the marker are newer
    fs.rmSync(path.join(work, 'out', 'secret.conf'), { force: true });
    const journal = path.join(work, `journal-${output}.ndjson`);
    const report = path.join(work, `report-${output}.json`);
    const r = await runCli(
      [
        'run',
        'play.yml',
        '-i',
        'hosts.ini',
        '--vault-password-file',
        'pw',
        '--output',
        output,
        '-vvvv',
        '--diff',
        '--journal',
        journal,
        '--retry-file',
        '--report',
        report,
        '--report',
        report.replace(/\.json$/, '.md'),
      ],
      { cwd: work },
    );
    assert.is(r.code, 2, r.stdout + r.stderr); // the last task fails on purpose (retry file)
    // the run did use every secret: the file on the target holds three of them
    assert.is(
      fs.readFileSync(path.join(work, 'out', 'secret.conf'), 'utf8'),
      `${PLANTED.named}\n${PLANTED.vaulted}\n${PLANTED.noLog}\n`,
    );
    assert.equal(leaks(r.stdout), [], 'stdout');
    assert.equal(leaks(r.stderr), [], 'stderr');
    assert.ok(r.stdout.includes('***'), 'secrets are shown masked');
    const written = findSince(marker).filter((f) => f !== path.join(work, 'out', 'secret.conf'));
    assert.ok(written.includes(journal), `the journal is among the files checked: ${written.join(', ')}`);
    assert.ok(
      written.includes(path.join(work, '.remediate', 'retry', 'play.retry')),
      'the retry file is among the files checked',
    );
    assert.ok(written.includes(report), 'the --report JSON file is among the files checked');
    assert.ok(written.includes(report.replace(/\.json$/, '.md')), 'the --report Markdown file too');
    assert.ok(
      written.some((f) => f.startsWith(path.join(work, '.remediate', 'runs'))),
      'the run journal (.remediate/runs) is among the files checked',
    );
    for (const f of written) {
      let text: string;
      try {
        text = fs.readFileSync(f, 'latin1');
      } catch {
        continue; // gone already (another test's temp file)
      }
      assert.equal(leaks(text), [], f);
    }
    // nothing left behind by remediate on the target (files of the login user: other tests share /tmp)
    const uid = Number(execFileSync('id', ['-u', TEST_USERS.password], { encoding: 'utf8' }).trim());
    const ownedBy = (f: string) => {
      try {
        return fs.statSync(f).uid === uid;
      } catch {
        return false;
      }
    };
    assert.equal(
      written.filter((f) => /remediate/.test(path.basename(f)) && !f.startsWith(work) && ownedBy(f)),
      [],
      'leftover remediate temp files',
    );
  });
}

test.run();
