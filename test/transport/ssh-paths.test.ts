/**
 * Paths are data: file transfers over ssh (SFTP, through become, and the exec fallback without SFTP)
 * to names with spaces, quotes, `$()`, backticks and a leading dash run nothing and land where asked,
 * with a private temp file. Real sshd on loopback.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshTransportFactory } from '../../src/transport/ssh';
import { loginVars, startSshd, TEST_USERS } from '../helpers/sshd';

const HOSTILE = `-x a b 'q' "d" $(touch PWNED) \`touch PWNED2\` ; touch PWNED3`;

test('put/get to hostile names: over SFTP, with become, and without SFTP', async () => {
  const d = await startSshd();
  const noSftp = await startSshd({ sftp: false, hostKey: d.hostKey });
  const f = createSshTransportFactory();
  const dir = mkdtempSync(join(tmpdir(), 'rm-ssh-paths-'));
  const uid = Number(execFileSync('id', ['-u', TEST_USERS.nopasswd], { encoding: 'utf8' }));
  chownSync(dir, uid, uid);
  try {
    const viaSftp = f({ name: 'sftp', vars: loginVars(d) });
    const viaExec = f({ name: 'exec', vars: loginVars(noSftp) });
    const cases = [
      { t: viaSftp, name: `${HOSTILE} 1`, become: undefined },
      { t: viaSftp, name: `${HOSTILE} 2`, become: { method: 'sudo' as const, user: 'root' } },
      { t: viaExec, name: `${HOSTILE} 3`, become: undefined },
    ];
    for (const c of cases) {
      const p = join(dir, c.name);
      const body = Buffer.from(`content of ${c.name}\n`);
      assert.is((await c.t.put(p, body, { mode: 0o600, become: c.become })).changed, true, c.name);
      assert.equal(readFileSync(p), body);
      assert.is(statSync(p).mode & 0o777, 0o600);
      assert.equal(await c.t.get(p, { become: c.become }), body);
      assert.is((await c.t.put(p, body, { mode: 0o600, become: c.become })).changed, false);
    }
    for (const bad of ['PWNED', 'PWNED2', 'PWNED3'])
      for (const where of [dir, '/tmp', `/home/${TEST_USERS.nopasswd}`, '/root'])
        assert.not.ok(existsSync(join(where, bad)), `${bad} created in ${where}`);
    assert.equal(readdirSync(dir).sort(), cases.map((c) => c.name).sort(), 'no temp file left');
  } finally {
    await f.closeAll();
    await noSftp.stop();
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
