/**
 * known_hosts: edits checked with OpenSSH's own ssh-keygen (-F finds what we wrote, -H hashed entries are
 * recognised), replace of a changed key, removal, idempotency, refusal of bad names and keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import known_hosts from '../../src/modules/known_hosts';
import { makeContext, runModule } from './context';

let dir = '';
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIHx1bGx5LWZha2Uta2V5LWZvci10ZXN0aW5nLW9ubHk';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIGFub3RoZXIta2V5LWZvci10ZXN0aW5nLW9ubHkhISE';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7';
test.before(() => void (dir = mkdtempSync(path.join(tmpdir(), 'remediate-kh-'))));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const find = (file: string, host: string) =>
  spawnSync('ssh-keygen', ['-F', host, '-f', file], { encoding: 'utf8' }).stdout;

test('add, keep, replace, remove — as ssh-keygen -F sees it', async () => {
  const file = path.join(dir, 'kh');
  writeFileSync(file, `other.example ssh-ed25519 ${K2}\nweb01 ssh-rsa ${RSA}\n`);
  const add = { name: 'web01', key: `web01 ssh-ed25519 ${K1}`, path: file };
  assert.ok((await runModule(known_hosts, add, makeContext())).changed);
  assert.match(find(file, 'web01'), K1);
  assert.match(find(file, 'web01'), 'ssh-rsa');
  assert.not.ok((await runModule(known_hosts, add, makeContext())).changed);
  const repl = await runModule(known_hosts, { ...add, key: `web01 ssh-ed25519 ${K2}` }, makeContext());
  assert.ok(repl.changed);
  assert.not.match(find(file, 'web01'), K1);
  assert.match(find(file, 'other.example'), K2);
  const del = await runModule(known_hosts, { name: 'web01', state: 'absent', path: file }, makeContext());
  assert.ok(del.changed);
  assert.is(find(file, 'web01'), '');
  assert.is(readFileSync(file, 'utf8'), `other.example ssh-ed25519 ${K2}\n`);
});

test('hashed entries: ssh-keygen -H lines are found and removed; hash_host writes one ssh-keygen finds', async () => {
  const file = path.join(dir, 'hashed');
  writeFileSync(file, `[db.example]:2222 ssh-ed25519 ${K1}\n`);
  spawnSync('ssh-keygen', ['-H', '-f', file]);
  assert.match(readFileSync(file, 'utf8'), /^\|1\|/);
  const keep = { name: '[db.example]:2222', key: `[db.example]:2222 ssh-ed25519 ${K1}`, path: file };
  assert.not.ok((await runModule(known_hosts, keep, makeContext())).changed);
  assert.ok((await runModule(known_hosts, { ...keep, state: 'absent' }, makeContext())).changed);
  assert.is(readFileSync(file, 'utf8'), '');
  const fresh = path.join(dir, 'new');
  await runModule(
    known_hosts,
    { name: 'h1', key: `h1 ssh-ed25519 ${K1}`, path: fresh, hash_host: true },
    makeContext(),
  );
  assert.match(readFileSync(fresh, 'utf8'), /^\|1\|/);
  assert.match(find(fresh, 'h1'), K1);
  assert.is(statSync(fresh).mode & 0o777, 0o644);
});

test('bad names and keys are refused', async () => {
  for (const bad of [
    { name: '-oProxyCommand=x', key: `x ssh-ed25519 ${K1}` },
    { name: 'a', key: `b ssh-ed25519 ${K1}` },
    { name: 'a', key: 'a ssh-ed25519' },
    { name: 'a' },
  ])
    await runModule(known_hosts, { ...bad, path: path.join(dir, 'x') }, makeContext()).then(
      () => assert.unreachable(JSON.stringify(bad)),
      (e) => assert.match(String(e), /invalid|does not match|required/),
    );
});

test.run();
