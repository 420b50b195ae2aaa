/**
 * Hostile values through every variable source — inventory (group_vars), -e, vars_files, set_fact and
 * register (a command's output) — into module arguments (command argv, copy content and dest file name,
 * file path, lineinfile line), run for real over OpenSSH on loopback in a temp dir: the values arrive
 * byte for byte (files named and filled with them) and no shell ever runs them (no canary file appears).
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli';
import { startSshd, TEST_USERS, type Sshd } from '../helpers/sshd';

const CANARY = `rm-canary-${crypto.randomBytes(4).toString('hex')}`;
/** Quotes, `;`, `$()`, backticks, a glob and a leading dash; relative canary: it would land in the cwd. */
const PAYLOAD = `-x'"; touch ${CANARY}; $(touch ${CANARY}) \`touch ${CANARY}\` * #`;
const SOURCES = ['inv', 'extra', 'vf', 'fact', 'reg'] as const;

let sshd: Sshd;
let work: string;

test.before(async () => {
  sshd = await startSshd();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'inject-src-'));
  fs.chmodSync(work, 0o755);
  fs.mkdirSync(path.join(work, 'out'), { mode: 0o777 });
  fs.chmodSync(path.join(work, 'out'), 0o777);
  const y = JSON.stringify(PAYLOAD); // a YAML double-quoted scalar
  fs.mkdirSync(path.join(work, 'group_vars'));
  fs.writeFileSync(path.join(work, 'group_vars', 'targets.yml'), `p_inv: ${y}\n`);
  fs.writeFileSync(path.join(work, 'vf.yml'), `p_vf: ${y}\n`);
  fs.writeFileSync(path.join(work, 'extra.json'), JSON.stringify({ p_extra: PAYLOAD }));
  fs.writeFileSync(path.join(work, 'payload.txt'), PAYLOAD, { mode: 0o644 });
  fs.writeFileSync(
    path.join(work, 'hosts.ini'),
    `[targets]\nt1 ansible_host=${sshd.host} ansible_port=${sshd.port} ansible_user=${TEST_USERS.nopasswd} ` +
      `ansible_ssh_private_key_file=${sshd.clientKey} remediate_known_hosts=${sshd.knownHostsFile}\n`,
  );
  const perSource = SOURCES.map(
    (s) => `    - name: command argv (${s})
      command:
        argv: [printf, "%s", "{{ p_${s} }}"]
      register: echoed_${s}
    - assert:
        that: echoed_${s}.stdout == p_${s}
    - name: copy content and file name (${s})
      copy:
        content: "{{ p_${s} }}"
        dest: "${work}/out/{{ p_${s} | replace('/', '_') }}.${s}"
    - name: file path (${s})
      file:
        path: "${work}/out/{{ p_${s} | replace('/', '_') }}.${s}.touched"
        state: touch
    - name: lineinfile line (${s})
      lineinfile:
        path: "${work}/out/lines.${s}"
        line: "{{ p_${s} }}"
        create: true
`,
  ).join('');
  fs.writeFileSync(
    path.join(work, 'play.yml'),
    `- hosts: targets
  gather_facts: false
  vars_files: [vf.yml]
  tasks:
    - command: cat ${work}/payload.txt
      register: read_back
    - set_fact:
        p_reg: "{{ read_back.stdout }}"
        p_fact: "{{ p_inv ~ '' }}"
${perSource}`,
  );
});

test.after(async () => {
  await sshd?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

test('hostile values from inventory, -e, vars_files, set_fact and register arrive verbatim, never run', async () => {
  const r = await runCli(
    ['run', 'play.yml', '-i', 'hosts.ini', '-e', '@extra.json', '--output', 'plain', '-vv'],
    {
      cwd: work,
    },
  );
  assert.is(r.code, 0, r.stdout + r.stderr);
  const name = PAYLOAD.replace(/\//g, '_');
  for (const s of SOURCES) {
    assert.is(fs.readFileSync(path.join(work, 'out', `${name}.${s}`), 'utf8'), PAYLOAD, `copy ${s}`);
    assert.ok(fs.existsSync(path.join(work, 'out', `${name}.${s}.touched`)), `file ${s}`);
    assert.is(
      fs.readFileSync(path.join(work, 'out', `lines.${s}`), 'utf8'),
      PAYLOAD + '\n',
      `lineinfile ${s}`,
    );
  }
  let found = '';
  try {
    found = execFileSync('find', ['/tmp', `/home/${TEST_USERS.nopasswd}`, '-xdev', '-name', `${CANARY}*`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    found = String((e as { stdout?: string }).stdout ?? ''); // files of other tests vanishing under find
  }
  found = found.trim();
  assert.is(found, '', 'a hostile value ran in a shell');
});

test.run();
